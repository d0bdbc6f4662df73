import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// `--max-spans` and `--max-events`: past the limit the oldest ingested data goes (whole traces,
/// with their evaluations; events with their annotations), seeded data stays, health counts it.
final class RetentionTests: ApplicationTestCase {
    override func makeConfiguration() -> EmulatorConfiguration {
        .make(configure: { $0.retention = RetentionLimits(maxSpans: 10, maxEvents: 5) })
    }

    /// One export of `spans` spans in trace `trace` (a 32-hex id from a small number).
    func export(trace: Int, spans: Int, token: String? = nil) throws {
        let traceID = String(format: "%032x", trace + 0xabc000)
        let items = (0..<spans).map { index in
            #"{"traceId":"\#(traceID)","spanId":"\#(String(format: "%016x", index + 1))","name":"step \#(index)","startTimeUnixNano":"\#(1_000 + index)","endTimeUnixNano":"\#(2_000 + index)"}"#
        }
        let body = #"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(items.joined(separator: ","))]}]}]}"#
        let reply = try call("POST", "/telemetry/v1/traces", auth: .token(token ?? self.token), body: body)
        XCTAssertEqual(reply.status, 200, reply.text)
    }

    func traceExists(_ trace: Int, token: String? = nil) throws -> Bool {
        try call("GET", "\(v1)/traces/\(String(format: "%032x", trace + 0xabc000))", auth: .token(token ?? self.token)).status == 200
    }

    func eventID(_ index: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", index) }

    var retention: JSON { get throws { try call("GET", "/__emulator/health").json["retention"] ?? .null } }

    func testSpansPastTheLimitEvictTheOldestTracesWhole() throws {
        let seeded = try call("POST", "\(v1)/traces/search?page_size=100", json: .object(JSONObject()))
            .json["traces"]?["results"]?.arrayValue?.compactMap { $0["trace_id"]?.stringValue } ?? []
        XCTAssertFalse(seeded.isEmpty)
        try export(trace: 1, spans: 4)
        try export(trace: 2, spans: 4, token: "another-workspace")
        XCTAssertEqual(try retention["spans"]?.intValue, 8)
        try export(trace: 3, spans: 4)   // 12 > 10: trace 1 (the oldest) goes, whole
        XCTAssertFalse(try traceExists(1))
        XCTAssertTrue(try traceExists(2, token: "another-workspace"))
        XCTAssertTrue(try traceExists(3))
        let counts = try retention
        XCTAssertEqual(counts["spans"]?.intValue, 8)
        XCTAssertEqual(counts["evicted_spans"]?.intValue, 4)
        XCTAssertEqual(counts["evicted_traces"]?.intValue, 1)
        XCTAssertEqual(counts["max_spans"]?.intValue, 10)
        // Trace 2 written again (its four spans re-sent, one more) is the most recently written:
        // past the limit, trace 3 goes before it.
        try export(trace: 2, spans: 5, token: "another-workspace")
        XCTAssertEqual(try retention["spans"]?.intValue, 9)
        try export(trace: 4, spans: 3)
        XCTAssertFalse(try traceExists(3))
        XCTAssertTrue(try traceExists(2, token: "another-workspace"))
        XCTAssertTrue(try traceExists(4))
        XCTAssertEqual(try retention["spans"]?.intValue, 8)
        // The seeded traces are neither counted nor evicted.
        for traceID in seeded {
            XCTAssertEqual(try call("GET", "\(v1)/traces/\(traceID)").status, 200, traceID)
        }
    }

    func testAnExportLargerThanTheLimitIsKept() throws {
        try export(trace: 1, spans: 3)
        try export(trace: 2, spans: 12)
        XCTAssertFalse(try traceExists(1))
        XCTAssertTrue(try traceExists(2))
        XCTAssertEqual(try retention["spans"]?.intValue, 12)
    }

    func testEventsPastTheLimitEvictTheOldest() throws {
        for index in 0..<7 {
            let event: JSON = ["event_id": .string(eventID(index)), "created_at": .string(String(format: "2031-01-%02dT00:00:00.000Z", index + 1)),
                               "request_messages": [["role": "user", "content": "q"]], "response_messages": [["role": "assistant", "content": "a"]]]
            XCTAssertEqual(try call("POST", "/__emulator/events", json: event).status, 201)
        }
        XCTAssertEqual(try call("GET", "\(v1)/chat-completion-events/\(eventID(0))").status, 404)
        XCTAssertEqual(try call("GET", "\(v1)/chat-completion-events/\(eventID(1))").status, 404)
        XCTAssertEqual(try call("GET", "\(v1)/chat-completion-events/\(eventID(2))").status, 200)
        XCTAssertEqual(try call("GET", "\(v1)/chat-completion-events/\(eventID(6))").status, 200)
        let counts = try retention
        XCTAssertEqual(counts["events"]?.intValue, 5)
        XCTAssertEqual(counts["evicted_events"]?.intValue, 2)
        // Seeded events stay: the health count is every stored event.
        let health = try call("GET", "/__emulator/health").json
        XCTAssertEqual(health["events"]?.intValue, (health["fixture_events"]?.intValue ?? 0) + 5)
    }

    func testResetCountsWhatIsLeft() throws {
        try export(trace: 1, spans: 4)
        try export(trace: 2, spans: 3, token: "another-workspace")
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        XCTAssertEqual(try retention["spans"]?.intValue, 3)
        XCTAssertEqual(try call("POST", "/__emulator/reset").status, 204)
        XCTAssertEqual(try retention["spans"]?.intValue, 0)
    }

    func testZeroKeepsEverything() throws {
        try restart(with: .make(configure: { $0.retention = .unlimited }))
        for trace in 1...4 { try export(trace: trace, spans: 4) }
        for trace in 1...4 { XCTAssertTrue(try traceExists(trace)) }
        XCTAssertEqual(try retention["spans"]?.intValue, 16)
        XCTAssertEqual(try retention["evicted_spans"]?.intValue, 0)
    }
}

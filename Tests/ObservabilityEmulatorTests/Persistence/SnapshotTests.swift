import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// Named snapshots of the whole state: save, change, restore, list, delete; `--import` and
/// `--export-on-exit`; names that cannot leave the snapshot folder.
final class SnapshotTests: ApplicationTestCase {
    func judgeCount(_ token: String? = nil) throws -> Int {
        try call("GET", "\(v1)/judges?page_size=100", auth: .token(token ?? self.token)).json["judges"]?["results"]?.arrayValue?.count ?? -1
    }

    func createJudge(_ name: String) throws {
        let body: JSON = ["name": .string(name), "description": "d", "model_name": "mistral-small-latest", "instructions": "otherwise -> good", "tools": [],
                          "output": ["type": "CLASSIFICATION", "options": [["value": "good", "description": "g"], ["value": "poor", "description": "p"]]]]
        let reply = try call("POST", "\(v1)/judges", json: body)
        XCTAssertEqual(reply.status, 201, reply.text)
    }

    func testSaveChangeRestore() throws {
        try createJudge("Before the snapshot")
        let before = try judgeCount()
        let saved = try call("POST", "/__emulator/snapshots", json: ["name": "seeded-once"])
        XCTAssertEqual(saved.status, 201, saved.text)
        XCTAssertEqual(saved.json["name"], "seeded-once")
        XCTAssertGreaterThan(saved.json["size_bytes"]?.intValue ?? 0, 0)
        try createJudge("After the snapshot")
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        try createJudge("In another workspace")
        XCTAssertEqual(try call("POST", "/__emulator/snapshots/seeded-once/restore").status, 204)
        XCTAssertEqual(try judgeCount(), before)
        let names = try call("GET", "\(v1)/judges?page_size=100").json["judges"]?["results"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        XCTAssertTrue(names.contains("Before the snapshot"))
        XCTAssertFalse(names.contains("After the snapshot"))
        XCTAssertEqual(try call("GET", "/__emulator/snapshots").json["snapshots"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["seeded-once"])
        // Restoring twice gives the same state; a write after a restore works.
        XCTAssertEqual(try call("POST", "/__emulator/snapshots/seeded-once/restore").status, 204)
        try createJudge("After the restore")
        XCTAssertEqual(try judgeCount(), before + 1)
        XCTAssertEqual(try call("DELETE", "/__emulator/snapshots/seeded-once").status, 204)
        assertError(try call("POST", "/__emulator/snapshots/seeded-once/restore"), 404, nil, ["snapshot seeded-once not found"])
        assertError(try call("DELETE", "/__emulator/snapshots/seeded-once"), 404, nil)
    }

    /// The copy made ahead is of the file as it was: a snapshot saved again under the same name
    /// restores its new content, and the copy is not left behind at exit.
    func testSavingAgainUnderTheSameNameRestoresTheNewContent() throws {
        try createJudge("First")
        XCTAssertEqual(try call("POST", "/__emulator/snapshots", json: ["name": "moving"]).status, 201)
        let first = try judgeCount()
        try createJudge("Second")
        XCTAssertEqual(try call("POST", "/__emulator/snapshots", json: ["name": "moving"]).status, 201)
        try createJudge("Third")
        XCTAssertEqual(try call("POST", "/__emulator/snapshots/moving/restore").status, 204)
        XCTAssertEqual(try judgeCount(), first + 1)
        // Restored in a row: each restore starts from the snapshot, not from the last restore.
        for _ in 0..<3 {
            try createJudge("Between restores")
            XCTAssertEqual(try call("POST", "/__emulator/snapshots/moving/restore").status, 204)
            XCTAssertEqual(try judgeCount(), first + 1)
        }
        let next = app.store.pool.replacementPath
        app.shutdown()
        XCTAssertFalse(FileManager.default.fileExists(atPath: next), "the copy made ahead is removed at exit")
        try restart(with: .make())
    }

    func testNamesStayInTheFolder() throws {
        for name in ["", "../escape", ".hidden", "a/b", String(repeating: "x", count: 65)] {
            let reply = try call("POST", "/__emulator/snapshots", json: ["name": .string(name)])
            XCTAssertEqual(reply.status, 422, "\(name): \(reply.text)")
        }
        assertError(try call("POST", "/__emulator/snapshots/..%2Fx/restore"), 422, "VALIDATION_ERROR")
        XCTAssertEqual(try call("GET", "/__emulator/snapshots").json["snapshots"], [])
    }

    func testExportOnExitThenImport() throws {
        let folder = NSTemporaryDirectory() + "snapshot-export-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try restart(with: .make(configure: { $0.exportOnExitPath = folder }))
        try createJudge("Kept across runs")
        let count = try judgeCount()
        app.shutdown()
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/observability-emulator.sqlite"))
        try restart(with: .make(configure: { $0.importPath = folder }))
        XCTAssertEqual(try judgeCount(), count)
        XCTAssertThrowsError(try buildApplication(.make(configure: { $0.importPath = folder + "/missing.sqlite" }), logger: .quiet)) { error in
            XCTAssertTrue("\(error)".contains("--import: no snapshot at"), "\(error)")
        }
    }
}

/// A workspace's spans as OTLP JSON lines and its events as JSON lines, loaded again into
/// another workspace through the receiver and the event loader: the same rows come back.
final class WorkspaceExportTests: ApplicationTestCase {
    func testSpansAndEventsRoundTrip() throws {
        let spans = (1...3).map { index in
            #"{"traceId":"\#(String(format: "%032x", 0xfeed0 + index % 2))","spanId":"\#(String(format: "%016x", index))","name":"step \#(index)","kind":3,"startTimeUnixNano":"\#(1_000 * index)","endTimeUnixNano":"\#(2_000 * index)","status":{"code":2,"message":"boom"},"attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"\#(index)"}}]}"#
        }
        let body = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"exporter"}}]},"scopeSpans":[{"scope":{"name":"s","version":"1"},"spans":[\#(spans.joined(separator: ","))]}]}]}"#
        XCTAssertEqual(try call("POST", "/telemetry/v1/traces", body: body).status, 200)
        let event: JSON = ["created_at": "2031-01-01T00:00:00.000Z", "extra_fields": ["model_name": "mistral-small-latest", "metadata": ["team": "a"]],
                           "request_messages": [["role": "user", "content": "q"]], "response_messages": [["role": "assistant", "content": "a"]]]
        XCTAssertEqual(try call("POST", "/__emulator/events", json: event).status, 201)

        let exportedSpans = try call("GET", "/__emulator/export/spans")
        XCTAssertEqual(exportedSpans.status, 200)
        XCTAssertEqual(exportedSpans.header("Content-Type"), "application/x-ndjson")
        let lines = exportedSpans.text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, "one line per trace")
        let exportedEvents = try call("GET", "/__emulator/export/events").text
        XCTAssertEqual(exportedEvents.split(separator: "\n").count, 1)

        for line in lines {
            XCTAssertEqual(try call("POST", "/telemetry/v1/traces", auth: .token("copy"), body: String(line)).status, 200)
        }
        // Event ids are unique in an emulator: the events go back where they came from, after a reset.
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        XCTAssertEqual(try call("GET", "/__emulator/export/events").text, "")
        XCTAssertEqual(try call("POST", "/__emulator/events", body: exportedEvents, headers: [("Content-Type", "application/x-ndjson")]).status, 201)
        XCTAssertEqual(try call("GET", "/__emulator/export/events").text, exportedEvents, "the events come back as they were")
        for line in lines { XCTAssertEqual(try call("POST", "/telemetry/v1/traces", body: String(line)).status, 200) }
        func rows(_ token: String) throws -> [JSON] {
            try call("POST", "\(v1)/spans/search?page_size=100", auth: .token(token), json: .object(JSONObject([("search_expression", .string("service_name = 'exporter'"))])))
                .json["spans"]?["results"]?.arrayValue ?? []
        }
        let original = try rows(token), copy = try rows("copy")
        XCTAssertEqual(original.count, 3)
        let keys = ["trace_id", "span_id", "parent_span_id", "span_name", "span_kind", "start_time", "end_time", "status_code", "status_message",
                    "operation_name", "usage_input_tokens", "service_name", "scope_name", "scope_version"]
        XCTAssertEqual(copy.map { row in keys.map { row[$0] } }, original.map { row in keys.map { row[$0] } })
        let anonymous = try call("GET", "/__emulator/export/spans", auth: Auth.none)
        XCTAssertEqual(anonymous.status, 401, anonymous.text)
        XCTAssertTrue(anonymous.errorMessage.contains("an export is of a workspace"), anonymous.text)
    }
}

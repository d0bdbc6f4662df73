import EmulatorJSON
import EmulatorStore
import XCTest
@testable import ObservabilityEmulator

/// From decoded OTLP to stored rows: the span columns and their GenAI mapping, rejections, log
/// records and the span evaluations they carry, and the text of a trace's turns.
final class TelemetryDraftTests: XCTestCase {
    func testSpanColumnsFromTheProtobufFixture() throws {
        let spans = try OTLPProtobuf.decodeTraces(try OTLPProtobufTests.fixture("traces.pb"))
        let draft = try SpanDraft.make(spans[0]).get()
        XCTAssertEqual(draft.traceID, "000102030405060708090a0b0c0d0e0f")
        XCTAssertEqual(draft.spanID, "0102030405060708")
        XCTAssertEqual(draft.parentSpanID, "")
        XCTAssertEqual(draft.kind, "Client")
        XCTAssertEqual(draft.statusCode, "Ok")
        XCTAssertEqual(draft.serviceName, "support-bot")
        func mapped(_ name: String) -> DatabaseValue? {
            SpanAttributeMapping.columns.firstIndex { $0.name == name }.map { draft.mapped[$0] }
        }
        XCTAssertEqual(mapped("request_model"), .text("mistral-large-latest"))
        XCTAssertEqual(mapped("usage_input_tokens"), .integer(42))
        XCTAssertEqual(mapped("request_temperature"), .real(0.25))
        XCTAssertEqual(mapped("request_top_p"), .null)
        XCTAssertEqual(mapped("response_finish_reasons"), .text(#"["stop"]"#))
        XCTAssertEqual(mapped("request_max_tokens"), .integer(0))
        let attributes = try JSON.parse(draft.spanAttributes)
        XCTAssertEqual(attributes["gen_ai.usage.input_tokens"], "42")
        XCTAssertEqual(attributes["app.flags"], #"{"beta":true}"#)
        XCTAssertEqual(attributes["app.blob"], #""AAH/""#)
        let child = try SpanDraft.make(spans[1]).get()
        XCTAssertEqual([child.parentSpanID, child.statusCode, child.statusMessage], ["0102030405060708", "Error", "timeout"])
    }

    func testInvalidSpansAreRejectedWithTheReason() {
        var span = OTLPSpan()
        span.traceID = Array(repeating: 1, count: 16)
        span.spanID = Array(repeating: 2, count: 8)
        span.startTimeUnixNano = 2_000
        span.endTimeUnixNano = 3_000
        XCTAssertNoThrow(try SpanDraft.make(span).get())
        func reason(_ change: (inout OTLPSpan) -> Void) -> String {
            var copy = span
            change(&copy)
            if case .failure(let rejection) = SpanDraft.make(copy) { return rejection.message }
            return "accepted"
        }
        XCTAssertTrue(reason { $0.traceID = Array(repeating: 1, count: 8) }.contains("trace_id must be 16 bytes"))
        XCTAssertTrue(reason { $0.traceID = Array(repeating: 0, count: 16) }.contains("not all zero"))
        XCTAssertTrue(reason { $0.spanID = [] }.contains("span_id must be 8 bytes"))
        XCTAssertTrue(reason { $0.parentSpanID = [1, 2] }.contains("parent_span_id"))
        XCTAssertTrue(reason { $0.endTimeUnixNano = 1_000 }.contains("is before start_time_unix_nano"))
        XCTAssertTrue(reason { $0.startTimeUnixNano = 0 }.contains("must be set"))
        XCTAssertTrue(reason { $0.startTimeUnixNano = UInt64.max; $0.endTimeUnixNano = UInt64.max }.contains("2262"))
    }

    func testEvaluationResultsBecomeSpanEvaluations() throws {
        let records = try OTLPProtobuf.decodeLogs(try OTLPProtobufTests.fixture("logs.pb"))
        let log = try LogDraft.make(records[0]).get()
        XCTAssertEqual(log.eventName, "gen_ai.evaluation.result")
        XCTAssertEqual(log.body, "evaluated")
        let evaluation = try XCTUnwrap(log.evaluation)
        XCTAssertEqual(evaluation.scoreValue, 0.9)
        XCTAssertEqual(evaluation.key, log.fingerprint)
        XCTAssertFalse(evaluation.metadata.contains("gen_ai.evaluation.score.value"))
        // The same record decoded again has the same fingerprint: a re-send replaces it.
        XCTAssertEqual(try LogDraft.make(records[0]).get().fingerprint, log.fingerprint)
        var record = records[0]
        record.eventName = ""
        record.attributes.append(OTLPAttribute(key: "event.name", value: .string("gen_ai.evaluation.result")))
        XCTAssertNotNil(try LogDraft.make(record).get().evaluation)
        record.spanID = []
        XCTAssertNil(try LogDraft.make(record).get().evaluation, "an evaluation needs the span it judges")
    }

    func testTurnTextIsTheLastMessagesTextParts() {
        let messages = #"[{"role":"user","parts":[{"type":"text","content":"first"}]},{"role":"user","parts":[{"type":"text","content":"a"},{"type":"tool_call","id":"1"},{"type":"text","content":"b"}]}]"#
        XCTAssertEqual(TraceRollUp.lastMessageText(messages), "a\nb")
        XCTAssertEqual(TraceRollUp.lastMessageText(#"[{"role":"assistant","content":"plain"}]"#), "plain")
        XCTAssertEqual(TraceRollUp.lastMessageText("not json"), "not json")
        XCTAssertEqual(TraceRollUp.lastMessageText("[]"), "")
        XCTAssertEqual(TraceRollUp.lastMessageText(""), "")
    }

    func testGzipRoundTripAndItsBounds() throws {
        let body = Array(repeating: UInt8(ascii: "a"), count: 100_000)
        let compressed = Gzip.deflate(body)
        XCTAssertLessThan(compressed.count, 1_000)
        XCTAssertEqual(try Gzip.inflate(compressed, limit: 100_000), body)
        XCTAssertThrowsError(try Gzip.inflate(compressed, limit: 99_999)) { XCTAssertEqual($0 as? Gzip.InflateError, .tooLarge(limit: 99_999)) }
        XCTAssertThrowsError(try Gzip.inflate(Array(compressed.dropLast(4)), limit: 1 << 20))
        XCTAssertThrowsError(try Gzip.inflate([1, 2, 3], limit: 1 << 20))
        XCTAssertThrowsError(try Gzip.inflate([], limit: 1 << 20))
    }

    func testInstantsKeepNanosecondsAndWriteMicroseconds() {
        XCTAssertEqual(Timestamp.parseInstantNanos("2026-11-02T10:00:00.123456789Z"), 1_793_613_600_123_456_789)
        XCTAssertEqual(Timestamp.formatNanos(1_793_613_600_123_456_789), "2026-11-02T10:00:00.123456Z")
        XCTAssertEqual(Timestamp.parseInstantNanos("2026-11-02T11:00:00+01:00"), 1_793_613_600_000_000_000)
        XCTAssertNil(Timestamp.parseInstantNanos("2300-01-01T00:00:00Z"), "beyond 64-bit nanoseconds")
        XCTAssertEqual(Timestamp.parse("2026-11-02T10:00:00.9999Z"), 1_793_613_600_999)
    }
}

import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// The OTLP/HTTP receiver on a running application: encodings, gzip, partial success,
/// idempotent re-sends, read-your-writes, errors that store nothing, workspaces and reset.
final class TelemetryIngestTests: ApplicationTestCase {
    let traceHex = "000102030405060708090a0b0c0d0e0f"

    func post(_ path: String, _ body: [UInt8], contentType: String = "application/x-protobuf", gzip: Bool = false,
              token: String? = nil) throws -> Reply {
        let client = try RawHTTPClient(port: port)
        let payload = gzip ? Gzip.deflate(body) : body
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer \(token ?? self.token)\r\n"
        head += "Content-Type: \(contentType)\r\nContent-Length: \(payload.count)\r\n"
        if gzip { head += "Content-Encoding: gzip\r\n" }
        try client.send(Array((head + "\r\n").utf8) + payload)
        let response = try client.readResponse(timeout: 10)
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    func spanCount(_ expression: String, token: String? = nil) throws -> Int {
        let reply = try call("POST", "\(v1)/spans/search?page_size=100", auth: .token(token ?? self.token), json: ["search_expression": .string(expression)])
        XCTAssertEqual(reply.status, 200, reply.text)
        return reply.json["spans"]?["results"]?.arrayValue?.count ?? -1
    }

    func testProtobufExportIsStoredAndReadableAtOnce() throws {
        let reply = try post("/telemetry/v1/traces", try OTLPProtobufTests.fixture("traces.pb"))
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.header("Content-Type"), "application/x-protobuf")
        XCTAssertEqual(reply.body, [], "nothing rejected: an empty ExportTraceServiceResponse")
        XCTAssertEqual(try spanCount("trace_id = '\(traceHex)'"), 2)
        let trace = try call("GET", "\(v1)/traces/\(traceHex)")
        XCTAssertEqual(trace.status, 200)
        XCTAssertEqual(trace.json["span_count"]?.intValue, 2)
        XCTAssertEqual(trace.json["error_count"]?.intValue, 1)
        XCTAssertEqual(trace.json["status_code"], "Error")
        XCTAssertEqual(trace.json["root_span_name"], "chat mistral-large-latest")
        XCTAssertEqual(trace.json["models_used"], ["mistral-large-latest"])
        // Another workspace does not see it.
        XCTAssertEqual(try spanCount("trace_id = '\(traceHex)'", token: "someone-else"), 0)
    }

    func testResendsReplaceAndJSONGzipDecodeTheSame() throws {
        let protobuf = try OTLPProtobufTests.fixture("traces.pb")
        XCTAssertEqual(try post("/telemetry/v1/traces", protobuf).status, 200)
        XCTAssertEqual(try post("/telemetry/v1/traces", protobuf, gzip: true).status, 200)
        let json = try OTLPProtobufTests.fixture("traces.json")
        let reply = try post("/telemetry/v1/traces", json, contentType: "application/json; charset=utf-8", gzip: true)
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.header("Content-Type"), "application/json")
        XCTAssertEqual(reply.json, .object(JSONObject()))
        XCTAssertEqual(try spanCount("trace_id = '\(traceHex)'"), 2)
        XCTAssertEqual(try call("GET", "\(v1)/traces/\(traceHex)").json["span_count"]?.intValue, 2)
    }

    func testPartialSuccessNamesTheFirstRejectedSpan() throws {
        let good = #"{"traceId":"\#(traceHex)","spanId":"0102030405060708","name":"ok","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}"#
        let shortID = #"{"traceId":"0001020304050607","spanId":"0102030405060709","name":"bad","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}"#
        let backwards = #"{"traceId":"\#(traceHex)","spanId":"010203040506070a","name":"bad","startTimeUnixNano":"3000","endTimeUnixNano":"2000"}"#
        let body = #"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(good),\#(shortID),\#(backwards)]}]}]}"#
        let reply = try post("/telemetry/v1/traces", Array(body.utf8), contentType: "application/json")
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.json["partialSuccess"]?["rejectedSpans"], "2")
        XCTAssertTrue(reply.json["partialSuccess"]?["errorMessage"]?.stringValue?.contains("span 1: trace_id must be 16 bytes") == true, reply.text)
        XCTAssertEqual(try spanCount("trace_id = '\(traceHex)'"), 1)
    }

    /// An OTLP JSON span of the test trace: a chat call (with messages) or an agent span.
    func jsonSpan(_ id: Int, parent: Int?, start: Int, name: String, model: String? = nil, error: Bool = false, said: String = "") -> String {
        var attributes = #"{"key":"gen_ai.operation.name","value":{"stringValue":"\#(model == nil ? "invoke_agent" : "chat")"}}"#
        if let model {
            attributes += #",{"key":"gen_ai.request.model","value":{"stringValue":"\#(model)"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"\#(id * 10)"}}"#
            let messages = #"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"\#(said)\"}]}]"#
            attributes += #",{"key":"gen_ai.input.messages","value":{"stringValue":"\#(messages)"}}"#
        }
        let parentField = parent.map { #""parentSpanId":"\#(String(format: "%016x", $0))","# } ?? ""
        return #"{"traceId":"\#(traceHex)","spanId":"\#(String(format: "%016x", id))",\#(parentField)"name":"\#(name)","#
            + #""startTimeUnixNano":"\#(start)","endTimeUnixNano":"\#(start + 500)","attributes":[\#(attributes)],"#
            + #""status":{"code":\#(error ? 2 : 0)}}"#
    }

    func exportJSON(_ spans: [String]) -> [UInt8] {
        Array(#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"split"}}]},"scopeSpans":[{"spans":[\#(spans.joined(separator: ","))]}]}]}"#.utf8)
    }

    /// A trace's row is rolled up from the export when the trace is new, and read back from all
    /// its stored spans when an earlier export had some: both give the same row. A span sent
    /// twice in one export counts once, its last copy winning, as in the spans table.
    func testATraceSplitAcrossExportsRollsUpAsInOne() throws {
        let spans = [jsonSpan(1, parent: nil, start: 1_000, name: "agent"),
                     jsonSpan(2, parent: 1, start: 2_000, name: "chat one", model: "mistral-small-latest", said: "first"),
                     jsonSpan(3, parent: 1, start: 3_000, name: "chat two", model: "mistral-large-latest", error: true, said: "last")]
        XCTAssertEqual(try post("/telemetry/v1/traces", exportJSON(spans), contentType: "application/json").status, 200)
        let whole = try call("GET", "\(v1)/traces/\(traceHex)").json
        XCTAssertEqual(whole["span_count"]?.intValue, 3)
        XCTAssertEqual(whole["llm_call_count"]?.intValue, 2)
        XCTAssertEqual(whole["error_count"]?.intValue, 1)
        XCTAssertEqual(whole["root_span_name"], "agent")
        XCTAssertEqual(whole["models_used"], ["mistral-small-latest", "mistral-large-latest"])
        XCTAssertEqual(whole["first_turn_last_input_message"], "first")
        XCTAssertEqual(whole["last_turn_last_input_message"], "last")
        XCTAssertEqual(try call("POST", "/__emulator/reset", auth: Auth.none).status, 204)

        // The chat spans first (an exporter sends children as they end), the root after.
        XCTAssertEqual(try post("/telemetry/v1/traces", exportJSON([spans[2], spans[1]]), contentType: "application/json").status, 200)
        XCTAssertEqual(try call("GET", "\(v1)/traces/\(traceHex)").json["root_span_name"], "chat one", "the earliest span until the root arrives")
        XCTAssertEqual(try post("/telemetry/v1/traces", exportJSON([spans[0]]), contentType: "application/json").status, 200)
        XCTAssertEqual(try call("GET", "\(v1)/traces/\(traceHex)").json, whole)

        // One export holding a span twice: the second copy (no error, another model) replaces the first.
        XCTAssertEqual(try call("POST", "/__emulator/reset", auth: Auth.none).status, 204)
        let resent = jsonSpan(3, parent: 1, start: 3_000, name: "chat two", model: "codestral-latest", said: "again")
        XCTAssertEqual(try post("/telemetry/v1/traces", exportJSON(spans + [resent]), contentType: "application/json").status, 200)
        let deduplicated = try call("GET", "\(v1)/traces/\(traceHex)").json
        XCTAssertEqual(deduplicated["span_count"]?.intValue, 3)
        XCTAssertEqual(deduplicated["error_count"]?.intValue, 0)
        XCTAssertEqual(deduplicated["models_used"], ["mistral-small-latest", "codestral-latest"])
        XCTAssertEqual(deduplicated["last_turn_last_input_message"], "again")
        XCTAssertEqual(try spanCount("trace_id = '\(traceHex)'"), 3)
    }

    func testBadBodiesStoreNothingAndSayWhy() throws {
        let protobuf = try OTLPProtobufTests.fixture("traces.pb")
        let truncated = try post("/telemetry/v1/traces", Array(protobuf.dropLast(7)))
        XCTAssertEqual(truncated.status, 400)
        XCTAssertEqual(truncated.header("Content-Type"), "application/x-protobuf")
        XCTAssertEqual(truncated.body.first, 0x08, "a google.rpc.Status: code first")
        XCTAssertTrue(truncated.text.contains("not a valid OTLP protobuf export"))
        let json = try post("/telemetry/v1/traces", Array(#"{"resourceSpans": 5}"#.utf8), contentType: "application/json")
        XCTAssertEqual(json.status, 400)
        XCTAssertEqual(json.json["code"]?.intValue, 3)
        XCTAssertTrue(json.json["message"]?.stringValue?.contains("resourceSpans") == true, json.text)
        let type = try post("/telemetry/v1/traces", protobuf, contentType: "text/plain")
        XCTAssertEqual(type.status, 415)
        XCTAssertTrue(type.text.contains("application/x-protobuf"))
        let corrupt = try post("/telemetry/v1/traces", [0x1f, 0x8b, 0x08, 0, 0, 0], gzip: false)
        XCTAssertEqual(corrupt.status, 400)
        XCTAssertEqual(try spanCount("trace_id = '\(traceHex)'"), 0)
    }

    func testDecompressionIsBounded() throws {
        try restart(with: .make(configure: { $0.limits.maxBodyBytes = 64 * 1024 }))
        let bomb = Array(repeating: UInt8(0), count: 1 << 20)
        let reply = try post("/telemetry/v1/traces", bomb, gzip: true)
        XCTAssertEqual(reply.status, 413)
        XCTAssertTrue(reply.text.contains("65536"))
        // A body over the limit before decompression: refused by the HTTP layer, still as a Status.
        let large = try post("/telemetry/v1/traces", Array(repeating: 0, count: 70_000), contentType: "application/json")
        XCTAssertEqual(large.status, 413)
        XCTAssertEqual(large.json["code"]?.intValue, 8, "RESOURCE_EXHAUSTED: " + large.text)
        XCTAssertEqual(try call("GET", "/__emulator/health", auth: Auth.none).status, 200)
    }

    func testLogsWithEvaluationsAndMetricsCounted() throws {
        XCTAssertEqual(try post("/telemetry/v1/traces", try OTLPProtobufTests.fixture("traces.pb")).status, 200)
        XCTAssertEqual(try post("/telemetry/v1/logs", try OTLPProtobufTests.fixture("logs.pb")).status, 200)
        let evaluations = try call("POST", "\(v1)/spans/evaluations/search", json: ["search_expression": .string("trace_id = '\(traceHex)'")])
        XCTAssertEqual(evaluations.json["span_evaluations"]?["results"]?.arrayValue?.count, 1)
        XCTAssertEqual(evaluations.json["span_evaluations"]?["results"]?.arrayValue?.first?["score_value"]?.doubleValue, 0.9)
        XCTAssertEqual(try call("GET", "\(v1)/traces/\(traceHex)").json["evaluation_count"]?.intValue, 1)
        // ExportMetricsServiceRequest { resource_metrics { scope_metrics { metrics { name } × 2 } } }
        let metric = OTLPProtobufTests.field(2, OTLPProtobufTests.field(1, Array("requests".utf8)))
        let body = OTLPProtobufTests.field(1, OTLPProtobufTests.field(2, metric + metric))
        let metrics = try post("/telemetry/v1/metrics", body)
        XCTAssertEqual(metrics.status, 200)
        XCTAssertEqual(try call("GET", "/__emulator/health", auth: Auth.none).json["otlp_metrics_received"]?.intValue, 2)
    }

    func testResetKeepsTheSeededTelemetry() throws {
        XCTAssertEqual(try post("/telemetry/v1/traces", try OTLPProtobufTests.fixture("traces.pb")).status, 200)
        let seeded = try call("POST", "\(v1)/traces/search?page_size=100", json: [:]).json["traces"]?["results"]?.arrayValue?.count ?? 0
        XCTAssertEqual(try call("POST", "/__emulator/reset", auth: Auth.none).status, 204)
        XCTAssertEqual(try spanCount("trace_id = '\(traceHex)'"), 0)
        let after = try call("POST", "\(v1)/traces/search?page_size=100", json: [:]).json["traces"]?["results"]?.arrayValue?.count ?? 0
        XCTAssertEqual(after, seeded - 1)
        XCTAssertGreaterThan(after, 50)
    }

    /// Found by the expression fuzz target: a NUL in a map key or a pattern ended the JSON path
    /// or the bound text early (a 500). Text is bound and read with its length now.
    func testNULInsideKeysAndPatternsIsJustACharacter() throws {
        for expression in ["span_attributes['a\u{0}b'] EXISTS", "span_name REGEXP '^(a|\u{0})'", "span_name LIKE '%\u{0}%'",
                           "resource_attributes['\u{1}\"'] = 'x'"] {
            XCTAssertEqual(try spanCount(expression), 0, expression)
        }
        XCTAssertGreaterThan(try spanCount("NOT span_name REGEXP '\u{0}'"), 0)
    }

    /// `--synthetic-traces N`: N more traces of ten spans, the same on every start, rolled up.
    func testSyntheticTracesAreDeterministicAndRolledUp() throws {
        var a = SplitMix64(state: 7), b = SplitMix64(state: 7)
        XCTAssertEqual(SyntheticTraces.makeTrace(3, &a), SyntheticTraces.makeTrace(3, &b))
        try restart(with: .make(configure: { $0.syntheticTraces = 40 }))
        let all = try call("POST", "\(v1)/traces/aggregate", json: ["metric": ["measure": "trace_id", "aggregation": "count"],
                                                                    "search_expression": "start_time < '2026-11-01T00:00:00Z'"])
        XCTAssertEqual(all.json["data"]?.arrayValue?.first?["metric_value"]?.intValue, 40, all.text)
        let spans = try call("POST", "\(v1)/traces/search?page_size=100", json: ["search_expression": "span_count = 10 AND llm_call_count = 3 AND tool_call_count = 3"])
        XCTAssertEqual(spans.json["traces"]?["results"]?.arrayValue?.count, 40, spans.text)
        let health = try call("GET", "/__emulator/health", auth: Auth.none)
        XCTAssertEqual(health.json["fixture_spans"]?.intValue, 400 + 254)
    }
}

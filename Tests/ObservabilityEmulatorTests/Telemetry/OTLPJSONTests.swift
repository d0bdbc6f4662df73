import XCTest
@testable import ObservabilityEmulator

/// The OTLP JSON decoder: the same messages as the protobuf fixtures, in the OTLP JSON encoding
/// written by opentelemetry-proto (hex ids, integer enums, 64-bit integers as strings), must
/// decode to exactly what the protobuf decoder makes of the binary form.
final class OTLPJSONTests: XCTestCase {
    func testJSONAndProtobufDecodeToTheSameSpansAndRecords() throws {
        XCTAssertEqual(try OTLPJSON.decodeTraces(try OTLPProtobufTests.fixture("traces.json")),
                       try OTLPProtobuf.decodeTraces(try OTLPProtobufTests.fixture("traces.pb")))
        XCTAssertEqual(try OTLPJSON.decodeLogs(try OTLPProtobufTests.fixture("logs.json")),
                       try OTLPProtobuf.decodeLogs(try OTLPProtobufTests.fixture("logs.pb")))
        XCTAssertEqual(try OTLPJSON.decodeTraces(try OTLPProtobufTests.fixture("traces.json")).count, 2)
    }

    func testEncodingDetails() throws {
        let body = #"""
        {"resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "eee19b7ec3c1b174", "name": "x",
            "kind": 2, "startTimeUnixNano": 1544712660000000000, "endTimeUnixNano": "1544712661000000000",
            "someFutureField": {"ignored": true},
            "attributes": [
                {"key": "i", "value": {"intValue": "-42"}}, {"key": "j", "value": {"intValue": 7}},
                {"key": "d", "value": {"doubleValue": "NaN"}}, {"key": "b", "value": {"bytesValue": "AAH/"}},
                {"key": "none"}
            ]}]}]}]}
        """#
        let span = try XCTUnwrap(try OTLPJSON.decodeTraces(Array(body.utf8)).first)
        XCTAssertEqual(span.traceID.first, 0x5B)
        XCTAssertEqual(span.traceID.count, 16)
        XCTAssertEqual(span.spanID, [0xEE, 0xE1, 0x9B, 0x7E, 0xC3, 0xC1, 0xB1, 0x74])
        XCTAssertEqual(span.kind, 2)
        XCTAssertEqual(span.startTimeUnixNano, 1_544_712_660_000_000_000)
        XCTAssertEqual(span.endTimeUnixNano, 1_544_712_661_000_000_000)
        XCTAssertEqual(span.attributes[0].value, .int(-42))
        XCTAssertEqual(span.attributes[1].value, .int(7))
        if case .double(let d)? = span.attributes[2].value { XCTAssertTrue(d.isNaN) } else { XCTFail("\(span.attributes[2])") }
        XCTAssertEqual(span.attributes[3].value, .bytes([0, 1, 255]))
        XCTAssertEqual(span.attributes[4], OTLPAttribute(key: "none", value: nil))
        XCTAssertEqual(try OTLPJSON.decodeTraces(Array("{}".utf8)), [])
    }

    func assertRejected(_ body: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try OTLPJSON.decodeTraces(Array(body.utf8)), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(fragment), "'\(message)' does not mention '\(fragment)'", file: file, line: line)
        }
    }

    func testErrorsNameThePath() {
        assertRejected("[]", "expected a JSON object")
        assertRejected("{", "invalid JSON")
        assertRejected(#"{"resourceSpans": {}}"#, "resourceSpans: expected an array")
        assertRejected(#"{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}"#, "resourceSpans[0].scopeSpans[0].spans[0].traceId: 'xyz' is not hex")
        assertRejected(#"{"resourceSpans": [{"scopeSpans": [{"spans": [{"spanId": "abc"}]}]}]}"#, "odd number of hex digits")
        assertRejected(#"{"resourceSpans": [{"scopeSpans": [{"spans": [{"kind": "SPAN_KIND_SERVER"}]}]}]}"#, "kind: expected an enum number")
        assertRejected(#"{"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": "-1"}]}]}]}"#, "startTimeUnixNano")
        assertRejected(#"{"resourceSpans": [{"scopeSpans": [{"spans": [{"attributes": [{"key": "k", "value": {"intValue": 1.5}}]}]}]}]}"#, "attributes[0].value.intValue")
        assertRejected(#"{"resourceSpans": [{"scopeSpans": [{"spans": [{"attributes": [{"key": "k", "value": {"bytesValue": "%%"}}]}]}]}]}"#, "bytesValue: expected base64")
    }

    func testMetricsAreCounted() throws {
        let body = #"{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "a"}, {"name": "b"}]}, {"metrics": [{"name": "c"}]}]}]}"#
        XCTAssertEqual(try OTLPJSON.countMetrics(Array(body.utf8)), 3)
    }
}

import Foundation
import XCTest
@testable import ObservabilityEmulator

/// The OTLP protobuf decoder: bodies encoded by opentelemetry-proto (Fixtures/, made by
/// make-otlp-fixtures.py), and hostile bodies built byte by byte.
final class OTLPProtobufTests: XCTestCase {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return Array(try Data(contentsOf: url))
    }

    func testTracesEncodedByOpenTelemetryProto() throws {
        let spans = try OTLPProtobuf.decodeTraces(try Self.fixture("traces.pb"))
        XCTAssertEqual(spans.count, 2)
        let root = spans[0]
        XCTAssertEqual(root.traceID, Array(0..<16))
        XCTAssertEqual(root.spanID, Array(1..<9))
        XCTAssertEqual(root.parentSpanID, [])
        XCTAssertEqual(root.name, "chat mistral-large-latest")
        XCTAssertEqual(root.kind, 3)
        XCTAssertEqual(root.startTimeUnixNano, 1_764_513_600_000_000_000)
        XCTAssertEqual(root.endTimeUnixNano, 1_764_513_601_250_000_000)
        XCTAssertEqual(root.flags, 0x100)
        XCTAssertEqual(root.statusCode, 1)
        XCTAssertEqual(root.eventCount, 1)
        XCTAssertEqual(root.scope, OTLPScope(name: "mistralai_sdk", version: "3.7.0"))
        XCTAssertEqual(root.resource.attributes.first, OTLPAttribute(key: "service.name", value: .string("support-bot")))
        let attributes = Dictionary(uniqueKeysWithValues: root.attributes.map { ($0.key, $0.value) })
        XCTAssertEqual(attributes["gen_ai.request.model"], .string("mistral-large-latest"))
        XCTAssertEqual(attributes["gen_ai.usage.input_tokens"], .int(42))
        XCTAssertEqual(attributes["gen_ai.request.temperature"], .double(0.25))
        XCTAssertEqual(attributes["gen_ai.response.finish_reasons"], .array([.string("stop")]))
        XCTAssertEqual(attributes["app.flags"], .map([OTLPAttribute(key: "beta", value: .bool(true))]))
        XCTAssertEqual(attributes["app.blob"], .bytes([0, 1, 255]))

        let child = spans[1]
        XCTAssertEqual(child.parentSpanID, Array(1..<9))
        XCTAssertEqual(child.statusCode, 2)
        XCTAssertEqual(child.statusMessage, "timeout")
        XCTAssertEqual(child.resource, root.resource)
    }

    func testLogsEncodedByOpenTelemetryProto() throws {
        let records = try OTLPProtobuf.decodeLogs(try Self.fixture("logs.pb"))
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0].eventName, "gen_ai.evaluation.result")
        XCTAssertEqual(records[0].severityNumber, 9)
        XCTAssertEqual(records[0].severityText, "INFO")
        XCTAssertEqual(records[0].body, .string("evaluated"))
        XCTAssertEqual(records[0].spanID, Array(1..<9))
        XCTAssertEqual(records[0].attributes.last, OTLPAttribute(key: "gen_ai.evaluation.score.value", value: .double(0.9)))
        XCTAssertEqual(records[0].scope.name, "evals")
    }

    func testFlattenedAttributeValues() {
        XCTAssertEqual(OTLPValue.string("a b").flattened, "a b")
        XCTAssertEqual(OTLPValue.bool(false).flattened, "false")
        XCTAssertEqual(OTLPValue.int(-7).flattened, "-7")
        XCTAssertEqual(OTLPValue.double(0.25).flattened, "0.25")
        XCTAssertEqual(OTLPValue.array([.int(1), .string("x")]).flattened, #"[1,"x"]"#)
        XCTAssertEqual(OTLPValue.map([OTLPAttribute(key: "k", value: .bool(true))]).flattened, #"{"k":true}"#)
        XCTAssertEqual(OTLPValue.bytes([0, 1, 255]).flattened, #""AAH/""#)
    }

    /// Found by the otlp fuzz target: a NaN double made two decodings of the same body unequal.
    /// NaN and the infinities are spelled as the OTLP JSON mapping spells them.
    func testNonFiniteDoubles() {
        XCTAssertEqual(OTLPValue.double(.nan), OTLPValue.double(.nan))
        XCTAssertNotEqual(OTLPValue.double(0), OTLPValue.double(-0.0))
        XCTAssertEqual(OTLPValue.double(.nan).flattened, "NaN")
        XCTAssertEqual(OTLPValue.double(-.infinity).flattened, "-Infinity")
        XCTAssertEqual(OTLPValue.array([.double(.infinity)]).flattened, #"["Infinity"]"#)
    }

    // MARK: Hostile bodies

    /// A length-delimited field.
    static func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] { ProtobufWriter.field(number, payload) }
    static func key(_ number: UInt64, _ wire: UInt64) -> [UInt8] { varint(number << 3 | wire) }
    static func varint(_ value: UInt64) -> [UInt8] { ProtobufWriter.varint(value) }

    func assertRejected(_ body: [UInt8], _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try OTLPProtobuf.decodeTraces(body), file: file, line: line) { error in
            let message = (error as? ProtobufReader.DecodeError)?.description ?? "\(error)"
            XCTAssertTrue(message.contains(fragment), "'\(message)' does not mention '\(fragment)'", file: file, line: line)
        }
    }

    func testHostileBodiesAreRejectedWithTheReason() throws {
        let valid = try Self.fixture("traces.pb")
        // Every truncation of a valid body either decodes (a prefix can be a whole message) or
        // fails with a reason; it never traps.
        for length in 0..<valid.count {
            do { _ = try OTLPProtobuf.decodeTraces(Array(valid[0..<length])) } catch is ProtobufReader.DecodeError {}
        }
        assertRejected([0x0A, 0x7F], "runs past the end")                          // a lying length
        assertRejected([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "runs past the end")
        assertRejected([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "varint")
        assertRejected([0x08, 0x01], "wire type 0")                                  // resource_spans as a varint
        assertRejected([0x0F], "invalid wire type 7")
        assertRejected([0x00], "invalid field number 0")
        assertRejected(Self.key(1, 3), "wire type 3")                               // a group where a message belongs
        // A span name that is not UTF-8.
        let span = Self.field(5, [0xC3, 0x28])
        assertRejected(Self.field(1, Self.field(2, Self.field(2, span))), "UTF-8")
        // AnyValue nested past the depth limit: arrays of arrays.
        var value = Self.field(1, Array("leaf".utf8))
        for _ in 0..<80 { value = Self.field(5, Self.field(1, value)) }
        let attribute = Self.field(1, Array("deep".utf8)) + Self.field(2, value)
        assertRejected(Self.field(1, Self.field(2, Self.field(2, Self.field(9, attribute)))), "nested deeper")
    }

    func testUnknownFieldsAreSkipped() throws {
        // Field 99 (varint), field 98 (fixed32) and field 97 (fixed64) around a span with a name.
        let span = Self.key(99, 0) + Self.varint(12_345) + Self.field(5, Array("n".utf8)) + Self.key(98, 5) + [1, 2, 3, 4]
        let body = Self.key(97, 1) + [1, 2, 3, 4, 5, 6, 7, 8] + Self.field(1, Self.field(2, Self.field(2, span)))
        let spans = try OTLPProtobuf.decodeTraces(body)
        XCTAssertEqual(spans.map(\.name), ["n"])
        XCTAssertEqual(try OTLPProtobuf.decodeTraces([]), [])
    }

    func testMetricsAreCounted() throws {
        let metric = Self.field(1, Array("requests".utf8))
        let body = Self.field(1, Self.field(2, Self.field(2, metric) + Self.field(2, metric)))
        XCTAssertEqual(try OTLPProtobuf.countMetrics(body), 2)
    }
}

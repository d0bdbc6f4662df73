import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// The mapping contract v1 of dataset imports from spans.
final class SpanImportTests: XCTestCase {
    func testMappingContractV1() throws {
        let span = JSONObject([
            ("gen_ai.input.messages", #"[{"role":"user","content":"hi"}]"#), ("gen_ai.request.model", "mistral-small-latest"),
            ("blank", "  \n"), ("empty", "[]"), ("number", "42"), ("broken", "{not json"), ("object", #" {"a": 1} "#),
        ].map { ($0.0, JSON.string($0.1)) })
        let resource = JSONObject([("service.name", JSON.string("support-bot"))])
        func rule(_ target: String, _ key: String, _ namespace: String = "span_attributes") -> SpanImport.Mapping {
            SpanImport.Mapping(target: target, namespace: namespace, key: key)
        }
        let payload = SpanImport.payload(spanAttributes: span, resourceAttributes: resource, mappings: [
            rule("messages", "gen_ai.input.messages"), rule("model", "gen_ai.request.model"), rule("service", "service.name", "resource_attributes"),
            rule("missing", "nope"), rule("blank", "blank"), rule("empty", "empty"), rule("number", "number"), rule("broken", "broken"),
            rule("object", "object"), rule("wrong_namespace", "service.name"),
        ])
        XCTAssertEqual(payload["messages"], [["role": "user", "content": "hi"]])
        XCTAssertEqual(payload["model"], "mistral-small-latest")
        XCTAssertEqual(payload["service"], "support-bot")
        XCTAssertEqual(payload["number"], "42", "scalar-looking strings stay strings")
        XCTAssertEqual(payload["broken"], "{not json", "malformed JSON stays a string")
        XCTAssertEqual(payload["object"], ["a": 1])
        XCTAssertEqual(payload.keys, ["messages", "model", "service", "number", "broken", "object"])
    }
}

import EmulatorJSON
import EmulatorStore
import XCTest
@testable import ObservabilityEmulator

/// The GenAI columns from each span convention the instrumentations write: the older `gen_ai.*`
/// names (OpenLLMetry), OpenInference's `llm.*`, and the current conventions winning over both.
final class SpanConventionsTests: XCTestCase {
    private func columns(_ attributes: [(String, OTLPValue)]) -> [String: DatabaseValue] {
        let values = SpanDraft.mappedColumns(attributes.map { OTLPAttribute(key: $0.0, value: $0.1) })
        return Dictionary(uniqueKeysWithValues: zip(SpanAttributeMapping.columns.map(\.name), values))
    }

    private func first(_ value: JSON?) -> JSON? { value?.arrayValue?.first }

    private func messages(_ value: DatabaseValue?) throws -> JSON {
        guard case .text(let text)? = value else { XCTFail("no messages: \(String(describing: value))"); return .null }
        return try JSON.parse(text)
    }

    func testTheOlderGenAINames() throws {
        let mapped = columns([
            ("gen_ai.system", .string("MistralAI")), ("llm.request.type", .string("chat")),
            ("gen_ai.request.model", .string("mistral-small-latest")),
            ("gen_ai.usage.prompt_tokens", .int(8)), ("gen_ai.usage.completion_tokens", .int(44)),
            ("gen_ai.prompt.0.role", .string("user")), ("gen_ai.prompt.0.content", .string("Capital of Italy?")),
            ("gen_ai.completion.0.role", .string("assistant")), ("gen_ai.completion.0.content", .string("Rome.")),
            ("gen_ai.completion.0.finish_reason", .string("stop")),
        ])
        XCTAssertEqual(mapped["operation_name"], .text("chat"))
        XCTAssertEqual(mapped["request_model"], .text("mistral-small-latest"))
        XCTAssertEqual(mapped["usage_input_tokens"], .integer(8))
        XCTAssertEqual(mapped["usage_output_tokens"], .integer(44))
        XCTAssertFalse(mapped["provider_name"] == .text(""), "gen_ai.system names the provider")
        let input = try messages(mapped["input_messages"])
        XCTAssertEqual(first(input)?["role"], "user")
        XCTAssertEqual(first(first(input)?["parts"])?["content"], "Capital of Italy?")
        let output = try messages(mapped["output_messages"])
        XCTAssertEqual(first(first(output)?["parts"])?["content"], "Rome.")
        XCTAssertEqual(first(output)?["finish_reason"], "stop")
        XCTAssertEqual(mapped["response_finish_reasons"], .text(#"["stop"]"#))
        XCTAssertEqual(columns([("llm.request.type", .string("embedding"))])["operation_name"], .text("embeddings"))
        XCTAssertEqual(columns([("llm.request.type", .string("completion"))])["operation_name"], .text("text_completion"))
    }

    func testOpenInference() throws {
        let mapped = columns([
            ("openinference.span.kind", .string("LLM")), ("llm.model_name", .string("mistral-large-latest")),
            ("llm.provider", .string("mistralai")),
            ("llm.token_count.prompt", .int(5)), ("llm.token_count.completion", .int(7)),
            ("llm.input_messages.0.message.role", .string("user")), ("llm.input_messages.0.message.content", .string("Hi")),
            ("llm.output_messages.0.message.role", .string("assistant")), ("llm.output_messages.0.message.content", .string("Hello")),
        ])
        XCTAssertEqual(mapped["operation_name"], .text("chat"))
        XCTAssertEqual(mapped["request_model"], .text("mistral-large-latest"))
        XCTAssertEqual(mapped["response_model"], .text("mistral-large-latest"))
        XCTAssertEqual(mapped["provider_name"], .text("mistralai"))
        XCTAssertEqual(mapped["usage_input_tokens"], .integer(5))
        XCTAssertEqual(mapped["usage_output_tokens"], .integer(7))
        XCTAssertEqual(first(first(try messages(mapped["input_messages"]))?["parts"])?["content"], "Hi")
        XCTAssertEqual(first(first(try messages(mapped["output_messages"]))?["parts"])?["content"], "Hello")
        for (kind, operation) in [("EMBEDDING", "embeddings"), ("TOOL", "execute_tool"), ("RETRIEVER", "retrieval"), ("AGENT", "invoke_agent")] {
            XCTAssertEqual(columns([("openinference.span.kind", .string(kind))])["operation_name"], .text(operation), kind)
        }
        XCTAssertEqual(columns([("openinference.span.kind", .string("TOOL")), ("tool.name", .string("get_weather"))])["tool_name"], .text("get_weather"))
    }

    func testTheCurrentConventionsWin() {
        let mapped = columns([
            ("gen_ai.operation.name", .string("embeddings")), ("llm.request.type", .string("chat")),
            ("openinference.span.kind", .string("LLM")),
            ("gen_ai.usage.input_tokens", .int(3)), ("gen_ai.usage.prompt_tokens", .int(99)), ("llm.token_count.prompt", .int(98)),
        ])
        XCTAssertEqual(mapped["operation_name"], .text("embeddings"))
        XCTAssertEqual(mapped["usage_input_tokens"], .integer(3))
        XCTAssertEqual(columns([("app.tier", .string("gold"))])["operation_name"], .text(""), "no convention, no operation")
    }
}

import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// Responders: which rule answers which request, follow-ups across tool turns, and the rules
/// that are refused before they are stored.
final class ResponderTests: XCTestCase {
    func testEachConditionMustHold() throws {
        let rule = try Responder.make([
            "match": ["model": ["mistral-large-latest", "mistral-small-latest"], "contains": "REFUND", "matches": "order [0-9]+",
                      "tools": ["lookup_order"], "metadata": ["suite": "billing", "attempt": 2]],
            "respond": ["content": "Refund issued."],
        ])
        let metadata: JSON = ["suite": "billing", "attempt": 2]
        XCTAssertTrue(rule.match.accepts(try .make("Please refund order 42", tools: ["lookup_order", "other"], metadata: metadata)))
        XCTAssertFalse(rule.match.accepts(try .make("Please refund order 42", model: "codestral-latest", tools: ["lookup_order"], metadata: metadata)), "model")
        XCTAssertFalse(rule.match.accepts(try .make("Please return order 42", tools: ["lookup_order"], metadata: metadata)), "contains")
        XCTAssertFalse(rule.match.accepts(try .make("Please refund order x", tools: ["lookup_order"], metadata: metadata)), "matches")
        XCTAssertFalse(rule.match.accepts(try .make("Please refund order 42", metadata: metadata)), "tools")
        XCTAssertFalse(rule.match.accepts(try .make("Please refund order 42", tools: ["lookup_order"], metadata: ["suite": "billing", "attempt": 3])), "metadata")
        XCTAssertFalse(rule.match.accepts(try .make("Please refund order 42", tools: ["lookup_order"])), "no metadata")
    }

    func testTheLastUserMessageIsWhatIsMatched() throws {
        let rule = try Responder.make(["match": ["contains": "second"], "respond": ["content": "ok"]])
        let messages: [JSON] = [["role": "user", "content": "first"], ["role": "assistant", "content": "second"], ["role": "user", "content": "third"]]
        XCTAssertFalse(rule.match.accepts(try .make(messages: messages)))
        let chunked: [JSON] = [["role": "user", "content": [["type": "text", "text": "the second one"]]]]
        XCTAssertTrue(rule.match.accepts(try .make(messages: chunked)))
    }

    func testFirstMatchingRuleAnswersAndTheDefaultOtherwise() throws {
        let rules = [
            try Responder.make(["name": "a", "match": ["contains": "ping"], "respond": ["content": "pong", "delay_ms": 250]]),
            try Responder.make(["name": "b", "respond": ["content": "catch-all"]]),
        ]
        let first = ChatAnswer.decide(for: try .make("ping?"), responders: rules)
        XCTAssertEqual(first.content, "pong")
        XCTAssertEqual(first.delayMs, 250)
        XCTAssertEqual(first.responder, "a")
        XCTAssertEqual(ChatAnswer.decide(for: try .make("other"), responders: rules).content, "catch-all")
        let fallback = ChatAnswer.decide(for: try .make("other"), responders: [])
        XCTAssertNil(fallback.responder)
        XCTAssertTrue(fallback.content.contains("You asked: \"other\""), fallback.content)
        XCTAssertEqual(fallback, ChatAnswer.decide(for: try .make("other"), responders: []), "same request, same answer")
        XCTAssertNotEqual(fallback.content, ChatAnswer.decide(for: try .make("other!"), responders: []).content)
    }

    func testAToolCallThenTheFollowUpOnTheTurnCarryingTheResult() throws {
        let rule = try Responder.make([
            "match": ["tools": ["get_weather"]],
            "respond": ["tool_calls": [["name": "get_weather", "arguments": ["city": "Paris"]]]],
            "then": ["content": "It is {{tool_result}} in Paris."],
        ])
        let first = ChatAnswer.decide(for: try .make("Weather?", tools: ["get_weather"]), responders: [rule])
        XCTAssertEqual(first.toolCalls, [.init(name: "get_weather", arguments: #"{"city":"Paris"}"#)])
        XCTAssertEqual(first.finishReason, "tool_calls")
        let turn: [JSON] = [
            ["role": "user", "content": "Weather?"],
            ["role": "assistant", "content": "", "tool_calls": [["id": "abc123XYZ", "function": ["name": "get_weather", "arguments": #"{"city":"Paris"}"#]]]],
            ["role": "tool", "name": "get_weather", "tool_call_id": "abc123XYZ", "content": "21°C"],
        ]
        let second = ChatAnswer.decide(for: try .make(tools: ["get_weather"], messages: turn), responders: [rule])
        XCTAssertEqual(second.content, "It is 21°C in Paris.")
        XCTAssertEqual(second.finishReason, "stop")
        // Without `then`, the rule does not call its tool again: the default acknowledges the result.
        let noThen = try Responder.make(["match": ["tools": ["get_weather"]], "respond": ["tool_calls": [["name": "get_weather"]]]])
        let acknowledged = ChatAnswer.decide(for: try .make(tools: ["get_weather"], messages: turn), responders: [noThen])
        XCTAssertTrue(acknowledged.toolCalls.isEmpty)
        XCTAssertTrue(acknowledged.content.contains("get_weather tool returned 21°C"), acknowledged.content)
    }

    func testErrorsFinishReasonsAndLimits() throws {
        let failing = try Responder.make(["respond": ["error": ["status": 503, "message": "down"]]])
        XCTAssertEqual(ChatAnswer.decide(for: try .make(), responders: [failing]).error, .init(status: 503, message: "down", type: "responder_error"))
        let cut = ChatAnswer.decide(for: try .make(extra: [("max_tokens", 3)]), responders: [])
        XCTAssertEqual(cut.finishReason, "length")
        XCTAssertEqual(cut.content.count, 12)
        let stopped = ChatAnswer.decide(for: try .make(extra: [("stop", "answer")]), responders: [])
        XCTAssertEqual(stopped.content, "This is a deterministic ")
        let forced = ChatAnswer.decide(for: try .make(tools: ["a", "b"], extra: [("tool_choice", ["type": "function", "function": ["name": "b"]])]), responders: [])
        XCTAssertEqual(forced.toolCalls.map(\.name), ["b"])
        let json = ChatAnswer.decide(for: try .make(extra: [("response_format", ["type": "json_object"])]), responders: [])
        XCTAssertNotNil(try JSON.parse(json.content)["answer"]?.stringValue)
    }

    func testBadRulesAreRefusedNamingTheKey() {
        func refusal(_ json: JSON) -> String {
            do { _ = try Responder.parseList(json); return "accepted" } catch let error as APIError { return error.message } catch { return "\(error)" }
        }
        XCTAssertEqual(refusal(["match": ["contains": "x"]]), "respond: field required")
        XCTAssertTrue(refusal(["respond": ["content": "x"], "match": ["matches": "(a+)+"]]).hasPrefix("match.matches:"))
        XCTAssertTrue(refusal(["respond": ["content": "x"], "match": ["matches": "("]]).hasPrefix("match.matches:"))
        XCTAssertTrue(refusal(["respond": ["error": ["status": 200]]]).hasPrefix("respond.error.status:"))
        XCTAssertTrue(refusal(["respond": ["finish_reason": "done"]]).hasPrefix("respond.finish_reason:"))
        XCTAssertTrue(refusal(["respond": [:]]).contains("an answer needs"))
        XCTAssertTrue(refusal(["responders": [["respond": ["content": "ok"]], ["respond": ["content": "x"], "when": 1]]]).hasPrefix("responders[1].when:"))
    }

    func testTheFixtureRespondersLoad() throws {
        let rules = try Responder.loadFixtures(directory: TestPaths.fixturesDirectory)
        XCTAssertGreaterThanOrEqual(rules.count, 5)
        let answer = ChatAnswer.decide(for: try .make("What is the capital of France?"), responders: rules)
        XCTAssertEqual(answer.content, "The capital of France is Paris.")
    }
}

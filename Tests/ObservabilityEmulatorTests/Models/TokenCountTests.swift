import XCTest
@testable import ObservabilityEmulator

/// The one token count: ⌈characters ÷ 4⌉, characters being grapheme clusters.
final class TokenCountTests: XCTestCase {
    func testCeilingOfCharactersOverFour() {
        XCTAssertEqual(TokenCount.of(""), 0)
        XCTAssertEqual(TokenCount.of("a"), 1)
        XCTAssertEqual(TokenCount.of("abcd"), 1)
        XCTAssertEqual(TokenCount.of("abcde"), 2)
        XCTAssertEqual(TokenCount.of("héllo wörld"), 3)
        XCTAssertEqual(TokenCount.of("👩‍👩‍👧‍👦👍🏽"), 1, "an emoji sequence is one character")
    }

    func testUsageAndTheEventCountTheSameWay() throws {
        let request = try ChatRequest.make(messages: [["role": "system", "content": "Be brief."], ["role": "user", "content": "Hello there"]])
        let answer = ChatAnswer(content: "General Kenobi!", toolCalls: [.init(name: "f", arguments: "{}")], finishReason: "stop", error: nil, delayMs: 0)
        XCTAssertEqual(answer.completionTokens, TokenCount.of("General Kenobi!f{}"))
        let draft = try EventDraft.make(from: ["request_messages": .array(request.messages.map { .object($0) }),
                                               "response_messages": [["role": "assistant", "content": "General Kenobi!"]]],
                                        path: "", makeID: { "00000000-0000-4000-8000-000000000001" }, nowMs: { 0 })
        XCTAssertEqual(draft.inputTokens, Int64(TokenCount.of("Be brief.Hello there")))
        XCTAssertEqual(draft.outputTokens, Int64(TokenCount.of("General Kenobi!")))
    }
}

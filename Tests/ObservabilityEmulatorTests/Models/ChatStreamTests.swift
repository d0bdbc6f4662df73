import EmulatorHTTP
import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// Server-sent events: the pieces, the events and their pacing, and the HTTP chunks they travel in.
final class ChatStreamTests: XCTestCase {
    func makeCompletion(_ content: String, delayMs: Int = 0, toolCalls: [Responder.Answer.ToolCall] = []) -> ChatCompletion {
        let answer = ChatAnswer(content: content, toolCalls: toolCalls, finishReason: toolCalls.isEmpty ? "stop" : "tool_calls", error: nil, delayMs: delayMs)
        return ChatCompletion(id: "0123456789abcdef0123456789abcdef", created: 1_700_000_000, model: "mistral-small-latest",
                              answer: answer, promptTokens: 5, choiceCount: 1, seed: 7)
    }

    func testPiecesJoinToTheContentExactly() {
        for text in ["", "one", "one two three four five six seven", "  leading and trailing  ", "line one\nline two\n\n", "émoji 👍🏽 ok  done"] {
            let pieces = ChatCompletion.pieces(of: text)
            XCTAssertEqual(pieces.joined(), text)
            XCTAssertFalse(pieces.contains(""))
        }
        XCTAssertEqual(ChatCompletion.pieces(of: "a b c d e f g"), ["a b c ", "d e f ", "g"])
    }

    /// Parses the `data:` payloads of a stream's parts.
    func events(_ parts: [HTTPBodyStream.Part]) throws -> [String] {
        parts.map { part in
            let text = String(decoding: part.bytes, as: UTF8.self)
            XCTAssertTrue(text.hasPrefix("data: ") && text.hasSuffix("\n\n"), text)
            return String(text.dropFirst(6).dropLast(2))
        }
    }

    func testTheStreamedTextIsTheAnswerAndTheLastChunkCarriesFinishAndUsage() throws {
        let completion = makeCompletion("The quick brown fox jumps over the lazy dog.")
        let payloads = try events(completion.streamParts())
        XCTAssertEqual(payloads.last, "[DONE]")
        let chunks = try payloads.dropLast().map { try JSON.parse($0) }
        XCTAssertGreaterThan(chunks.count, 3, "several chunks")
        XCTAssertEqual(chunks.first?["choices"]?.arrayValue?.first?["delta"]?["role"], "assistant")
        let text = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
        XCTAssertEqual(text, completion.answer.content)
        for chunk in chunks.dropLast() {
            XCTAssertEqual(chunk["choices"]?.arrayValue?.first?["finish_reason"], .null)
            XCTAssertNil(chunk["usage"])
            XCTAssertEqual(chunk["id"], .string(completion.id))
            XCTAssertEqual(chunk["object"], "chat.completion.chunk")
        }
        XCTAssertEqual(chunks.last?["choices"]?.arrayValue?.first?["finish_reason"], "stop")
        XCTAssertEqual(chunks.last?["usage"], completion.usage)
        XCTAssertEqual(completion.usage["total_tokens"]?.intValue, 5 + Int64(TokenCount.of(completion.answer.content)))
    }

    func testToolCallsTravelInOneDelta() throws {
        let completion = makeCompletion("", toolCalls: [.init(name: "get_weather", arguments: "{}")])
        let chunks = try events(completion.streamParts()).dropLast().map { try JSON.parse($0) }
        let calls = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["tool_calls"] }
        XCTAssertEqual(calls, [completion.toolCallsJSON])
        XCTAssertEqual(chunks.last?["choices"]?.arrayValue?.first?["finish_reason"], "tool_calls")
        XCTAssertEqual(ChatCompletion.toolCallID(seed: 7, index: 0).count, 9)
        XCTAssertEqual(ChatCompletion.toolCallID(seed: 7, index: 0), ChatCompletion.toolCallID(seed: 7, index: 0))
    }

    func testADelayIsSpreadAfterTheFirstChunk() {
        let parts = makeCompletion("one two three four five six seven eight nine", delayMs: 1000).streamParts()
        XCTAssertEqual(parts.first?.delayMilliseconds, 0, "the first chunk is not held back")
        XCTAssertEqual(parts.map(\.delayMilliseconds).reduce(0, +), 1000)
        XCTAssertTrue(parts.dropFirst().dropLast().allSatisfy { $0.delayMilliseconds > 0 })
        XCTAssertEqual(parts.last?.delayMilliseconds, 0, "[DONE] follows the last chunk at once")
        XCTAssertTrue(makeCompletion("no delay").streamParts().allSatisfy { $0.delayMilliseconds == 0 })
    }

    func testHTTPChunkFraming() {
        XCTAssertEqual(String(decoding: HTTPBodyStream.chunk(Array("data: x\n\n".utf8)), as: UTF8.self), "9\r\ndata: x\n\n\r\n")
        XCTAssertEqual(HTTPBodyStream.chunk([]), [], "an empty part writes nothing: a zero-length chunk would end the body")
        XCTAssertEqual(String(decoding: HTTPBodyStream.chunk([UInt8](repeating: 65, count: 300)).prefix(5), as: UTF8.self), "12c\r\n")
        var response = HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream")])
        response.stream = HTTPBodyStream(parts: [])
        let head = String(decoding: response.serialized(keepAlive: true, date: "d"), as: UTF8.self)
        XCTAssertTrue(head.contains("Transfer-Encoding: chunked\r\n"))
        XCTAssertFalse(head.contains("Content-Length"))
        XCTAssertTrue(head.hasSuffix("\r\n\r\n"))
    }
}

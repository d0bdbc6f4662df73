import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// What a model's card decides on a running application: `/v1/models` by alias, a workspace's
/// own cards through the control plane (and reset), reasoning answers (whole, streamed, sent
/// back), and image and audio input only for models that take them, counted in prompt tokens.
final class ModelCapabilityTests: ApplicationTestCase {
    func chat(_ model: String, _ content: JSON, extra: [(String, JSON)] = []) throws -> Reply {
        var body = JSONObject([("model", .string(model)), ("messages", [["role": "user", "content": content]])])
        for (key, value) in extra { body[key] = value }
        return try call("POST", "/v1/chat/completions", json: .object(body))
    }

    func testModelsAreListedAndRetrievedByEveryName() throws {
        let listed = try call("GET", "/v1/models").json["data"]?.arrayValue ?? []
        XCTAssertEqual(listed.count, app.fixtureModels.listing.count)
        let byAlias = try call("GET", "/v1/models/codestral-latest")
        XCTAssertEqual(byAlias.status, 200)
        XCTAssertEqual(byAlias.json, listed.first { $0["id"] == "codestral-latest" })
        XCTAssertEqual(byAlias.json["name"], "codestral-2508")
        XCTAssertEqual(try call("GET", "/v1/models/codestral-2508").json["aliases"], ["codestral-latest"])
        let unknown = try chat("gpt-4o", "hi")
        XCTAssertEqual(unknown.status, 400)
        XCTAssertEqual(unknown.json["message"], "Invalid model: gpt-4o", "the real service's message, word for word")
        XCTAssertTrue(unknown.header("X-Emulator-Hint")?.contains("POST /__emulator/models") == true)
        XCTAssertEqual(try call("GET", "/v1/models/gpt-4o").status, 404)
    }

    func testAWorkspaceAddsModelsAndAResetRemovesThem() throws {
        let card: JSON = ["id": "acme-chat-1", "aliases": ["acme-chat-latest"], "capabilities": ["completion_chat", "reasoning"],
                          "max_context_length": 8192]
        let added = try call("POST", "/__emulator/models", json: card)
        XCTAssertEqual(added.status, 201, added.text)
        XCTAssertEqual(added.json["ids"], ["acme-chat-1"])
        XCTAssertEqual(try call("POST", "/__emulator/models", json: ["id": "other", "aliases": ["acme-chat-latest"]]).status, 409)
        XCTAssertEqual(try call("POST", "/__emulator/models", json: ["id": "x", "capabilities": ["telepathy"]]).status, 422)
        XCTAssertEqual(try call("POST", "/__emulator/models", auth: Auth.none, json: card).status, 401)
        let entry = try call("GET", "/v1/models/acme-chat-latest").json
        XCTAssertEqual(entry["name"], "acme-chat-1")
        XCTAssertEqual(entry["max_context_length"], 8192)
        XCTAssertEqual(try call("GET", "/v1/models/acme-chat-1", auth: .token("someone-else")).status, 404, "another workspace does not see it")
        XCTAssertEqual(try chat("acme-chat-latest", "hi").status, 200)
        // A workspace card stands in for a fixture model of the same name.
        XCTAssertEqual(try call("POST", "/__emulator/models", json: ["models": [["id": "mistral-small-latest", "capabilities": ["completion_chat"]]]]).status, 201)
        let image: JSON = [["type": "text", "text": "What is this?"], ["type": "image_url", "image_url": "data:image/png;base64,AAAA"]]
        XCTAssertEqual(try chat("mistral-small-latest", image).status, 400, "the workspace's card has no vision")
        XCTAssertEqual(try chat("mistral-small-2506", image).status, 200, "the fixture card of the model still has it")
        let listing = try call("GET", "/__emulator/models").json
        XCTAssertEqual(listing["models"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, ["acme-chat-1", "mistral-small-latest"])
        XCTAssertEqual(listing["fixture_models"]?.arrayValue?.count, app.fixtureModels.cards.count)
        XCTAssertEqual(try call("DELETE", "/__emulator/models/mistral-small-latest").status, 204)
        XCTAssertEqual(try call("DELETE", "/__emulator/models/mistral-large-latest").status, 404, "fixture models stay")
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        XCTAssertEqual(try chat("acme-chat-latest", "hi").status, 400, "a reset removes added models")
        XCTAssertEqual(try call("GET", "/__emulator/models").json["models"], [])
    }

    func testAReasoningModelThinksThenAnswers() throws {
        let reply = try chat("magistral-medium-latest", "Why is the sky blue?")
        XCTAssertEqual(reply.status, 200, reply.text)
        let message = try XCTUnwrap(reply.json["choices"]?.arrayValue?.first?["message"])
        let chunks = try XCTUnwrap(message["content"]?.arrayValue)
        XCTAssertEqual(chunks.map { $0["type"] }, ["thinking", "text"])
        let thinking = chunks[0]["thinking"]?.arrayValue?.first?["text"]?.stringValue ?? ""
        XCTAssertTrue(thinking.contains("Why is the sky blue?"), thinking)
        let text = chunks[1]["text"]?.stringValue ?? ""
        XCTAssertTrue(text.contains("magistral-medium-latest"), text)
        XCTAssertEqual(reply.json["usage"]?["completion_tokens"], .int(Int64(TokenCount.of(thinking + text))))
        XCTAssertEqual(try chat("magistral-medium-latest", "Why is the sky blue?").json.settingID(from: reply.json), reply.json, "deterministic")
        // Sent back on the next turn.
        let next = try call("POST", "/v1/chat/completions", json: ["model": "magistral-medium-latest", "messages": [
            ["role": "user", "content": "Why is the sky blue?"], message, ["role": "user", "content": "And sunsets?"]]])
        XCTAssertEqual(next.status, 200, next.text)
        // prompt_mode null, reasoning_effort none, or a model without the capability: plain text.
        XCTAssertEqual(try chat("magistral-medium-latest", "Why?", extra: [("prompt_mode", .null)]).json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue?.isEmpty, false)
        XCTAssertNotNil(try chat("magistral-medium-latest", "Why?", extra: [("reasoning_effort", "none")]).json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue)
        XCTAssertNotNil(try chat("magistral-medium-latest", "Why?", extra: [("prompt_mode", "reasoning")]).json["choices"]?.arrayValue?.first?["message"]?["content"]?.arrayValue)
        XCTAssertNotNil(try chat("mistral-small-latest", "Why?").json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue)
        XCTAssertEqual(try chat("magistral-medium-latest", "Why?", extra: [("prompt_mode", "chatty")]).status, 422)
    }

    func testAReasoningStreamSendsThinkingDeltasThenText() throws {
        let whole = try chat("magistral-small-latest", "Count to three").json
        let reply = try chat("magistral-small-latest", "Count to three", extra: [("stream", true)])
        XCTAssertEqual(reply.status, 200)
        let events = reply.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
        let deltas = events.compactMap { try? JSON.parse(Array($0.dropFirst(6).utf8))["choices"]?.arrayValue?.first?["delta"] }
        var thinking = "", text = "", sawText = false
        for delta in deltas.dropFirst() {
            switch delta["content"] {
            case .array(let chunks)?:
                XCTAssertFalse(sawText, "thinking comes first")
                XCTAssertEqual(chunks.first?["type"], "thinking")
                thinking += chunks.first?["thinking"]?.arrayValue?.first?["text"]?.stringValue ?? ""
            case .string(let piece)?:
                if !piece.isEmpty { sawText = true }
                text += piece
            default: break
            }
        }
        let chunks = whole["choices"]?.arrayValue?.first?["message"]?["content"]?.arrayValue ?? []
        XCTAssertEqual(thinking, chunks.first?["thinking"]?.arrayValue?.first?["text"]?.stringValue)
        XCTAssertEqual(text, chunks.last?["text"]?.stringValue)
    }

    func testImagesAndAudioNeedTheCapabilityAndCostPromptTokens() throws {
        let textOnly = try chat("pixtral-12b", [["type": "text", "text": "Describe it"]]).json["usage"]?["prompt_tokens"]?.intValue ?? 0
        let image: JSON = [["type": "text", "text": "Describe it"], ["type": "image_url", "image_url": ["url": "https://example.com/a.png", "detail": "low"]],
                           ["type": "image_url", "image_url": "data:image/png;base64,iVBORw0"]]
        let seen = try chat("pixtral-12b", image)
        XCTAssertEqual(seen.status, 200, seen.text)
        XCTAssertEqual(seen.json["usage"]?["prompt_tokens"]?.intValue, textOnly + Int64(PromptMedia.imageTokensLow + PromptMedia.imageTokens))
        let refused = try chat("open-mistral-nemo", image)
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(refused.json["message"]?.stringValue?.contains("messages[0].content[1]"), true, refused.text)
        XCTAssertEqual(try chat("pixtral-12b", [["type": "image_url", "image_url": ["detail": "low"]]]).json["detail"]?.arrayValue?.first?["loc"],
                       ["body", "messages", 0, "content", 0, "image_url", "url"])
        XCTAssertEqual(try chat("pixtral-12b", [["type": "image_url", "image_url": ["url": "x", "detail": "huge"]]]).status, 422)
        // 48,000 base64 characters: 36,000 bytes, three seconds at 16,000 bytes a second.
        let audio: JSON = [["type": "input_audio", "input_audio": .string(String(repeating: "A", count: 48_000))], ["type": "text", "text": "Transcribe"]]
        let heard = try chat("voxtral-mini-latest", audio)
        XCTAssertEqual(heard.status, 200, heard.text)
        XCTAssertEqual(heard.json["usage"]?["prompt_audio_seconds"], 3)
        XCTAssertEqual(heard.json["usage"]?["prompt_tokens"]?.intValue, Int64(TokenCount.of("Transcribe") + PromptMedia.audioTokens(seconds: 3)))
        XCTAssertEqual(try chat("mistral-large-latest", audio).status, 400)
        XCTAssertNil(try chat("mistral-large-latest", "hi").json["usage"]?["prompt_audio_seconds"], "only with audio")
        XCTAssertEqual(try chat("mistral-small-latest", [["type": "document_url", "document_url": "https://example.com/a.pdf"]]).status, 200)
        let file = try chat("mistral-small-latest", [["type": "file", "file_id": "00000000-0000-4000-8000-000000000000"]])
        XCTAssertEqual(file.status, 400)
        XCTAssertTrue(file.json["message"]?.stringValue?.contains("file_id") == true, file.text)
        XCTAssertEqual(try chat("mistral-small-latest", [["type": "hologram"]]).json["detail"]?.arrayValue?.first?["loc"], ["body", "messages", 0, "content", 0, "type"])
    }
}

private extension JSON {
    /// This completion with the `id` and `created` of `other`, to compare two answers' content.
    func settingID(from other: JSON) -> JSON {
        guard case .object(var object) = self else { return self }
        object["id"] = other["id"]
        object["created"] = other["created"]
        return .object(object)
    }
}

import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// The model endpoints on a running application (port 0): answers, events, errors in the
/// inference shapes, responders through the control plane, streaming on the wire and its pacing,
/// and byte-identical runs.
final class ModelEndpointTests: ApplicationTestCase {
    override func makeConfiguration() -> EmulatorConfiguration {
        .make { $0.clock = "step:2026-01-01T00:00:00.000Z,1000" }
    }

    func chatBody(_ user: String, stream: Bool = false, extra: [(String, JSON)] = []) -> JSON {
        var body = JSONObject([("model", "mistral-small-latest"), ("messages", [["role": "user", "content": .string(user)]])])
        if stream { body["stream"] = true }
        for (key, value) in extra { body[key] = value }
        return .object(body)
    }

    func testAChatCompletionIsAnEventOfTheCallersWorkspaceAtOnce() throws {
        let reply = try call("POST", "/v1/chat/completions", json: chatBody("Where is my parcel?", extra: [("metadata", ["suite": "parcels", "try": 1])]),
                             headers: [("X-Correlation-Id", "conversation-7")])
        XCTAssertEqual(reply.status, 200, reply.text)
        let content = reply.json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue ?? ""
        XCTAssertTrue(content.contains("Where is my parcel?"), content)
        let ids = try searchIDs(condition("metadata.suite", "eq", "parcels"))
        XCTAssertEqual(ids.count, 1)
        XCTAssertEqual(try searchIDs(condition("metadata.suite", "eq", "parcels"), auth: .token("someone-else")), [], "another workspace does not see it")
        let event = try call("GET", "\(v1)/chat-completion-events/\(ids[0])").json
        XCTAssertEqual(event["correlation_id"], "conversation-7")
        XCTAssertEqual(event["extra_fields"]?["model_name"], "mistral-small-latest")
        XCTAssertEqual(event["extra_fields"]?["metadata.try"], "1")
        XCTAssertEqual(event["nb_input_tokens"], reply.json["usage"]?["prompt_tokens"])
        XCTAssertEqual(event["nb_output_tokens"], reply.json["usage"]?["completion_tokens"])
        XCTAssertEqual(event["response_messages"]?.arrayValue?.first?["content"]?.stringValue, content)
        XCTAssertEqual(event["request_messages"], [["role": "user", "content": "Where is my parcel?"]])
    }

    /// Without X-Correlation-Id the event's correlation id is the completion's id (what the SDK's
    /// telemetry puts in the chat span's gen_ai.response.id), searchable as such.
    func testAnEventsCorrelationIdDefaultsToTheCompletionId() throws {
        let reply = try call("POST", "/v1/chat/completions", json: chatBody("Which id ties us?"))
        XCTAssertEqual(reply.status, 200, reply.text)
        let completionID = try XCTUnwrap(reply.json["id"]?.stringValue)
        let ids = try searchIDs(condition("correlation_id", "eq", .string(completionID)))
        XCTAssertEqual(ids.count, 1)
        let event = try call("GET", "\(v1)/chat-completion-events/\(ids[0])").json
        XCTAssertEqual(event["correlation_id"]?.stringValue, completionID)
        XCTAssertNotEqual(event["event_id"]?.stringValue, completionID)
    }

    func testErrorsComeInTheInferenceShapes() throws {
        let unknown = try call("POST", "/v1/chat/completions", json: ["model": "gpt-4o", "messages": [["role": "user", "content": "hi"]]])
        XCTAssertEqual(unknown.status, 400)
        XCTAssertEqual(unknown.json["message"], "Invalid model: gpt-4o")
        XCTAssertEqual(unknown.json["type"], "invalid_model")
        let invalid = try call("POST", "/v1/chat/completions", json: ["model": "mistral-small-latest", "messages": [["role": "user"]]])
        XCTAssertEqual(invalid.status, 422)
        XCTAssertEqual(invalid.json["detail"]?.arrayValue?.first?["loc"], ["body", "messages", 0, "content"])
        XCTAssertEqual(invalid.json["detail"]?.arrayValue?.first?["type"], "missing")
        XCTAssertEqual(try call("POST", "/v1/chat/completions", auth: Auth.none, json: chatBody("hi")).status, 401)
        XCTAssertEqual(try call("POST", "/v1/embeddings", json: ["model": "mistral-small-latest", "input": "x"]).status, 400, "not an embedding model")
        XCTAssertEqual(try call("POST", "/v1/fim/completions", json: ["model": "mistral-small-latest", "prompt": "def"]).status, 400, "no FIM")
        XCTAssertEqual(try call("GET", "/v1/models/gpt-4o").status, 404)
        let unavailable = try call("POST", "/v1/chat/completions", json: chatBody("please [emulator:503]"))
        XCTAssertEqual(unavailable.status, 503)
        XCTAssertEqual(unavailable.header("Retry-After"), "1")
        XCTAssertEqual(try searchIDs(condition("last_user_message_preview", "contains", "emulator:503")), [], "an error is no completion")
    }

    func testWorkspaceRespondersComeFirstAndGoWithReset() throws {
        let added = try call("POST", "/__emulator/responders", json: [["match": ["contains": "capital"], "respond": ["content": "Mine."]]])
        XCTAssertEqual(added.status, 201, added.text)
        let id = added.json["ids"]?.arrayValue?.first?.stringValue ?? ""
        func answer(_ auth: Auth? = nil) throws -> String? {
            try call("POST", "/v1/chat/completions", auth: auth, json: chatBody("The capital of France?")).json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
        }
        XCTAssertEqual(try answer(), "Mine.")
        XCTAssertEqual(try answer(.token("other")), "The capital of France is Paris.", "the fixture rule, in another workspace")
        let listed = try call("GET", "/__emulator/responders").json
        XCTAssertEqual(listed["responders"]?.arrayValue?.first?["id"]?.stringValue, id)
        XCTAssertGreaterThan(listed["fixture_responders"]?.arrayValue?.count ?? 0, 0)
        XCTAssertEqual(try call("POST", "/__emulator/responders", json: ["respond": ["content": "x"], "match": ["matches": "(a+)+"]]).status, 422)
        XCTAssertEqual(try call("POST", "/__emulator/responders", auth: Auth.none, json: ["respond": ["content": "x"]]).status, 401)
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        XCTAssertEqual(try answer(), "The capital of France is Paris.")
        XCTAssertEqual(try call("DELETE", "/__emulator/responders/\(id)").status, 404)
    }

    func testTheStreamIsChunkedAndTheFirstChunkArrivesBeforeTheDelayIsOver() throws {
        XCTAssertEqual(try call("POST", "/__emulator/responders", json: ["match": ["contains": "slowly"],
                                                                          "respond": ["content": "one two three four five six seven eight nine ten", "delay_ms": 800]]).status, 201)
        let client = try RawHTTPClient(port: port)
        let body = chatBody("answer slowly", stream: true).serialized()
        let start = Date()
        try client.send(Array("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        let head = try client.readResponse(timeout: 5, headOnly: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Type"), "text/event-stream")
        XCTAssertEqual(head.header("Transfer-Encoding"), "chunked")
        let first = try client.readChunk(timeout: 5)
        let firstAt = Date().timeIntervalSince(start)
        var events = [String(decoding: first ?? [], as: UTF8.self)]
        while let chunk = try client.readChunk(timeout: 5) { events.append(String(decoding: chunk, as: UTF8.self)) }
        let lastAt = Date().timeIntervalSince(start)
        XCTAssertLessThan(firstAt, 0.4, "the first chunk is not held back")
        XCTAssertGreaterThanOrEqual(lastAt, 0.75, "the last chunk comes when the delay is over")
        XCTAssertEqual(events.last, "data: [DONE]\n\n")
        XCTAssertTrue(events.allSatisfy { $0.hasPrefix("data: ") && $0.hasSuffix("\n\n") }, "one event per chunk")
        let text = try events.dropLast().map { try JSON.parse(String($0.dropFirst(6))) }
            .compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
        XCTAssertEqual(text, "one two three four five six seven eight nine ten")
        // The connection stays usable: a second request on it.
        let plain = chatBody("answer slowly").serialized()
        try client.send(Array("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(plain.count)\r\n\r\n".utf8) + plain)
        let second = try client.readResponse(timeout: 5)
        XCTAssertEqual(try JSON.parse(second.body)["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue, text, "streamed text = non-streamed text")
    }

    func testStreamedAndNonStreamedDefaultAnswersAgree() throws {
        let whole = try call("POST", "/v1/chat/completions", json: chatBody("Tell me about streams")).json
        let streamed = try call("POST", "/v1/chat/completions", json: chatBody("Tell me about streams", stream: true)).text
        let chunks = try streamed.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }.map { try JSON.parse(String($0.dropFirst(6))) }
        XCTAssertEqual(chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined(),
                       whole["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue)
        XCTAssertEqual(chunks.last?["usage"], whole["usage"])
    }

    func testTwoRunsWithSeedAndStepClockAnswerByteForByte() throws {
        func run() throws -> [[UInt8]] {
            try [
                call("POST", "/v1/chat/completions", json: chatBody("Hello", extra: [("tools", [["type": "function", "function": ["name": "f", "parameters": [:]]]]), ("tool_choice", "any")])),
                call("POST", "/v1/chat/completions", json: chatBody("Hello", stream: true)),
                call("POST", "/v1/fim/completions", json: ["model": "codestral-latest", "prompt": "def f(", "suffix": "return 1"]),
                call("POST", "/v1/embeddings", json: ["model": "mistral-embed", "input": ["a", "b"]]),
                call("GET", "/v1/models"),
                call("POST", "\(v1)/chat-completion-events/search", json: searchBody(condition("model_name", "eq", "mistral-small-latest"))),
            ].map(\.body)
        }
        let first = try run()
        try restart(with: makeConfiguration())
        XCTAssertEqual(try run(), first)
    }

    func testEmbeddingsAndModels() throws {
        let reply = try call("POST", "/v1/embeddings", json: ["model": "mistral-embed", "input": ["I like cats", "I like cats", "I like dogs"]])
        XCTAssertEqual(reply.status, 200, reply.text)
        let vectors = reply.json["data"]?.arrayValue?.map { $0["embedding"]?.arrayValue?.compactMap(\.doubleValue) ?? [] } ?? []
        XCTAssertEqual(vectors.map(\.count), [1024, 1024, 1024])
        XCTAssertEqual(vectors[0], vectors[1])
        XCTAssertEqual(reply.json["usage"]?["prompt_tokens"], .int(Int64(3 * TokenCount.of("I like cats"))))
        let sized = try call("POST", "/v1/embeddings", json: ["model": "codestral-embed", "input": "x", "output_dimension": 256]).json
        XCTAssertEqual(sized["data"]?.arrayValue?.first?["embedding"]?.arrayValue?.count, 256)
        let ids = try call("GET", "/v1/models").json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        for id in ["mistral-large-latest", "mistral-medium-latest", "mistral-small-latest", "codestral-latest", "mistral-embed",
                   "ministral-8b-latest", "open-mistral-nemo", "pixtral-large-latest"] {
            XCTAssertTrue(ids.contains(id), id)
        }
        XCTAssertEqual(try call("GET", "/v1/models/codestral-latest").json["capabilities"]?["completion_fim"], true)
    }
}

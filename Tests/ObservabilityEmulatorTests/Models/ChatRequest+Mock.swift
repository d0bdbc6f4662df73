import EmulatorJSON
@testable import ObservabilityEmulator

extension ChatRequest {
    /// A validated request from a few parts; `extra` adds or replaces body keys.
    static func make(_ user: String = "Hello", model: String = "mistral-small-latest", tools: [String] = [],
                     metadata: JSON? = nil, messages: [JSON]? = nil, extra: [(String, JSON)] = []) throws -> ChatRequest {
        var body = JSONObject([
            ("model", .string(model)),
            ("messages", .array(messages ?? [["role": "user", "content": .string(user)]])),
        ])
        if !tools.isEmpty {
            body["tools"] = .array(tools.map { name in
                ["type": "function", "function": ["name": .string(name), "parameters": ["type": "object"]]]
            })
        }
        if let metadata { body["metadata"] = metadata }
        for (key, value) in extra { body[key] = value }
        return try ChatRequest(BodyReader(object: body))
    }
}

extension Responder {
    static func make(_ json: JSON) throws -> Responder { try parse(json, path: "") }
}

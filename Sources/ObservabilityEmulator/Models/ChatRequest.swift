import EmulatorJSON

/// A validated `ChatCompletionRequest`: what the responders match on and the answer is built from.
struct ChatRequest {
    let model: String
    let messages: [JSONObject]
    let stream: Bool
    let maxTokens: Int?
    let choiceCount: Int
    /// The `tools` as sent (recorded in the event) and the names of the function tools among them.
    let tools: [JSONObject]
    let functionNames: [String]
    /// `tool_choice`: "auto", "none", "any", "required", or the name of a function to call.
    let toolChoice: String
    let forcedFunction: String?
    /// Each offered function's `parameters` schema, by name (the first tool of a name wins).
    let functionParameters: [String: JSON]
    let metadata: JSONObject?
    let responseFormat: ResponseFormat
    let stop: [String]
    /// The image, audio, document and file chunks of the messages, and their prompt tokens.
    let media: PromptMedia
    /// `prompt_mode`: absent or `"reasoning"` (the reasoning system prompt, the default) or an
    /// explicit null (none): a reasoning model thinks aloud unless this is false.
    let reasoningPrompt: Bool
    /// `reasoning_effort`, when given.
    let reasoningEffort: String?
    /// A hash of the whole body but `stream`: the default answer is derived from it, so a
    /// streamed answer is the same text as the non-streamed one.
    let fingerprint: UInt64

    static let roles = ["system", "user", "assistant", "tool"]
    /// `n` has no maximum in the reference; each choice repeats the answer, so a bound keeps a
    /// request from asking for gigabytes.
    static let maximumChoices = 16

    init(_ reader: BodyReader) throws {
        model = try reader.requiredString("model")
        guard let items = try reader.array("messages") else { throw reader.fail("messages", "field required") }
        var messages: [JSONObject] = []
        var media = PromptMedia()
        for (index, item) in items.enumerated() {
            messages.append(try Self.message(item, path: reader.fieldPath("messages[\(index)]"), media: &media))
        }
        self.messages = messages
        self.media = media
        stream = try reader.boolean("stream") ?? false
        try reader.checkSampling()
        maxTokens = try reader.boundedInteger("max_tokens", min: 0).map { Int(clamping: $0) }
        choiceCount = Int(clamping: try reader.boundedInteger("n", min: 1) ?? 1)
        metadata = try reader.metadataObject()
        _ = try reader.boundedNumber("presence_penalty", min: -2, max: 2)
        _ = try reader.boundedNumber("frequency_penalty", min: -2, max: 2)
        _ = try reader.boolean("parallel_tool_calls", nullable: true)
        _ = try reader.boolean("safe_prompt", nullable: true)
        reasoningEffort = try reader.choice("reasoning_effort", ["none", "minimal", "low", "medium", "high", "xhigh"])
        reasoningPrompt = try reader.choice("prompt_mode", ["reasoning"]) != nil || reader.value("prompt_mode") == nil
        _ = try reader.choice("service_tier", ["auto", "standard_only"])
        _ = try reader.array("guardrails", required: false, nullable: true)
        _ = try reader.object("prediction", required: false, nullable: true)
        stop = try reader.stopSequences()
        responseFormat = try ResponseFormat(reader.object("response_format", required: false, nullable: true))
        var tools: [JSONObject] = []
        var names: [String] = []
        var parameters: [String: JSON] = [:]
        for (index, tool) in (try Self.nullableObjectArray(reader, "tools") ?? []).enumerated() {
            let toolReader = BodyReader(object: tool, path: reader.fieldPath("tools[\(index)]"))
            let type = try toolReader.string("type", required: false) ?? "function"
            if type == "function" {
                guard let function = try toolReader.object("function") else { throw toolReader.fail("function", "field required") }
                let name = try function.requiredString("name")
                guard let schema = try function.object("parameters") else { throw function.fail("parameters", "field required") }
                if !names.contains(name) {
                    names.append(name)
                    parameters[name] = .object(schema.object)
                }
            }
            tools.append(tool)
        }
        self.tools = tools
        functionNames = names
        functionParameters = parameters
        switch reader.value("tool_choice") {
        case .none, .null?:
            toolChoice = "auto"
            forcedFunction = nil
        case .string?:
            toolChoice = try reader.choice("tool_choice", ["auto", "none", "any", "required"], nullable: false) ?? "auto"
            forcedFunction = nil
        case .object?:
            guard let choice = try reader.object("tool_choice") else { throw reader.fail("tool_choice", "field required") }
            guard let function = try choice.object("function") else { throw choice.fail("function", "field required") }
            forcedFunction = try function.requiredString("name")
            toolChoice = "any"
        case let other?:
            throw reader.fail("tool_choice", "expected a ToolChoice object or one of auto, none, any, required, got \(other.typeDescription)")
        }
        fingerprint = reader.fingerprint(ignoring: "stream")
        if messages.isEmpty { throw InferenceError.badRequest("messages: at least one message is required") }
        if choiceCount > Self.maximumChoices { throw InferenceError.badRequest("n: at most \(Self.maximumChoices) choices (got \(choiceCount))") }
        if let forcedFunction, !functionNames.contains(forcedFunction) {
            throw InferenceError.badRequest("tool_choice: function '\(forcedFunction.prefix(100))' is not among the offered tools")
        }
    }

    /// One message of the `oneOf` on `role`.
    private static func message(_ value: JSON, path: String, media: inout PromptMedia) throws -> JSONObject {
        guard case .object(let object) = value else { throw APIError.validation("\(path): expected a message object, got \(value.typeDescription)") }
        let reader = BodyReader(object: object, path: path)
        let role = try reader.string("role", required: true) ?? ""
        guard roles.contains(role) else {
            throw reader.fail("role", "expected one of \(roles.joined(separator: ", ")), got '\(role.prefix(40))'")
        }
        switch object["content"] {
        case .none:
            if role != "assistant" { throw reader.fail("content", "field required") }
        case .null?:
            if role == "system" { throw reader.fail("content", "expected a string or a list of chunks, got null") }
        case .string?: break
        case .array(let chunks)?:
            for (index, chunk) in chunks.enumerated() {
                guard case .object(let fields) = chunk else { throw reader.fail("content[\(index)]", "expected a content chunk object, got \(chunk.typeDescription)") }
                try media.read(chunk: BodyReader(object: fields, path: reader.fieldPath("content[\(index)]")))
            }
        case let other?:
            throw reader.fail("content", "expected a string or a list of chunks, got \(other.typeDescription)")
        }
        if role == "assistant" {
            for (index, call) in (try Self.nullableObjectArray(reader, "tool_calls") ?? []).enumerated() {
                let callReader = BodyReader(object: call, path: reader.fieldPath("tool_calls[\(index)]"))
                guard let function = try callReader.object("function") else { throw callReader.fail("function", "field required") }
                _ = try function.requiredString("name")
                switch function.value("arguments") {
                case .string?, .object?: break
                case .none: throw function.fail("arguments", "field required")
                case let other?: throw function.fail("arguments", "expected an object or a string, got \(other.typeDescription)")
                }
            }
            _ = try reader.boolean("prefix", nullable: true)
        }
        _ = try reader.string("name", required: false, nullable: true)
        if role == "tool" { _ = try reader.string("tool_call_id", required: false, nullable: true) }
        return object
    }

    /// A list of objects the reference marks nullable (`tools`, `tool_calls`): an SDK that sends
    /// back the assistant message it received serialises an absent list as `null`.
    private static func nullableObjectArray(_ reader: BodyReader, _ key: String) throws -> [JSONObject]? {
        if reader.value(key)?.isNull == true { return nil }
        return try reader.objectArray(key, required: false)
    }

    /// Prompt tokens: the messages' text (four characters a token), then each image, audio,
    /// document and file chunk by the rules of `PromptMedia`.
    var promptTokens: Int { TokenCount.of(messages.map(messageText).joined()) + media.tokens }

    /// Whether a reasoning model thinks aloud: `prompt_mode` not null and `reasoning_effort`
    /// not "none".
    var wantsReasoning: Bool { reasoningPrompt && reasoningEffort != "none" }

    /// The text of the last `user` message ("" when there is none).
    var lastUserMessage: String {
        messages.last(where: { $0["role"]?.stringValue == "user" }).map(messageText) ?? ""
    }

    /// The tool results that end the conversation (the turn after a tool call), oldest first.
    var trailingToolResults: [(name: String?, content: String)] {
        var results: [(String?, String)] = []
        for message in messages.reversed() {
            guard message["role"]?.stringValue == "tool" else { break }
            results.insert((message["name"]?.stringValue, messageText(message)), at: 0)
        }
        return results
    }

    var isToolFollowUp: Bool { !trailingToolResults.isEmpty }
}

import EmulatorJSON

/// An event ready to store: the `ChatCompletionEvent` body plus the derived, filterable fields of
/// Built the same way for fixtures, synthetic events and control-plane ingestion.
struct EventDraft {
    var eventID: String
    var correlationID: String
    var createdMs: Int64
    var modelName: String?
    var firstSystemMessage: String?
    var lastUserMessage: String?
    var responsePreview: String?
    var invokedTools: [String]
    var enabledToolNames: [String]
    var inputTokens: Int64
    var outputTokens: Int64
    var nbMessages: Int64
    var totalTimeElapsed: Double?
    var agentID: String?
    var metadata: JSONObject
    /// The `extra_fields` as ingested (model_name, api_agent_id, total_time_elapsed, metadata, …).
    var extra: JSONObject
    /// `{"enabled_tools", "request_messages", "response_messages", "chat_transcription_events"}`.
    var body: [UInt8]
    var userText: String
    var assistantText: String
    /// Serialised `metadata` and `extra`, when the producer already has them (synthetic events).
    var metadataText: String? = nil
    var extraText: String? = nil

    /// `["a","b"]` for tool-name lists, without building a JSON tree.
    static func stringArrayText(_ items: [String]) -> String {
        if items.isEmpty { return "[]" }
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSON.writeString(item, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Validates one event object in the `ChatCompletionEvent` shape. `path` prefixes messages
    /// (`[3].request_messages`); `makeID` and `nowMs` fill an absent id or timestamp.
    static func make(from value: JSON, path: String, makeID: () -> String, nowMs: () -> Int64) throws -> EventDraft {
        func fail(_ key: String, _ reason: String) -> APIError { .validation("\(path.isEmpty ? "" : path + ".")\(key): \(reason)") }
        guard case .object(let object) = value else {
            throw APIError.validation("\(path.isEmpty ? "body" : path): expected an event object, got \(value.typeDescription)")
        }
        let reader = BodyReader(object: object, path: path)
        var eventID = try reader.string("event_id", required: false, nullable: true) ?? makeID()
        guard UUIDText.isValid(eventID) else { throw fail("event_id", "'\(eventID.prefix(64))' is not a valid UUID") }
        eventID = eventID.lowercased()
        let correlationID = try reader.string("correlation_id", required: false, nullable: true, minLength: 1, maxLength: 200) ?? eventID
        var createdMs: Int64
        if let created = try reader.string("created_at", required: false, nullable: true) {
            guard let ms = Timestamp.parse(created) else { throw fail("created_at", "'\(created.prefix(64))' is not an RFC 3339 date-time") }
            createdMs = ms
        } else {
            createdMs = nowMs()
        }
        if createdMs < 0 { createdMs = 0 }
        let requestMessages = try reader.objectArray("request_messages") ?? []
        let responseMessages = try reader.objectArray("response_messages") ?? []
        let enabledTools = try reader.objectArray("enabled_tools", required: false) ?? []
        let transcriptions = try reader.array("chat_transcription_events", required: false) ?? []
        for (index, message) in (requestMessages + responseMessages).enumerated() {
            let key = index < requestMessages.count ? "request_messages[\(index)]" : "response_messages[\(index - requestMessages.count)]"
            guard case .string = message["role"] ?? .null else { throw fail("\(key).role", "a message needs a string role") }
        }
        var extra = try reader.object("extra_fields", required: false, nullable: true)?.object ?? JSONObject()
        let extraReader = BodyReader(object: extra, path: (path.isEmpty ? "" : path + ".") + "extra_fields")
        let modelName = try extraReader.string("model_name", required: false, nullable: true, maxLength: 200)
            ?? reader.string("model", required: false, nullable: true, maxLength: 200)
        let agentID = try extraReader.string("api_agent_id", required: false, nullable: true, maxLength: 200)
        let totalTime = try extraReader.number("total_time_elapsed")
        var metadata = JSONObject()
        if let meta = try extraReader.object("metadata", required: false, nullable: true) {
            for (key, item) in meta.object {
                switch item {
                case .string: metadata[key] = item
                case .int(let i): metadata[key] = .string(String(i))
                case .double(let d): metadata[key] = .string(String(d))
                case .bool(let b): metadata[key] = .string(b ? "true" : "false")
                case .null: metadata[key] = .null
                default: throw APIError.validation("\(meta.fieldPath(key)): metadata values must be strings, got \(item.typeDescription)")
                }
            }
        }
        for (key, item) in extra where key != "metadata" {
            switch item {
            case .null, .bool, .int, .double, .string: continue
            case .array(let items) where items.allSatisfy({ $0.stringValue != nil }): continue
            default:
                throw APIError.validation("\(extraReader.fieldPath(key)): extra field values must be a string, number, boolean, null or a list of strings")
            }
        }
        if let modelName { extra["model_name"] = .string(modelName) }
        // `extra_fields` values are scalars or string lists in the OpenAPI, so the metadata map is
        // stored flattened into `metadata.<key>` entries, the field names filters use; event
        // detail then splices the stored text in without parsing it.
        extra["metadata"] = nil
        for (key, value) in metadata { extra[FieldCatalog.metadataPrefix + key] = value }

        let systemTexts = requestMessages.filter { $0["role"]?.stringValue == "system" }.map(messageText)
        let userTexts = requestMessages.filter { $0["role"]?.stringValue == "user" }.map(messageText)
        let assistantTexts = responseMessages.filter { $0["role"]?.stringValue == "assistant" }.map(messageText)
        var invoked: [String] = []
        for message in responseMessages {
            for call in message["tool_calls"]?.arrayValue ?? [] {
                if let name = call["function"]?["name"]?.stringValue ?? call["name"]?.stringValue, !invoked.contains(name) { invoked.append(name) }
            }
        }
        var enabledNames: [String] = []
        for tool in enabledTools {
            if let name = tool["function"]?["name"]?.stringValue ?? tool["name"]?.stringValue, !enabledNames.contains(name) { enabledNames.append(name) }
        }
        let responsePreview = assistantTexts.filter { !$0.isEmpty }.joined(separator: "\n")
        let userText = userTexts.joined(separator: "\n")
        let inputTokens = try reader.integer("nb_input_tokens", required: false)
            ?? Int64(TokenCount.of(requestMessages.map(messageText).joined()))
        let outputTokens = try reader.integer("nb_output_tokens", required: false) ?? Int64(TokenCount.of(responsePreview))
        let nbMessages = try reader.integer("nb_messages", required: false) ?? Int64(requestMessages.count + responseMessages.count)
        for (key, v) in [("nb_input_tokens", inputTokens), ("nb_output_tokens", outputTokens), ("nb_messages", nbMessages)] where v < 0 {
            throw fail(key, "must be at least 0")
        }
        let body: JSON = .object(JSONObject([
            ("enabled_tools", .array(enabledTools.map { .object($0) })),
            ("request_messages", .array(requestMessages.map { .object($0) })),
            ("response_messages", .array(responseMessages.map { .object($0) })),
            ("chat_transcription_events", .array(transcriptions)),
        ]))
        return EventDraft(
            eventID: eventID, correlationID: correlationID, createdMs: createdMs, modelName: modelName,
            firstSystemMessage: systemTexts.first, lastUserMessage: userTexts.last,
            responsePreview: responsePreview.isEmpty && assistantTexts.isEmpty ? nil : responsePreview,
            invokedTools: invoked, enabledToolNames: enabledNames, inputTokens: inputTokens, outputTokens: outputTokens,
            nbMessages: nbMessages, totalTimeElapsed: totalTime, agentID: agentID, metadata: metadata, extra: extra,
            body: body.serialized(), userText: userText, assistantText: assistantTexts.joined(separator: "\n"))
    }
}

/// The text of a message's `content`: a string, or the `text` of each chunk of a list.
func messageText(_ message: JSONObject) -> String {
    switch message["content"] ?? .null {
    case .string(let text): return text
    case .array(let chunks): return chunks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    default: return ""
    }
}

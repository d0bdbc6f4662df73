import EmulatorJSON

/// The GenAI columns of spans written to the other common conventions, where a column is not a
/// renamed attribute (those are `SpanAttributeMapping`'s fallbacks) but has to be rebuilt:
/// - the older `gen_ai.*` names (OpenLLMetry): `llm.request.type` as the operation, messages
///   flattened to `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`;
/// - OpenInference: `openinference.span.kind` as the operation, `llm.input_messages.N.message.*`
///   / `llm.output_messages.N.message.*`, `llm.tools.N.tool.json_schema`,
///   `llm.invocation_parameters` (a JSON object of the request's parameters).
/// Messages are rebuilt in the current conventions' shape (`role`, `parts` of `text`,
/// `tool_call` and `tool_call_response`, and the output's `finish_reason`), so the trace's
/// turns read them like any other. A column the current conventions already filled is kept.
enum SpanConventions {
    /// Whether an attribute the first pass did not map may belong to one of these conventions
    /// (cheap: the first pass asks it of every unmapped key until one says yes).
    static func mayApply(_ key: String) -> Bool {
        switch key.utf8.first {
        case UInt8(ascii: "l"): return key.hasPrefix("llm.")
        case UInt8(ascii: "o"): return key == spanKind
        case UInt8(ascii: "g"): return key.hasPrefix(oldPrompt) || key.hasPrefix(oldCompletion)
        default: return false
        }
    }

    static let spanKind = "openinference.span.kind"
    static let requestType = "llm.request.type"
    static let oldPrompt = "gen_ai.prompt.", oldCompletion = "gen_ai.completion."
    static let inputMessages = "llm.input_messages.", outputMessages = "llm.output_messages."
    static let tools = "llm.tools.", invocationParameters = "llm.invocation_parameters"

    /// OpenInference span kinds as operation names (a `CHAIN`, `RERANKER`, `GUARDRAIL` or
    /// `EVALUATOR` span is no GenAI operation).
    static let operationBySpanKind: [String: String] = [
        "LLM": "chat", "EMBEDDING": "embeddings", "TOOL": "execute_tool", "RETRIEVER": "retrieval", "AGENT": "invoke_agent",
    ]
    /// OpenLLMetry's `llm.request.type` values as operation names; another value is kept as sent.
    static let operationByRequestType: [String: String] = [
        "chat": "chat", "completion": "text_completion", "embedding": "embeddings", "rerank": "rerank",
    ]
    /// `llm.invocation_parameters` keys and the columns they fill.
    static let parameterColumns: [(key: String, column: String)] = [
        ("temperature", "request_temperature"), ("top_p", "request_top_p"), ("top_k", "request_top_k"),
        ("max_tokens", "request_max_tokens"), ("seed", "request_seed"), ("random_seed", "request_seed"),
        ("presence_penalty", "request_presence_penalty"), ("frequency_penalty", "request_frequency_penalty"),
        ("stop", "request_stop_sequences"), ("n", "request_choice_count"),
    ]

    private static func slot(_ name: String) -> Int { SpanAttributeMapping.index[name]! }

    /// Fills the columns still empty in `values` (in `SpanAttributeMapping.columns` order).
    static func fill(_ values: inout [OTLPValue?], from attributes: [OTLPAttribute]) {
        var prompts = IndexedMessages(), completions = IndexedMessages()
        var toolSchemas: [Int: JSON] = [:]
        var operation: String?
        var parameters: JSONObject?
        for attribute in attributes {
            let key = attribute.key
            guard let value = attribute.value else { continue }
            if key == spanKind {
                operation = operationBySpanKind[value.flattened.uppercased()] ?? operation
            } else if key == requestType {
                let type = value.flattened
                operation = operation ?? (operationByRequestType[type] ?? type)
            } else if key.hasPrefix(oldPrompt) {
                prompts.add(key.dropFirst(oldPrompt.utf8.count), value)
            } else if key.hasPrefix(oldCompletion) {
                completions.add(key.dropFirst(oldCompletion.utf8.count), value)
            } else if key.hasPrefix(inputMessages) {
                prompts.add(key.dropFirst(inputMessages.utf8.count), value)
            } else if key.hasPrefix(outputMessages) {
                completions.add(key.dropFirst(outputMessages.utf8.count), value)
            } else if key.hasPrefix(tools), key.hasSuffix(".tool.json_schema") {
                let rest = key.dropFirst(tools.utf8.count)
                if let index = Int(rest.prefix { $0 != "." }) { toolSchemas[index] = Self.json(value) }
            } else if key == invocationParameters {
                parameters = (try? JSON.parse(value.flattened))?.objectValue
            }
        }
        func setIfEmpty(_ column: String, _ value: @autoclosure () -> OTLPValue?) {
            let index = slot(column)
            if values[index] == nil { values[index] = value() }
        }
        if let operation { setIfEmpty("operation_name", .string(operation)) }
        if !prompts.isEmpty { setIfEmpty("input_messages", .string(prompts.messagesJSON(output: false))) }
        if !completions.isEmpty {
            setIfEmpty("output_messages", .string(completions.messagesJSON(output: true)))
            let reasons = completions.finishReasons
            if !reasons.isEmpty { setIfEmpty("response_finish_reasons", .array(reasons.map(OTLPValue.string))) }
        }
        if !toolSchemas.isEmpty {
            setIfEmpty("tool_definitions", .string(JSON.array(toolSchemas.keys.sorted().compactMap { toolSchemas[$0] }).text))
        }
        if let parameters {
            for (key, column) in parameterColumns {
                guard let parameter = parameters[key], let value = otlpValue(parameter) else { continue }
                setIfEmpty(column, value)
            }
        }
    }

    /// A JSON text attribute as JSON (a string that is not JSON stays a string).
    static func json(_ value: OTLPValue) -> JSON {
        if case .string(let text) = value { return (try? JSON.parse(text)) ?? .string(text) }
        return value.json
    }

    static func otlpValue(_ json: JSON) -> OTLPValue? {
        switch json {
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .array(let items): return .array(items.compactMap(otlpValue))
        case .null, .object: return nil
        }
    }
}

/// Messages flattened to one attribute per field (`N.role`, `N.content`, `N.message.role`,
/// `N.tool_calls.M.name`, `N.message.tool_calls.M.tool_call.function.name`,
/// `N.message.contents.M.message_content.text`, ...), gathered by message index.
struct IndexedMessages {
    /// Per message: its fields by path, `message.` dropped.
    private var fields: [Int: [String: OTLPValue]] = [:]

    var isEmpty: Bool { fields.isEmpty }

    mutating func add(_ rest: Substring, _ value: OTLPValue) {
        guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]) else { return }
        var path = rest[rest.index(after: dot)...]
        if path.hasPrefix("message.") { path = path.dropFirst("message.".count) }
        fields[index, default: [:]][String(path)] = value
    }

    /// The sub-fields of one list inside a message (`tool_calls`, `contents`), by item index,
    /// with the item's own prefixes dropped (`tool_call.`, `function.`, `message_content.`).
    private static func items(_ message: [String: OTLPValue], _ list: String) -> [(Int, [String: OTLPValue])] {
        var items: [Int: [String: OTLPValue]] = [:]
        for (path, value) in message where path.hasPrefix(list + ".") {
            let rest = path.dropFirst(list.count + 1)
            guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]) else { continue }
            var field = rest[rest.index(after: dot)...]
            for prefix in ["tool_call.", "message_content.", "function."] where field.hasPrefix(prefix) {
                field = field.dropFirst(prefix.count)
            }
            items[index, default: [:]][String(field)] = value
        }
        return items.keys.sorted().map { ($0, items[$0]!) }
    }

    var finishReasons: [String] {
        fields.keys.sorted().compactMap { fields[$0]?["finish_reason"]?.flattened }
    }

    /// The messages as the current conventions write `gen_ai.input.messages` /
    /// `gen_ai.output.messages`.
    func messagesJSON(output: Bool) -> String {
        let messages: [JSON] = fields.keys.sorted().map { index in
            let message = fields[index]!
            let role = message["role"]?.flattened ?? (output ? "assistant" : "user")
            var parts: [JSON] = []
            let content = message["content"]?.flattened
            if role == "tool", let id = message["tool_call_id"]?.flattened {
                parts.append(["type": "tool_call_response", "id": .string(id), "response": .string(content ?? "")])
            } else if let content, !content.isEmpty {
                parts.append(["type": "text", "content": .string(content)])
            }
            for (_, item) in Self.items(message, "contents") {
                guard let text = item["text"]?.flattened else { continue }
                parts.append(["type": "text", "content": .string(text)])
            }
            for (_, call) in Self.items(message, "tool_calls") {
                var part: [(String, JSON)] = [("type", "tool_call")]
                if let id = call["id"]?.flattened { part.append(("id", .string(id))) }
                if let name = call["name"]?.flattened { part.append(("name", .string(name))) }
                if let arguments = call["arguments"] { part.append(("arguments", SpanConventions.json(arguments))) }
                parts.append(.object(JSONObject(part)))
            }
            var object: [(String, JSON)] = [("role", .string(role)), ("parts", .array(parts))]
            if output, let reason = message["finish_reason"]?.flattened { object.append(("finish_reason", .string(reason))) }
            return .object(JSONObject(object))
        }
        return JSON.array(messages).text
    }
}

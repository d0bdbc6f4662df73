import EmulatorJSON

/// The answer to one chat request, decided before anything is written: by the first responder
/// that matches, else by `defaultAnswer`. Same request, same answer.
struct ChatAnswer: Equatable {
    var content: String
    var toolCalls: [Responder.Answer.ToolCall]
    var finishReason: String
    var error: Responder.Answer.Failure?
    var delayMs: Int
    /// The responder that answered (nil: the default answer).
    var responder: String?
    /// A reasoning model's thinking, sent before the content as a `thinking` chunk.
    var thinking: String?

    /// The first matching responder's answer, the follow-up (`then`) on the turn that carries
    /// tool results; a rule that would call its tools again on that turn is passed over. In a
    /// JSON mode a rule whose content is not JSON in that mode (an object; under `json_schema`, a
    /// value the schema accepts) is passed over too, as a model held to a schema cannot answer
    /// otherwise; tool calls, errors and empty content are not held to it.
    static func decide(for request: ChatRequest, responders: [Responder]) -> ChatAnswer {
        for responder in responders where responder.match.accepts(request) {
            let label = responder.name ?? "unnamed"
            var answer = responder.respond
            if request.isToolFollowUp {
                if let then = responder.then {
                    answer = then
                } else if !responder.respond.toolCalls.isEmpty {
                    continue
                }
            }
            guard let resolved = resolve(answer, request: request, responder: label) else { continue }
            return resolved
        }
        return defaultAnswer(for: request)
    }

    /// The answer with its placeholders filled and the request's limits applied; nil when its
    /// content does not fit the request's JSON mode.
    private static func resolve(_ answer: Responder.Answer, request: ChatRequest, responder: String) -> ChatAnswer? {
        var content = answer.content ?? ""
        // Foundation's replacing bridges through NSString on Linux: skip it for a content
        // without placeholders (most), which it would return unchanged.
        if content.utf8.contains(UInt8(ascii: "{")) {
            content = content.replacingOccurrences(of: "{{last_user_message}}", with: request.lastUserMessage)
            content = content.replacingOccurrences(of: "{{tool_result}}", with: request.trailingToolResults.map(\.content).joined(separator: "\n"))
        }
        if answer.toolCalls.isEmpty, answer.error == nil, !content.isEmpty, !request.responseFormat.accepts(content) { return nil }
        var resolved = ChatAnswer(content: content, toolCalls: answer.toolCalls,
                                  finishReason: answer.finishReason ?? (answer.toolCalls.isEmpty ? "stop" : "tool_calls"),
                                  error: answer.error, delayMs: answer.delayMs, responder: responder)
        if answer.finishReason == nil { resolved.applyLimits(of: request) }
        return resolved
    }

    /// Derived from the request alone. A required tool call (`tool_choice` any, required or a
    /// named function) calls the named function, else the first one, with arguments generated
    /// from its `parameters` schema; on the turn that carries tool results (a framework's
    /// reask, an agent's next step) `any` and `required` call the first function those results
    /// did not come from, so a loop moves on (to a final-answer tool, say), and the first when
    /// every one has answered. Otherwise the text: a tool result is acknowledged; else a short text
    /// naming the model, quoting the last user message and carrying a reference computed from
    /// the whole request. In JSON modes that text is carried by JSON: `{"answer": text}` for
    /// `json_object`, an instance of the schema for `json_schema` (see `SchemaInstance`; the
    /// `json_object` answer when the schema has no instance the generator can find).
    static func defaultAnswer(for request: ChatRequest) -> ChatAnswer {
        let results = request.trailingToolResults
        let answered = Set(results.compactMap(\.name))
        if request.toolChoice != "none", request.toolChoice != "auto",
           let name = request.forcedFunction ?? request.functionNames.first(where: { !answered.contains($0) }) ?? request.functionNames.first {
            let seed = SchemaInstance.Seed(answer: request.lastUserMessage, userMessage: request.lastUserMessage, fingerprint: request.fingerprint)
            let arguments = request.functionParameters[name].flatMap { SchemaInstance.make(for: $0, seed: seed) }
            return ChatAnswer(content: "", toolCalls: [.init(name: name, arguments: arguments?.text ?? "{}")], finishReason: "tool_calls", error: nil, delayMs: 0)
        }
        let text: String
        if results.isEmpty {
            let question = request.lastUserMessage.split(whereSeparator: \.isNewline).joined(separator: " ")
            let quoted = question.count > 160 ? question.prefix(160) + "…" : Substring(question)
            let reference = String(request.fingerprint, radix: 16).prefix(8)
            text = "This is a deterministic answer from \(request.model), emulated. "
                + (quoted.isEmpty ? "There was no user message to answer. " : "You asked: \"\(quoted)\". ")
                + "Configure a responder to choose the answer. Reference \(reference)."
        } else {
            let parts = results.map { "\($0.name.map { "the \($0) tool" } ?? "the tool") returned \($0.content.prefix(500))" }
            text = "Thanks: \(parts.joined(separator: "; "))."
        }
        var answer = ChatAnswer(content: content(for: text, request: request), toolCalls: [], finishReason: "stop", error: nil, delayMs: 0)
        answer.applyLimits(of: request)
        return answer
    }

    /// The default text in the request's response format.
    private static func content(for text: String, request: ChatRequest) -> String {
        let object = JSON.object(JSONObject([("answer", .string(text))]))
        switch request.responseFormat {
        case .text: return text
        case .jsonObject, .jsonSchema(nil): return object.text
        case .jsonSchema(let schema?):
            let seed = SchemaInstance.Seed(answer: text, userMessage: request.lastUserMessage, fingerprint: request.fingerprint)
            return (SchemaInstance.make(for: schema, seed: seed) ?? object).text
        }
    }

    /// `stop` sequences cut the content before the first one; `max_tokens` cuts it to that many
    /// tokens (four characters each) with finish reason `length`.
    mutating func applyLimits(of request: ChatRequest) {
        for sequence in request.stop where !sequence.isEmpty {
            if let range = content.range(of: sequence) { content = String(content[..<range.lowerBound]) }
        }
        if let maxTokens = request.maxTokens { limit(toTokens: maxTokens) }
    }

    /// Cuts the content to `maxTokens` tokens (four characters each), finish reason `length`.
    mutating func limit(toTokens maxTokens: Int) {
        guard TokenCount.of(content) > maxTokens else { return }
        content = String(content.prefix(maxTokens * 4))
        finishReason = "length"
    }

    /// The answer's tokens: thinking, content, and every tool call's name and arguments.
    var completionTokens: Int { TokenCount.of((thinking ?? "") + content + toolCalls.map { $0.name + $0.arguments }.joined()) }

    /// A reasoning model's thinking for the request, derived from it alone: what it was asked
    /// (or which tools answered), the steps, and the reference the default answer carries.
    static func thinking(for request: ChatRequest) -> String {
        let reference = String(request.fingerprint, radix: 16).prefix(8)
        let results = request.trailingToolResults
        let subject: String
        if !results.isEmpty {
            subject = "The tool results are in (\(results.map { $0.name ?? "tool" }.joined(separator: ", "))). "
        } else {
            let question = request.lastUserMessage.split(whereSeparator: \.isNewline).joined(separator: " ")
            subject = question.isEmpty ? "There is no user message. " : "The user asks: \"\(question.count > 120 ? question.prefix(120) + "…" : Substring(question))\". "
        }
        return subject + "I work out what is needed, check it step by step, then write the answer. "
            + "Emulated reasoning of \(request.model), reference \(reference)."
    }
}

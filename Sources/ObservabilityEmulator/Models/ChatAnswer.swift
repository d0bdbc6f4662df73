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

    /// The first matching responder's answer, the follow-up (`then`) on the turn that carries
    /// tool results; a rule that would call its tools again on that turn is passed over.
    static func decide(for request: ChatRequest, responders: [Responder]) -> ChatAnswer {
        for responder in responders where responder.match.accepts(request) {
            let label = responder.name ?? "unnamed"
            if request.isToolFollowUp {
                if let then = responder.then { return resolve(then, request: request, responder: label) }
                if !responder.respond.toolCalls.isEmpty { continue }
            }
            return resolve(responder.respond, request: request, responder: label)
        }
        return defaultAnswer(for: request)
    }

    private static func resolve(_ answer: Responder.Answer, request: ChatRequest, responder: String) -> ChatAnswer {
        var content = answer.content ?? ""
        content = content.replacingOccurrences(of: "{{last_user_message}}", with: request.lastUserMessage)
        content = content.replacingOccurrences(of: "{{tool_result}}", with: request.trailingToolResults.map(\.content).joined(separator: "\n"))
        var resolved = ChatAnswer(content: content, toolCalls: answer.toolCalls,
                                  finishReason: answer.finishReason ?? (answer.toolCalls.isEmpty ? "stop" : "tool_calls"),
                                  error: answer.error, delayMs: answer.delayMs, responder: responder)
        if answer.finishReason == nil { resolved.applyLimits(of: request) }
        return resolved
    }

    /// Derived from the request alone: a tool result is acknowledged; a required tool call
    /// (`tool_choice` any, required or a named function) calls the named or first function with
    /// `{}`; otherwise a short text naming the model, quoting the last user message and carrying
    /// a reference computed from the whole request. JSON modes get `{"answer": text}`.
    static func defaultAnswer(for request: ChatRequest) -> ChatAnswer {
        let results = request.trailingToolResults
        if !results.isEmpty {
            let parts = results.map { "\($0.name.map { "the \($0) tool" } ?? "the tool") returned \($0.content.prefix(500))" }
            var answer = ChatAnswer(content: "Thanks: \(parts.joined(separator: "; ")).", toolCalls: [], finishReason: "stop", error: nil, delayMs: 0)
            answer.applyLimits(of: request)
            return answer
        }
        if request.toolChoice != "none", request.toolChoice != "auto", let name = request.forcedFunction ?? request.functionNames.first {
            return ChatAnswer(content: "", toolCalls: [.init(name: name, arguments: "{}")], finishReason: "tool_calls", error: nil, delayMs: 0)
        }
        let question = request.lastUserMessage.split(whereSeparator: \.isNewline).joined(separator: " ")
        let quoted = question.count > 160 ? question.prefix(160) + "…" : Substring(question)
        let reference = String(request.fingerprint, radix: 16).prefix(8)
        var text = "This is a deterministic answer from \(request.model), emulated. "
            + (quoted.isEmpty ? "There was no user message to answer. " : "You asked: \"\(quoted)\". ")
            + "Configure a responder to choose the answer. Reference \(reference)."
        if request.responseFormat != "text" {
            text = JSON.object(JSONObject([("answer", .string(text))])).text
        }
        var answer = ChatAnswer(content: text, toolCalls: [], finishReason: "stop", error: nil, delayMs: 0)
        answer.applyLimits(of: request)
        return answer
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

    /// The answer's tokens: content plus every tool call's name and arguments.
    var completionTokens: Int { TokenCount.of(content + toolCalls.map { $0.name + $0.arguments }.joined()) }
}

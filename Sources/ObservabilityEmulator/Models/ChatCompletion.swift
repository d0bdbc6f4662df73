import EmulatorHTTP
import EmulatorJSON

/// A chat (or FIM) completion ready to send: the answer with its id, time and usage, as one JSON
/// body or as server-sent events (`CompletionChunk`s, then `data: [DONE]`).
struct ChatCompletion {
    let id: String
    let created: Int64
    let model: String
    let answer: ChatAnswer
    let promptTokens: Int
    /// `usage.prompt_audio_seconds`, sent when the prompt had audio.
    var promptAudioSeconds: Int?
    let choiceCount: Int
    /// Tool-call ids, derived from the request (Mistral's are nine alphanumerics).
    let toolCallIDs: [String]

    init(id: String, created: Int64, model: String, answer: ChatAnswer, promptTokens: Int, choiceCount: Int, seed: UInt64) {
        self.id = id
        self.created = created
        self.model = model
        self.answer = answer
        self.promptTokens = promptTokens
        self.choiceCount = choiceCount
        toolCallIDs = answer.toolCalls.indices.map { Self.toolCallID(seed: seed, index: $0) }
    }

    static func toolCallID(seed: UInt64, index: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SplitMix64(state: seed &+ UInt64(index) &* 0x9E37_79B9)
        return String((0..<9).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    var usage: JSON {
        let completion = answer.completionTokens
        var fields: [(String, JSON)] = [("prompt_tokens", .int(Int64(promptTokens))), ("completion_tokens", .int(Int64(completion))),
                                        ("total_tokens", .int(Int64(promptTokens + completion)))]
        if let promptAudioSeconds { fields.append(("prompt_audio_seconds", .int(Int64(promptAudioSeconds)))) }
        return .object(JSONObject(fields))
    }

    var toolCallsJSON: JSON {
        .array(answer.toolCalls.enumerated().map { index, call in
            .object(JSONObject([("id", .string(toolCallIDs[index])), ("type", "function"),
                                ("function", .object(JSONObject([("name", .string(call.name)), ("arguments", .string(call.arguments))]))),
                                ("index", .int(Int64(index)))]))
        })
    }

    /// A `ThinkChunk` of one text.
    static func thinkingChunk(_ text: String) -> JSON {
        .object(JSONObject([("type", "thinking"), ("thinking", [.object(JSONObject([("type", "text"), ("text", .string(text))]))])]))
    }

    /// The content: a string, or, with thinking, a `thinking` chunk then a `text` chunk (left
    /// out when a tool call leaves the text empty).
    var content: JSON {
        guard let thinking = answer.thinking else { return .string(answer.content) }
        var chunks = [Self.thinkingChunk(thinking)]
        if !answer.content.isEmpty || answer.toolCalls.isEmpty {
            chunks.append(.object(JSONObject([("type", "text"), ("text", .string(answer.content))])))
        }
        return .array(chunks)
    }

    /// The `AssistantMessage` of the answer (also what the event records).
    var message: JSON {
        .object(JSONObject([("role", "assistant"), ("content", content),
                            ("tool_calls", answer.toolCalls.isEmpty ? .null : toolCallsJSON), ("prefix", false)]))
    }

    /// The non-streamed `ChatCompletionResponse`.
    var json: JSON {
        .object(JSONObject([
            ("id", .string(id)), ("object", "chat.completion"), ("model", .string(model)), ("usage", usage), ("created", .int(created)),
            ("choices", .array((0..<choiceCount).map { index in
                .object(JSONObject([("index", .int(Int64(index))), ("message", message), ("finish_reason", .string(answer.finishReason))]))
            })),
        ]))
    }

    /// The content cut into pieces of up to three words, each keeping the spaces after it, so
    /// that the pieces joined are the content exactly.
    static func pieces(of text: String, wordsPerPiece: Int = 3) -> [String] {
        var pieces: [String] = []
        var current = ""
        var words = 0
        var inSpace = false
        for character in text {
            let space = character.isWhitespace
            if !space && inSpace {
                words += 1
                if words == wordsPerPiece {
                    pieces.append(current)
                    current = ""
                    words = 0
                }
            }
            inSpace = space
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    private func chunk(delta: JSON, finishReason: String?, withUsage: Bool) -> [UInt8] {
        var fields: [(String, JSON)] = [("id", .string(id)), ("object", "chat.completion.chunk"), ("created", .int(created)), ("model", .string(model))]
        if withUsage { fields.append(("usage", usage)) }
        fields.append(("choices", .array((0..<choiceCount).map { index in
            .object(JSONObject([("index", .int(Int64(index))), ("delta", delta), ("finish_reason", finishReason.map(JSON.string) ?? .null)]))
        })))
        return ServerSentEvents.event(JSON.object(JSONObject(fields)).serialized())
    }

    /// The streamed answer: the role first, at once; the thinking in pieces, each delta's content
    /// a list of one `thinking` chunk; the content in pieces, as strings (and the tool calls in
    /// one delta); a last chunk with the finish reason and usage; `[DONE]` right after it. A delay
    /// is spread evenly over the chunks after the first, so the first arrives at once and the
    /// last when the delay is over.
    func streamParts() -> [HTTPBodyStream.Part] {
        var payloads: [[UInt8]] = [chunk(delta: ["role": "assistant", "content": ""], finishReason: nil, withUsage: false)]
        for piece in Self.pieces(of: answer.thinking ?? "") {
            payloads.append(chunk(delta: ["content": [Self.thinkingChunk(piece)]], finishReason: nil, withUsage: false))
        }
        for piece in Self.pieces(of: answer.content) {
            payloads.append(chunk(delta: ["content": .string(piece)], finishReason: nil, withUsage: false))
        }
        if !answer.toolCalls.isEmpty {
            payloads.append(chunk(delta: ["tool_calls": toolCallsJSON], finishReason: nil, withUsage: false))
        }
        payloads.append(chunk(delta: ["content": ""], finishReason: answer.finishReason, withUsage: true))
        let later = payloads.count - 1
        payloads.append(ServerSentEvents.done)
        return payloads.enumerated().map { index, bytes in
            guard index > 0, index <= later, answer.delayMs > 0 else { return HTTPBodyStream.Part(bytes: bytes) }
            let share = answer.delayMs / later + (index == later ? answer.delayMs % later : 0)
            return HTTPBodyStream.Part(delayMilliseconds: share, bytes: bytes)
        }
    }
}

/// Server-sent events framing (WHATWG HTML §9.2): `data: <payload>`, a blank line after each.
enum ServerSentEvents {
    static func event(_ payload: [UInt8]) -> [UInt8] { Array("data: ".utf8) + payload + [10, 10] }
    static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)
    static let contentType = "text/event-stream"
}

import EmulatorHTTP
import EmulatorJSON
import Foundation

/// `/v1/chat/completions`, `/v1/fim/completions`, `/v1/embeddings` and `/v1/models`:
/// deterministic answers under the same Bearer auth and workspaces as the rest of the API, with
/// errors in the inference API's shapes (`InferenceError`). Every chat completion is also stored
/// as a chat-completion event of the caller's workspace.
enum ModelRoutes {
    /// Runs a handler, rendering whatever it throws in the inference error shape.
    private static func answering(_ call: Call, _ body: (Call) throws -> HTTPResponseBox) -> HTTPResponseBox {
        do { return try body(call) } catch { return .raw(InferenceError(error).response) }
    }

    /// Every name of every model, each an entry of its own (as the real service lists them).
    static func listModels(_ call: Call) throws -> HTTPResponseBox {
        answering(call) { call in
            .json(.object(JSONObject([("object", "list"), ("data", .array(try call.models().listing))])))
        }
    }

    /// Any name of a model: the entry of that name, as listed.
    static func retrieveModel(_ call: Call) throws -> HTTPResponseBox {
        answering(call) { call in
            let name = call.parameters["model_id"] ?? ""
            guard let card = try call.models().card(name) else {
                var error = InferenceError(status: 404, message: "Model not found: \(name.prefix(200))", type: "invalid_model", code: "1500")
                error.hint = InferenceError.addModelHint
                throw error
            }
            return .json(card.entry(named: name))
        }
    }

    /// What an inference route needs of its model.
    enum Use { case chat, fim, embeddings }

    /// The model of that name, when it can serve `use`; else the 400 that names it.
    private static func model(_ name: String, for use: Use, call: Call) throws -> ModelCard {
        guard let card = try call.models().card(name) else { throw InferenceError.invalidModel(name) }
        let able: Bool
        let what: String
        switch use {
        case .chat: (able, what) = (card.can("completion_chat"), "chat completions")
        case .fim: (able, what) = (card.can("completion_fim"), "fill-in-the-middle completions")
        case .embeddings: (able, what) = (card.isEmbedding, "embeddings")
        }
        guard able else { throw InferenceError.badRequest("model \(name.prefix(200)) does not support \(what)") }
        return card
    }

    /// Image and audio chunks need a model with the capability; a `file` chunk must name a file
    /// of the caller's workspace.
    private static func checkMedia(of request: ChatRequest, card: ModelCard, call: Call) throws {
        if let path = request.media.images.first, !card.can("vision") {
            throw InferenceError.badRequest("model \(request.model.prefix(200)) does not support image input (\(path) is an image_url chunk); use a model with the vision capability")
        }
        if let path = request.media.audio.first, !card.can("audio") {
            throw InferenceError.badRequest("model \(request.model.prefix(200)) does not support audio input (\(path) is an input_audio chunk); use a model with the audio capability")
        }
        for file in request.media.files {
            do { _ = try call.store.file(id: file.id, workspaceID: call.workspace.id) } catch let error as StoreError {
                guard case .notFound = error else { throw error }
                throw InferenceError.badRequest("\(file.path).file_id: no file \(file.id) in this workspace (upload it with POST /v1/files)")
            }
        }
    }

    // MARK: Chat

    static func chat(_ call: Call) throws -> HTTPResponseBox {
        answering(call) { call in
            let request = try ChatRequest(try call.body())
            let card = try model(request.model, for: .chat, call: call)
            try checkMedia(of: request, card: card, call: call)
            let own = try call.store.workspaceRules(workspaceID: call.workspace.id).responders
            var answer = ChatAnswer.decide(for: request, responders: own + call.app.fixtureResponders)
            if card.can("reasoning"), request.wantsReasoning, answer.error == nil { answer.thinking = ChatAnswer.thinking(for: request) }
            if let failure = answer.error {
                var response = InferenceError(status: failure.status, message: failure.message, type: failure.type).response
                response.delayMilliseconds = answer.delayMs
                return .raw(response)
            }
            let nowMs = call.app.clock.nowMs()
            var completion = ChatCompletion(
                id: compactID(call.app.ids.next()), created: nowMs / 1000, model: request.model, answer: answer,
                promptTokens: request.promptTokens, choiceCount: request.choiceCount, seed: request.fingerprint)
            if !request.media.audio.isEmpty { completion.promptAudioSeconds = request.media.audioSeconds }
            try record(completion, of: request, call: call, nowMs: nowMs)
            return .raw(respond(completion, stream: request.stream))
        }
    }

    /// The JSON body, or the same answer as server-sent events.
    private static func respond(_ completion: ChatCompletion, stream: Bool) -> HTTPResponse {
        if stream {
            var response = HTTPResponse(status: 200, headers: [(HTTPHeader.contentType, ServerSentEvents.contentType), ("Cache-Control", "no-cache")])
            response.stream = HTTPBodyStream(parts: completion.streamParts())
            return response
        }
        var response = HTTPResponse.json(200, completion.json)
        response.delayMilliseconds = completion.answer.delayMs
        return response
    }

    /// `cmpl`-style ids: the generator's UUID without dashes (32 hex digits, as Mistral's).
    private static func compactID(_ uuid: String) -> String { String(decoding: uuid.utf8.filter { $0 != UInt8(ascii: "-") }, as: UTF8.self) }

    /// Stores the completion as a chat-completion event of the caller's workspace: request and
    /// response messages, tools, model, token counts, the request's metadata, the
    /// `X-Correlation-Id` header (else the completion id). Elapsed time is modelled, not measured (the responder's delay
    /// plus 10 ms per completion token), so events are reproducible too.
    private static func record(_ completion: ChatCompletion, of request: ChatRequest, call: Call, nowMs: Int64) throws {
        var metadata = JSONObject()
        for (key, value) in request.metadata ?? JSONObject() {
            metadata[key] = value.isNull ? .null : Responder.metadataText(value).map(JSON.string) ?? .string(value.text)
        }
        let elapsed = (Double(completion.answer.delayMs) + 10 * Double(completion.answer.completionTokens)) / 1000
        var event = JSONObject([
            ("event_id", .string(call.app.ids.next())),
            ("created_at", .string(Timestamp.format(nowMs))),
            ("request_messages", .array(request.messages.map { .object($0) })),
            ("response_messages", [completion.message]),
            ("enabled_tools", .array(request.tools.map { .object($0) })),
            ("extra_fields", .object(JSONObject([("model_name", .string(request.model)), ("total_time_elapsed", .double(elapsed)),
                                                 ("metadata", .object(metadata))]))),
            ("nb_input_tokens", .int(Int64(completion.promptTokens))),
            ("nb_output_tokens", .int(Int64(completion.answer.completionTokens))),
        ])
        // The caller's X-Correlation-Id, else the completion's id: the one the SDK's telemetry
        // records as the chat span's `gen_ai.response.id`, so an event and its span tie exactly.
        if let correlation = call.request.header("X-Correlation-Id"), !correlation.isEmpty {
            event["correlation_id"] = .string(String(correlation.prefix(200)))
        } else {
            event["correlation_id"] = .string(completion.id)
        }
        let draft = try EventDraft.make(from: .object(event), path: "", makeID: { call.app.ids.next() }, nowMs: { nowMs })
        try call.store.insertEvents([draft], workspaceID: call.workspace.id, seeded: false)
    }

    // MARK: FIM

    /// Fill-in-the-middle: the default answer is a deterministic line of code-like text between
    /// prompt and suffix; FIM has no responders (they match chat messages). Not recorded as an
    /// event: events are chat completions.
    static func fim(_ call: Call) throws -> HTTPResponseBox {
        answering(call) { call in
            let reader = try call.body()
            let modelID = try reader.requiredString("model")
            let prompt = try reader.requiredString("prompt")
            let suffix = try reader.string("suffix", required: false, nullable: true) ?? ""
            try reader.checkSampling()
            let maxTokens = try reader.boundedInteger("max_tokens", min: 0)
            _ = try reader.boundedInteger("min_tokens", min: 0)
            let stream = try reader.boolean("stream") ?? false
            _ = try reader.metadataObject()
            _ = try model(modelID, for: .fim, call: call)
            let fingerprint = reader.fingerprint(ignoring: "stream")
            let lastLine = prompt.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            let content = "  # emulated completion \(String(fingerprint, radix: 16).prefix(8)) after \"\(lastLine.trimmingCharacters(in: .whitespaces).prefix(60))\"\n"
            var answer = ChatAnswer(content: content, toolCalls: [], finishReason: "stop", error: nil, delayMs: 0)
            if let maxTokens { answer.limit(toTokens: Int(clamping: maxTokens)) }
            let completion = ChatCompletion(id: compactID(call.app.ids.next()), created: call.app.clock.nowMs() / 1000, model: modelID,
                                            answer: answer, promptTokens: TokenCount.of(prompt + suffix), choiceCount: 1, seed: fingerprint)
            return .raw(respond(completion, stream: stream))
        }
    }

    // MARK: Embeddings

    static func embeddings(_ call: Call) throws -> HTTPResponseBox {
        answering(call) { call in
            let reader = try call.body()
            let modelID = try reader.requiredString("model")
            let inputs: [String]
            switch reader.value("input") {
            case .none: throw reader.fail("input", "field required")
            case .string(let text)?: inputs = [text]
            default: inputs = try reader.stringArray("input") ?? []
            }
            let requested = try reader.object["output_dimension"].flatMap { $0.isNull ? nil : $0 }.map { _ in
                try reader.boundedInteger("output_dimension", min: 1) ?? 1
            }
            let dtype = try reader.choice("output_dtype", ["float", "int8", "uint8", "binary", "ubinary"], nullable: false) ?? "float"
            let encoding = try reader.choice("encoding_format", ["float", "base64"], nullable: false) ?? "float"
            _ = try reader.metadataObject()
            let card = try model(modelID, for: .embeddings, call: call)
            if inputs.isEmpty { throw InferenceError.badRequest("input: at least one text is required") }
            if inputs.count > 512 { throw InferenceError.badRequest("input: at most 512 texts per request (got \(inputs.count))") }
            if let requested, requested > 4096 { throw InferenceError.badRequest("output_dimension: at most 4096 (got \(requested))") }
            let dimensions = requested.map { Int($0) } ?? card.embeddingDimensions
            let data: [JSON] = inputs.enumerated().map { index, text in
                let values = Embedding.quantized(Embedding.vector(for: text, dimensions: dimensions), dtype: dtype)
                let embedding: JSON = encoding == "base64" ? .string(Embedding.base64(values))
                    : .array(values.map { dtype == "float" ? .double($0) : .int(Int64($0)) })
                return .object(JSONObject([("object", "embedding"), ("embedding", embedding), ("index", .int(Int64(index)))]))
            }
            let tokens = Int64(inputs.map(TokenCount.of).reduce(0, +))
            return .json(.object(JSONObject([
                ("id", .string(compactID(call.app.ids.next()))), ("object", "list"), ("data", .array(data)), ("model", .string(modelID)),
                ("usage", .object(JSONObject([("prompt_tokens", .int(tokens)), ("completion_tokens", 0), ("total_tokens", .int(tokens))]))),
            ])))
        }
    }
}

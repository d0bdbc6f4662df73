import EmulatorJSON

/// The models `GET /v1/models` lists and the inference routes accept (SPEC 16): the `-latest`
/// aliases of Mistral's public chat models, Codestral for FIM, the embedding models, and every
/// model the fixtures use. Anything else in a request is a 400 naming it.
struct ModelCard: Sendable {
    enum Kind: Sendable { case chat, embedding }

    let id: String
    let kind: Kind
    let description: String
    let maxContextLength: Int
    var functionCalling = true
    var fim = false
    var vision = false
    var reasoning = false
    /// Embedding models: the vector length unless the request asks for `output_dimension`.
    var dimensions = 0

    /// `BaseModelCard` of the reference.
    var json: JSON {
        .object(JSONObject([
            ("id", .string(id)), ("object", "model"), ("created", .int(ModelCatalogue.created)), ("owned_by", "mistralai"),
            ("capabilities", .object(JSONObject([
                ("completion_chat", .bool(kind == .chat)), ("function_calling", .bool(kind == .chat && functionCalling)),
                ("reasoning", .bool(reasoning)), ("completion_fim", .bool(fim)), ("fine_tuning", false), ("vision", .bool(vision)),
                ("ocr", false), ("classification", false), ("moderation", false), ("audio", false),
                ("audio_transcription", false), ("audio_transcription_realtime", false), ("audio_speech", false),
                ("unified_resources", false),
            ]))),
            ("name", .string(id)), ("description", .string(description)), ("max_context_length", .int(Int64(maxContextLength))),
            ("aliases", .array([])), ("deprecation", .null), ("deprecation_replacement_model", .null),
            ("default_model_temperature", kind == .chat ? .double(0.3) : .null), ("type", "base"),
        ]))
    }
}

enum ModelCatalogue {
    /// One fixed `created` for every card (2025-01-01T00:00:00Z), so listings are byte-identical.
    static let created: Int64 = 1_735_689_600

    static let models: [ModelCard] = [
        ModelCard(id: "mistral-large-latest", kind: .chat, description: "Mistral's largest general model (emulated).", maxContextLength: 131_072, vision: true),
        ModelCard(id: "mistral-medium-latest", kind: .chat, description: "Mistral's medium general model (emulated).", maxContextLength: 131_072, vision: true),
        ModelCard(id: "mistral-small-latest", kind: .chat, description: "Mistral's small general model (emulated).", maxContextLength: 131_072, vision: true),
        ModelCard(id: "magistral-medium-latest", kind: .chat, description: "Mistral's reasoning model (emulated).", maxContextLength: 131_072, reasoning: true),
        ModelCard(id: "ministral-8b-latest", kind: .chat, description: "Ministral 8B (emulated).", maxContextLength: 131_072),
        ModelCard(id: "ministral-3b-latest", kind: .chat, description: "Ministral 3B (emulated).", maxContextLength: 131_072),
        ModelCard(id: "codestral-latest", kind: .chat, description: "Codestral, code and fill-in-the-middle (emulated).", maxContextLength: 262_144, fim: true),
        ModelCard(id: "devstral-medium-latest", kind: .chat, description: "Devstral, agentic coding (emulated).", maxContextLength: 131_072),
        ModelCard(id: "pixtral-large-latest", kind: .chat, description: "Pixtral Large, vision (emulated).", maxContextLength: 131_072, vision: true),
        ModelCard(id: "open-mistral-nemo", kind: .chat, description: "Mistral NeMo (emulated).", maxContextLength: 131_072),
        ModelCard(id: "mistral-embed", kind: .embedding, description: "Text embeddings (emulated).", maxContextLength: 8_192, functionCalling: false, dimensions: 1024),
        ModelCard(id: "codestral-embed", kind: .embedding, description: "Code embeddings (emulated).", maxContextLength: 8_192, functionCalling: false, dimensions: 1536),
    ]

    static func card(_ id: String) -> ModelCard? { models.first { $0.id == id } }
}

import EmulatorJSON

/// One model of the catalogue: its id, the other names it answers to, what it can do. Written
/// as data (`Fixtures/models.json`, `POST /__emulator/models`) in nearly the `BaseModelCard`
/// shape of the reference, so a card copied from the real `GET /v1/models` is accepted as is.
struct ModelCard: Sendable, Equatable {
    /// The capability flags of the reference's `ModelCapabilities`, in its order.
    static let capabilityNames = [
        "completion_chat", "function_calling", "reasoning", "completion_fim", "fine_tuning", "vision", "ocr",
        "classification", "moderation", "audio", "audio_transcription", "audio_transcription_realtime",
        "audio_speech", "unified_resources",
    ]

    let id: String
    /// The other names of the same model (`-latest`, dated versions, legacy names).
    let aliases: [String]
    let description: String?
    let maxContextLength: Int64
    /// The capability flags that are true.
    let capabilities: Set<String>
    /// RFC 3339 date-time, or nil.
    let deprecation: String?
    let deprecationReplacementModel: String?
    let defaultModelTemperature: Double?
    /// An embedding model's vector length (absent from the API's card: the reference has no
    /// embedding capability); 0 for every other model.
    let embeddingDimensions: Int

    var names: [String] { [id] + aliases }
    func can(_ capability: String) -> Bool { capabilities.contains(capability) }
    var isEmbedding: Bool { embeddingDimensions > 0 }

    /// A card from its data form: `id` required; `capabilities` a list of flag names or an
    /// object of booleans (the API's form); `aliases`, `description`, `max_context_length`
    /// (default 32768, as the reference), `deprecation`, `deprecation_replacement_model`,
    /// `default_model_temperature` and `embedding_dimensions` optional. The API's own fields
    /// (`object`, `created`, `owned_by`, `name`, `type`, ...) are read over, not kept.
    static func parse(_ value: JSON, path: String) throws -> ModelCard {
        guard case .object(let object) = value else {
            throw APIError.validation("\(path.isEmpty ? "body" : path): expected a model card object, got \(value.typeDescription)")
        }
        let reader = BodyReader(object: object, path: path)
        let id = try reader.requiredString("id", minLength: 1, maxLength: 200)
        let aliases = try reader.stringArray("aliases", required: false, nullable: true, maxItems: 50) ?? []
        for (index, alias) in aliases.enumerated() where alias.isEmpty || alias.count > 200 {
            throw reader.fail("aliases[\(index)]", "must have 1 to 200 characters")
        }
        if let repeated = Set(aliases.filter { name in aliases.filter { $0 == name }.count > 1 || name == id }).first {
            throw reader.fail("aliases", "'\(repeated.prefix(200))' is listed twice (the id is a name of the model already)")
        }
        let context = try reader.integer("max_context_length", required: false) ?? 32_768
        if context < 1 { throw reader.fail("max_context_length", "must be at least 1 (got \(context))") }
        let deprecation = try reader.string("deprecation", required: false, nullable: true)
        if let deprecation, Timestamp.parse(deprecation) == nil {
            throw reader.fail("deprecation", "expected an RFC 3339 date-time, got '\(deprecation.prefix(40))'")
        }
        let dimensions = try reader.integer("embedding_dimensions", required: false) ?? 0
        if dimensions < 0 || dimensions > 4096 { throw reader.fail("embedding_dimensions", "must be 0 to 4096 (got \(dimensions))") }
        return ModelCard(
            id: id, aliases: aliases, description: try reader.string("description", required: false, nullable: true),
            maxContextLength: context, capabilities: try capabilities(reader),
            deprecation: deprecation,
            deprecationReplacementModel: try reader.string("deprecation_replacement_model", required: false, nullable: true),
            defaultModelTemperature: try reader.number("default_model_temperature"),
            embeddingDimensions: Int(dimensions))
    }

    private static func capabilities(_ reader: BodyReader) throws -> Set<String> {
        var flags = Set<String>()
        switch reader.value("capabilities") {
        case .none, .null?: break
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                guard case .string(let name) = item, capabilityNames.contains(name) else {
                    throw reader.fail("capabilities[\(index)]", "expected one of \(capabilityNames.joined(separator: ", ")), got \(item.stringValue.map { "'\($0.prefix(40))'" } ?? item.typeDescription)")
                }
                flags.insert(name)
            }
        case .object(let object)?:
            let flagsReader = BodyReader(object: object, path: reader.fieldPath("capabilities"))
            for key in object.keys {
                guard capabilityNames.contains(key) else {
                    throw flagsReader.fail(key, "not a capability (expected one of \(capabilityNames.joined(separator: ", ")))")
                }
                if try flagsReader.boolean(key, nullable: true) == true { flags.insert(key) }
            }
        case let other?:
            throw reader.fail("capabilities", "expected a list of capability names or an object of booleans, got \(other.typeDescription)")
        }
        return flags
    }

    /// The data form back (what `GET /__emulator/models` lists and `parse` reads).
    var source: JSON {
        var fields: [(String, JSON)] = [("id", .string(id)), ("aliases", .array(aliases.map(JSON.string)))]
        if let description { fields.append(("description", .string(description))) }
        fields.append(("max_context_length", .int(maxContextLength)))
        fields.append(("capabilities", .array(Self.capabilityNames.filter(can).map(JSON.string))))
        if let defaultModelTemperature { fields.append(("default_model_temperature", .double(defaultModelTemperature))) }
        if let deprecation { fields.append(("deprecation", .string(deprecation))) }
        if let deprecationReplacementModel { fields.append(("deprecation_replacement_model", .string(deprecationReplacementModel))) }
        if isEmbedding { fields.append(("embedding_dimensions", .int(Int64(embeddingDimensions)))) }
        return .object(JSONObject(fields))
    }

    /// The `BaseModelCard` the API answers for one of the model's names, as the real service
    /// does: every name is an entry of its own, `id` the name asked for, `name` the model's id,
    /// `aliases` its other names.
    func entry(named name: String) -> JSON {
        .object(JSONObject([
            ("id", .string(name)), ("object", "model"), ("created", .int(ModelCatalogue.created)), ("owned_by", "mistralai"),
            ("capabilities", .object(JSONObject(Self.capabilityNames.map { ($0, .bool(can($0))) }))),
            ("name", .string(id)), ("description", description.map(JSON.string) ?? .null),
            ("max_context_length", .int(maxContextLength)),
            ("aliases", .array(names.filter { $0 != name }.map(JSON.string))),
            ("deprecation", deprecation.map(JSON.string) ?? .null),
            ("deprecation_replacement_model", deprecationReplacementModel.map(JSON.string) ?? .null),
            ("default_model_temperature", defaultModelTemperature.map(JSON.double) ?? .null), ("type", "base"),
        ]))
    }
}

import EmulatorJSON

/// A chat request's `response_format`: plain text, any JSON object, or JSON that a schema
/// accepts. The default answer and the choice of responder both follow it.
enum ResponseFormat: Equatable {
    case text
    case jsonObject
    /// The `json_schema.schema` sent, nil when `json_schema` was left out.
    case jsonSchema(JSON?)

    /// Reads `response_format` (absent or null: text). A `json_schema` object, when given, must
    /// carry `schema` as an object or a boolean: the 400 names `response_format.json_schema.schema`.
    init(_ reader: BodyReader?) throws {
        guard let reader else { self = .text; return }
        let type = try reader.choice("type", ["text", "json_object", "json_schema"]) ?? "text"
        var schema: JSON?
        if let definition = try reader.object("json_schema", required: false, nullable: true) {
            _ = try definition.string("name", required: false, nullable: true)
            _ = try definition.string("description", required: false, nullable: true)
            _ = try definition.boolean("strict", nullable: true)
            let path = definition.fieldPath("schema")
            switch definition.value("schema") {
            case .object?, .bool?: schema = definition.value("schema")
            case .none: throw InferenceError.badRequest("\(path): field required; a JSON Schema object (or true/false) is expected")
            case let other?: throw InferenceError.badRequest("\(path): expected a JSON Schema object (or true/false), got \(other.typeDescription)")
            }
        }
        switch type {
        case "json_object": self = .jsonObject
        case "json_schema": self = .jsonSchema(schema)
        default: self = .text
        }
    }

    var isJSON: Bool { self != .text }

    /// Whether content answers in this format: any text for `text`; a JSON object for
    /// `json_object` (and `json_schema` without a schema); JSON the schema accepts otherwise.
    func accepts(_ content: String) -> Bool {
        switch self {
        case .text: return true
        case .jsonObject, .jsonSchema(nil):
            guard case .object? = try? JSON.parse(content) else { return false }
            return true
        case .jsonSchema(let schema?):
            guard let value = try? JSON.parse(content) else { return false }
            return SchemaValidator(schema: schema).isValid(value)
        }
    }
}

import EmulatorJSON

/// Writes a JSON value that a JSON Schema accepts, deterministically: the default chat answer's
/// content under `response_format` `json_schema`, and the arguments of a forced tool call.
///
/// The walk, at each schema node: resolve `$ref` and merge `allOf`; take the first valid entry
/// of `examples`, else a valid non-null `default`, else `const`, else the first valid `enum`
/// value; try `anyOf`/`oneOf` branches in order (null-only branches last) and keep the first
/// candidate the whole node accepts (for `oneOf`: exactly one branch); then try the node's types
/// in order (`null` last). Objects get every required property and every optional one in the
/// schema's order, while `maxProperties` leaves room; arrays two items unless bounds say
/// otherwise. Free-text strings carry the answer's text: the first one the sentence the text mode
/// would answer, later ones the last user message, cut to `maxLength`, padded to `minLength`.
/// Other values come from a stable hash of their JSON path and the request's fingerprint.
///
/// A `$ref` met again inside its own expansion stops there, as an impossible schema: an optional
/// property is left out, an array ends (at `minItems`), an `anyOf` moves on (to `null`, say).
/// Work is bounded by the document's budget and `SchemaDocument.maximumDepth`. `make` returns nil
/// when it finds no instance (the schema `false`, contradictory bounds, a required endless
/// recursion, the budget spent): the caller falls back.
final class SchemaInstance {
    /// What the generated values are derived from.
    struct Seed: Sendable {
        /// The first free-text string's text: what the answer says in text mode.
        var answer: String
        /// Later free-text strings' text.
        var userMessage: String
        var fingerprint: UInt64
    }

    let document: SchemaDocument
    let validator: SchemaValidator
    let seed: Seed
    /// Whether the first free-text string has taken `seed.answer`.
    var answerUsed = false
    /// Above zero while an item is written again for `uniqueItems`: the hashes change, `enum`
    /// starts further along, a boolean flips, and free text comes from the hash words, as the
    /// answer's text would repeat.
    var variation = 0
    /// The references being expanded, outermost first; `#` for the root.
    var references = ["#"]

    static func make(for schema: JSON, seed: Seed) -> JSON? {
        SchemaInstance(schema: schema, seed: seed).generate(schema, path: "#", depth: 0)
    }

    init(schema: JSON, seed: Seed) {
        document = SchemaDocument(root: schema)
        validator = SchemaValidator(document)
        self.seed = seed
    }

    /// A value for `schema`, nil when none was found.
    func generate(_ schema: JSON, path: String, depth: Int) -> JSON? {
        guard depth <= SchemaDocument.maximumDepth, document.spend() else { return nil }
        let keywords: JSONObject
        switch schema {
        case .bool(false): return nil
        case .object(let object): keywords = object
        default: keywords = JSONObject()
        }
        var entered: [String] = []
        guard let flat = flatten(keywords, entered: &entered) else { return nil }
        references += entered
        defer { references.removeLast(entered.count) }
        return choose(flat, schema: schema, path: path, depth: depth)
    }

    private func fits(_ value: JSON, _ schema: JSON) -> Bool { validator.isValid(value, against: schema) }

    private func choose(_ flat: JSONObject, schema: JSON, path: String, depth: Int) -> JSON? {
        for example in flat["examples"]?.arrayValue ?? [] where fits(example, schema) { return example }
        if let value = flat["default"], !value.isNull, fits(value, schema) { return value }
        if let constant = flat["const"] { return constant }
        if let values = flat["enum"]?.arrayValue, !values.isEmpty {
            let start = variation % values.count
            return (values[start...] + values[..<start]).first { fits($0, schema) }
        }
        for key in ["anyOf", "oneOf"] {
            guard let branches = flat[key]?.arrayValue else { continue }
            var rest = flat
            rest[key] = nil
            let ordered = branches.filter { !Self.isNullOnly($0) } + branches.filter(Self.isNullOnly)
            return firstFitting(ordered.map { .object(JSONObject([("allOf", [.object(rest), $0])])) }, schema: schema, path: path, depth: depth)
        }
        if let condition = flat["if"] {
            var rest = flat
            for key in ["if", "then", "else"] { rest[key] = nil }
            let attempts: [JSON] = [["allOf": [.object(rest), condition, flat["then"] ?? true]], ["allOf": [.object(rest), flat["else"] ?? true]], .object(rest)]
            return firstFitting(attempts, schema: schema, path: path, depth: depth)
        }
        var flat = flat
        if let negated = flat["not"], let inverse = Self.inverse(of: negated), let merged = Self.merge(flat, inverse) { flat = merged }
        var fallback: JSON?
        for type in typeOrder(flat, depth: depth) {
            // Under `not`, a value it rejects is written again from other hashes (three tries).
            for retry in 0..<(flat["not"] == nil ? 1 : 4) {
                let saved = answerUsed
                variation += retry
                let candidate = make(type, flat, path: path, depth: depth)
                variation -= retry
                if let candidate {
                    if flat["not"] == nil || fits(candidate, schema) { return candidate }
                    fallback = fallback ?? candidate
                }
                answerUsed = saved
            }
        }
        return fallback
    }

    /// The first candidate schema's value that the node accepts, else the first value found.
    private func firstFitting(_ candidates: [JSON], schema: JSON, path: String, depth: Int) -> JSON? {
        var fallback: JSON?
        for candidate in candidates {
            let saved = answerUsed
            if let value = generate(candidate, path: path, depth: depth) {
                if fits(value, schema) { return value }
                fallback = fallback ?? value
            }
            answerUsed = saved
        }
        return fallback
    }

    static func isNullOnly(_ schema: JSON) -> Bool {
        guard let type = schema["type"] else { return false }
        return type == "null" || type == ["null"]
    }

    static let allTypes = ["object", "string", "integer", "number", "boolean", "array", "null"]

    /// The types to try: those named (`null` last), else those the keywords imply, else every
    /// type when `not` must be dodged, else an object at the root and a string below.
    func typeOrder(_ schema: JSONObject, depth: Int) -> [String] {
        if let type = schema["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            return names.filter { $0 != "null" } + names.filter { $0 == "null" }
        }
        let implied: [(String, [String])] = [
            ("object", ["properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties", "propertyNames"]),
            ("array", ["items", "prefixItems", "minItems", "maxItems", "contains", "uniqueItems", "additionalItems"]),
            ("string", ["minLength", "maxLength", "pattern", "format"]),
            ("number", ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]),
        ]
        let types = implied.filter { $0.1.contains(where: schema.contains) }.map(\.0)
        if !types.isEmpty { return types }
        if schema["not"] != nil { return Self.allTypes }
        return [depth == 0 ? "object" : "string"]
    }

    private func make(_ type: String, _ schema: JSONObject, path: String, depth: Int) -> JSON? {
        switch type {
        case "null": return .null
        case "boolean":
            var random = SplitMix64(state: stableHash(path) ^ seed.fingerprint)
            return .bool((random.next() & 1 == 1) != (variation % 2 == 1))
        case "integer": return makeNumber(schema, integer: true, path: path)
        case "number": return makeNumber(schema, integer: false, path: path)
        case "string": return makeString(schema, path: path).map(JSON.string)
        case "object": return makeObject(schema, path: path, depth: depth)
        case "array": return makeArray(schema, path: path, depth: depth)
        default: return nil
        }
    }

    /// The generator for a value at `path`: stable for the same request, place and variation.
    func random(_ path: String) -> SplitMix64 {
        SplitMix64(state: stableHash(path) ^ seed.fingerprint &+ UInt64(variation) &* 0x9E37_79B9_7F4A_7C15)
    }
}

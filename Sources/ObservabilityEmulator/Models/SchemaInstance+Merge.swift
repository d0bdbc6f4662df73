import EmulatorJSON

extension SchemaInstance {
    /// The node with its `$ref` (and `$recursiveRef`/`$dynamicRef`) resolved and its `allOf`
    /// merged in, so the generator reads one set of keywords. Nil when the node is impossible:
    /// a `false` part, a contradiction between parts, or a reference already being expanded
    /// (the recursion stop). `entered` collects the references this node expands.
    func flatten(_ schema: JSONObject, entered: inout [String]) -> JSONObject? {
        guard document.spend() else { return nil }
        var base = schema
        var parts: [JSON] = []
        for key in ["$ref", "$recursiveRef", "$dynamicRef"] {
            guard let reference = base[key]?.stringValue else { continue }
            base[key] = nil
            if references.contains(reference) || entered.contains(reference) { return nil }
            entered.append(reference)
            parts.append(document.resolve(reference) ?? true)
        }
        if let all = base["allOf"]?.arrayValue {
            base["allOf"] = nil
            parts += all
        }
        var result = base
        for part in parts {
            switch part {
            case .bool(false): return nil
            case .object(let object):
                guard let flat = flatten(object, entered: &entered), let merged = Self.merge(result, flat) else { return nil }
                result = merged
            default: continue
            }
        }
        return result
    }

    static let lowerBounds: Set<String> = ["minimum", "minLength", "minItems", "minProperties", "minContains"]
    static let upperBounds: Set<String> = ["maximum", "maxLength", "maxItems", "maxProperties", "maxContains"]
    static let subschemas: Set<String> = ["items", "additionalProperties", "additionalItems", "contains", "propertyNames", "not"]

    /// Two nodes' keywords as one node (what `allOf` asks for), nil when they contradict: no
    /// common type, no common `enum` value, different `const`s. Bounds take the tighter value,
    /// `properties` and other subschemas combine as `allOf`, `required` is the union, `anyOf`s
    /// combine branch by branch (up to 16 pairs). Where no exact merge exists (two `pattern`s, two
    /// `oneOf`s, two `format`s) the first is kept: the generator's candidates are still checked
    /// against the original schema.
    static func merge(_ first: JSONObject, _ second: JSONObject) -> JSONObject? {
        var out = first
        for (key, value) in second {
            guard let existing = out[key] else {
                out[key] = value
                continue
            }
            switch key {
            case "type":
                guard let types = intersectTypes(existing, value) else { return nil }
                out[key] = types
            case "properties", "patternProperties":
                guard var merged = existing.objectValue, let other = value.objectValue else { continue }
                for (name, schema) in other {
                    merged[name] = merged[name].map { JSON.object(JSONObject([("allOf", [$0, schema])])) } ?? schema
                }
                out[key] = .object(merged)
            case "required":
                var names = existing.arrayValue ?? []
                for name in value.arrayValue ?? [] where !names.contains(name) { names.append(name) }
                out[key] = .array(names)
            case _ where lowerBounds.contains(key):
                if let a = existing.doubleValue, let b = value.doubleValue, b > a { out[key] = value }
            case _ where upperBounds.contains(key):
                if let a = existing.doubleValue, let b = value.doubleValue, b < a { out[key] = value }
            case "exclusiveMinimum":
                if let a = existing.doubleValue, let b = value.doubleValue, b > a { out[key] = value }
            case "exclusiveMaximum":
                if let a = existing.doubleValue, let b = value.doubleValue, b < a { out[key] = value }
            case "enum":
                let common = (existing.arrayValue ?? []).filter { item in (value.arrayValue ?? []).contains { schemaEqual($0, item) } }
                if common.isEmpty { return nil }
                out[key] = .array(common)
            case "const":
                if !schemaEqual(existing, value) { return nil }
            case "uniqueItems":
                if value == true { out[key] = true }
            case "anyOf":
                guard let a = existing.arrayValue, let b = value.arrayValue, a.count * b.count <= 16 else { continue }
                out[key] = .array(a.flatMap { x in b.map { y in JSON.object(JSONObject([("allOf", [x, y])])) } })
            case _ where subschemas.contains(key):
                out[key] = key == "not" ? ["anyOf": [existing, value]] : ["allOf": [existing, value]]
            default:
                continue
            }
        }
        return out
    }

    /// What `not` asks of a value when it holds one bound (`not: {minimum: 0}` is
    /// `exclusiveMaximum: 0`): the generator merges this in before writing the value. Nil for
    /// any other `not`, which is dodged by trying other types and values instead.
    static func inverse(of negated: JSON) -> JSONObject? {
        guard let keywords = negated.objectValue else { return nil }
        let bounds = keywords.filter { !["title", "description", "$comment"].contains($0.key) }
        guard bounds.count == 1, let (key, exact) = bounds.first, exact.doubleValue != nil else { return nil }
        let number = exact.intValue ?? 0
        switch key {
        case "minimum": return JSONObject([("exclusiveMaximum", exact)])
        case "maximum": return JSONObject([("exclusiveMinimum", exact)])
        case "exclusiveMinimum": return JSONObject([("maximum", exact)])
        case "exclusiveMaximum": return JSONObject([("minimum", exact)])
        case "minLength" where number > 0: return JSONObject([("maxLength", .int(number - 1))])
        case "maxLength": return JSONObject([("minLength", .int(number + 1))])
        case "minItems" where number > 0: return JSONObject([("maxItems", .int(number - 1))])
        case "maxItems": return JSONObject([("minItems", .int(number + 1))])
        case "minProperties" where number > 0: return JSONObject([("maxProperties", .int(number - 1))])
        case "maxProperties": return JSONObject([("minProperties", .int(number + 1))])
        default: return nil
        }
    }

    /// The types both accept (`integer` within `number`), nil when none.
    static func intersectTypes(_ a: JSON, _ b: JSON) -> JSON? {
        func names(_ type: JSON) -> [String] { type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? [] }
        let other = names(b)
        var common: [String] = []
        for name in names(a) {
            if other.contains(name) {
                common.append(name)
            } else if name == "integer", other.contains("number") {
                common.append("integer")
            } else if name == "number", other.contains("integer") {
                common.append("integer")
            }
        }
        if common.isEmpty { return nil }
        return common.count == 1 ? .string(common[0]) : .array(common.map(JSON.string))
    }
}

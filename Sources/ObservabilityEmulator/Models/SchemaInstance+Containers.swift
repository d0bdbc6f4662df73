import EmulatorJSON

extension SchemaInstance {
    /// The most items an array may be asked for (`minItems`), and keys an object (`minProperties`).
    static let maximumItems = 1_000
    /// Items written when the bounds leave the choice open.
    static let preferredItems = 2

    /// Every required property, then the optional ones in the schema's order while
    /// `maxProperties` leaves room (an optional property with no value, a recursion stop, is left
    /// out); `dependentRequired` names added; extra keys only to reach `minProperties`, from a
    /// `patternProperties` pattern or `propertyNames`, else `property_N`, and never when
    /// `additionalProperties` is false.
    func makeObject(_ schema: JSONObject, path: String, depth: Int) -> JSON? {
        let properties = schema["properties"]?.objectValue ?? JSONObject()
        var required: [String] = []
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !required.contains(name) { required.append(name) }
        let maximum = schema["maxProperties"]?.intValue.map { Int(clamping: $0) } ?? Int.max
        guard required.count <= maximum else { return nil }
        var room = maximum - required.count
        var object = JSONObject()
        for (key, _) in properties {
            let isRequired = required.contains(key)
            guard isRequired || room > 0 else { continue }
            guard let value = generate(schemaFor(key, in: schema), path: "\(path)/\(key)", depth: depth + 1) else {
                if isRequired { return nil }
                continue
            }
            object[key] = value
            if !isRequired { room -= 1 }
        }
        for key in required where !object.contains(key) {
            guard let value = generate(schemaFor(key, in: schema), path: "\(path)/\(key)", depth: depth + 1) else { return nil }
            object[key] = value
        }
        for name in ["dependentRequired", "dependencies"] {
            for (key, needed) in schema[name]?.objectValue ?? JSONObject() where object.contains(key) {
                for dependency in needed.arrayValue?.compactMap(\.stringValue) ?? [] where !object.contains(dependency) && object.count < maximum {
                    if let value = generate(schemaFor(dependency, in: schema), path: "\(path)/\(dependency)", depth: depth + 1) { object[dependency] = value }
                }
            }
        }
        let minimum = Int(clamping: schema["minProperties"]?.intValue ?? 0)
        guard minimum <= Self.maximumItems else { return nil }
        var attempt = 0
        while object.count < minimum, attempt < minimum + 8 {
            attempt += 1
            guard let key = extraKey(schema, attempt: attempt, path: path, depth: depth), !object.contains(key),
                  let value = generate(schemaFor(key, in: schema), path: "\(path)/\(key)", depth: depth + 1) else { continue }
            object[key] = value
        }
        return object.count >= minimum ? .object(object) : nil
    }

    /// The schema a key's value must meet: its `properties` entry and every matching
    /// `patternProperties` entry, else `additionalProperties`, else anything.
    func schemaFor(_ key: String, in schema: JSONObject) -> JSON {
        var parts: [JSON] = []
        if let property = schema["properties"]?[key] { parts.append(property) }
        for (pattern, property) in schema["patternProperties"]?.objectValue ?? JSONObject() where SchemaValidator.matches(pattern, key) {
            parts.append(property)
        }
        if parts.isEmpty { return schema["additionalProperties"] ?? true }
        return parts.count == 1 ? parts[0] : .object(JSONObject([("allOf", .array(parts))]))
    }

    /// A new key for `minProperties`.
    private func extraKey(_ schema: JSONObject, attempt: Int, path: String, depth: Int) -> String? {
        let salt = "\(path)/~key\(attempt)"
        if let names = schema["propertyNames"], names != true {
            return generate(names, path: salt, depth: depth + 1)?.stringValue
        }
        let patterns = schema["patternProperties"]?.objectValue?.keys ?? []
        if !patterns.isEmpty {
            let pattern = patterns[attempt % patterns.count]
            if let sample = RegexSample(pattern) {
                let key = sample.sample(target: 3, seed: stableHash(salt) ^ seed.fingerprint)
                if SchemaValidator.matches(pattern, key) { return key }
            }
        }
        if schema["additionalProperties"] == false { return nil }
        return "property_\(attempt)"
    }

    /// `prefixItems` (or a Draft 7 `items` array) position by position, then `items`; two items
    /// where the bounds allow, the positions after the prefix first taking `contains` until
    /// `minContains` hold; an item equal to an earlier one under `uniqueItems` is written again
    /// from another seed (three tries). An item with no value (a recursion stop) ends the array
    /// if `minItems` is met.
    func makeArray(_ schema: JSONObject, path: String, depth: Int) -> JSON? {
        let (prefix, rest) = SchemaValidator.itemSchemas(schema)
        let minimum = Int(clamping: schema["minItems"]?.intValue ?? 0)
        let maximum = schema["maxItems"]?.intValue.map { Int(clamping: $0) } ?? Int.max
        guard minimum <= maximum, minimum <= Self.maximumItems else { return nil }
        let contains = schema["contains"]
        let needed = contains == nil ? 0 : Int(clamping: schema["minContains"]?.intValue ?? 1)
        var count = prefix.isEmpty ? Self.preferredItems : prefix.count
        count = max(count, prefix.count + needed)
        if rest == false { count = min(count, prefix.count) }
        count = min(max(count, minimum), maximum, Self.maximumItems)
        let unique = schema["uniqueItems"] == true
        var items: [JSON] = []
        var containing = 0
        for index in 0..<count {
            var itemSchema = index < prefix.count ? prefix[index] : (rest ?? true)
            if let contains, index >= prefix.count, containing < needed {
                itemSchema = .object(JSONObject([("allOf", [itemSchema, contains])]))
            }
            var value = generate(itemSchema, path: "\(path)/\(index)", depth: depth + 1)
            var retry = 0
            while unique, let candidate = value, items.contains(where: { schemaEqual($0, candidate) }) {
                retry += 1
                variation += retry
                value = retry > 3 ? nil : generate(itemSchema, path: "\(path)/\(index)", depth: depth + 1)
                variation -= retry
            }
            guard let value else {
                if items.count >= minimum && containing >= needed { break }
                return nil
            }
            if let contains, validator.isValid(value, against: contains) { containing += 1 }
            items.append(value)
        }
        return .array(items)
    }
}

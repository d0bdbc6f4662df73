import EmulatorJSON
import Foundation

/// Checks an instance against a JSON Schema, for the keywords the instance generator knows
/// (Draft 7 and 2020-12: `type`, `enum`, `const`, the applicators, object, array, string and
/// number bounds, `pattern`, the common `format`s, local `$ref`). The generator uses it to choose
/// among `anyOf`/`oneOf` branches, `enum` values, `examples` and `default`; the chat answer uses
/// it to pass over a responder whose content does not fit the requested schema.
///
/// Unknown keywords and formats pass, as JSON Schema says. A pattern ICU cannot compile, or that
/// runs out of its time budget, passes too: the validator never rejects what it cannot check. So
/// does anything left once the document's work budget is spent.
struct SchemaValidator {
    let document: SchemaDocument

    init(_ document: SchemaDocument) { self.document = document }

    /// A validator over `schema` alone, for one-off checks.
    init(schema: JSON) { document = SchemaDocument(root: schema) }

    func isValid(_ instance: JSON) -> Bool { isValid(instance, against: document.root) }

    func isValid(_ instance: JSON, against schema: JSON, depth: Int = 0) -> Bool {
        guard document.spend(), depth <= SchemaDocument.maximumDepth * 2 else { return true }
        switch schema {
        case .bool(let accepts): return accepts
        case .object(let keywords): return check(instance, keywords, depth: depth + 1)
        default: return true
        }
    }

    private func check(_ instance: JSON, _ schema: JSONObject, depth: Int) -> Bool {
        for key in ["$ref", "$recursiveRef", "$dynamicRef"] {
            if let reference = schema[key]?.stringValue, let target = document.resolve(reference),
               !isValid(instance, against: target, depth: depth) { return false }
        }
        if let types = schema["type"], !Self.hasType(instance, types) { return false }
        if let values = schema["enum"]?.arrayValue, !values.contains(where: { schemaEqual($0, instance) }) { return false }
        if let constant = schema["const"], !schemaEqual(constant, instance) { return false }
        if !applicators(instance, schema, depth: depth) { return false }
        switch instance {
        case .object(let object): return checkObject(object, schema, depth: depth)
        case .array(let items): return checkArray(items, schema, depth: depth)
        case .string(let text): return Self.checkString(text, schema)
        case .int, .double: return Self.checkNumber(instance, schema)
        default: return true
        }
    }

    private func applicators(_ instance: JSON, _ schema: JSONObject, depth: Int) -> Bool {
        if let all = schema["allOf"]?.arrayValue, !all.allSatisfy({ isValid(instance, against: $0, depth: depth) }) { return false }
        if let any = schema["anyOf"]?.arrayValue, !any.contains(where: { isValid(instance, against: $0, depth: depth) }) { return false }
        if let one = schema["oneOf"]?.arrayValue {
            var matches = 0
            for branch in one where isValid(instance, against: branch, depth: depth) {
                matches += 1
                if matches > 1 { return false }
            }
            if matches != 1 { return false }
        }
        if let not = schema["not"], isValid(instance, against: not, depth: depth), !document.isExhausted { return false }
        if let condition = schema["if"] {
            let branch = isValid(instance, against: condition, depth: depth) ? schema["then"] : schema["else"]
            if let branch, !isValid(instance, against: branch, depth: depth) { return false }
        }
        return true
    }

    /// Whether the instance has one of the named types (`integer` includes `2.0`).
    static func hasType(_ instance: JSON, _ types: JSON) -> Bool {
        let names = types.arrayValue?.compactMap(\.stringValue) ?? types.stringValue.map { [$0] } ?? []
        return names.contains { name in
            switch (name, instance) {
            case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
            case ("number", .int), ("number", .double), ("integer", .int): return true
            case ("integer", .double(let value)): return value.isFinite && value.rounded() == value
            default: return false
            }
        }
    }

    private func checkObject(_ object: JSONObject, _ schema: JSONObject, depth: Int) -> Bool {
        let properties = schema["properties"]?.objectValue
        let patterns = schema["patternProperties"]?.objectValue
        for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !object.contains(key) { return false }
        if let minimum = schema["minProperties"]?.intValue, object.count < minimum { return false }
        if let maximum = schema["maxProperties"]?.intValue, object.count > maximum { return false }
        for (key, value) in object {
            var declared = false
            if let property = properties?[key] {
                declared = true
                if !isValid(value, against: property, depth: depth) { return false }
            }
            for (pattern, property) in patterns ?? JSONObject() where Self.matches(pattern, key) {
                declared = true
                if !isValid(value, against: property, depth: depth) { return false }
            }
            if !declared, let additional = schema["additionalProperties"], !isValid(value, against: additional, depth: depth) { return false }
            if let names = schema["propertyNames"], !isValid(.string(key), against: names, depth: depth) { return false }
        }
        for name in ["dependentRequired", "dependencies", "dependentSchemas"] {
            for (key, dependency) in schema[name]?.objectValue ?? JSONObject() where object.contains(key) {
                if let needed = dependency.arrayValue {
                    if needed.contains(where: { $0.stringValue.map { !object.contains($0) } ?? false }) { return false }
                } else if !isValid(.object(object), against: dependency, depth: depth) {
                    return false
                }
            }
        }
        return true
    }

    private func checkArray(_ items: [JSON], _ schema: JSONObject, depth: Int) -> Bool {
        if let minimum = schema["minItems"]?.intValue, items.count < minimum { return false }
        if let maximum = schema["maxItems"]?.intValue, items.count > maximum { return false }
        let (prefix, rest) = Self.itemSchemas(schema)
        for (index, item) in items.enumerated() {
            let itemSchema = index < prefix.count ? prefix[index] : rest
            if let itemSchema, !isValid(item, against: itemSchema, depth: depth) { return false }
        }
        if schema["uniqueItems"]?.boolValue == true {
            for i in items.indices {
                for j in items.indices where j > i && schemaEqual(items[i], items[j]) { return false }
            }
        }
        if let contains = schema["contains"] {
            let count = items.filter { isValid($0, against: contains, depth: depth) }.count
            if count < Int(schema["minContains"]?.intValue ?? 1) { return false }
            if let maximum = schema["maxContains"]?.intValue, count > maximum { return false }
        }
        return true
    }

    /// The schemas of the leading positions and of the rest: `prefixItems` then `items`
    /// (2020-12), or an `items` array then `additionalItems` (Draft 7 and before).
    static func itemSchemas(_ schema: JSONObject) -> (prefix: [JSON], rest: JSON?) {
        if let prefix = schema["prefixItems"]?.arrayValue { return (prefix, schema["items"]) }
        if let tuple = schema["items"]?.arrayValue { return (tuple, schema["additionalItems"]) }
        return ([], schema["items"])
    }

    static func checkString(_ text: String, _ schema: JSONObject) -> Bool {
        let length = text.unicodeScalars.count
        if let minimum = schema["minLength"]?.intValue, length < minimum { return false }
        if let maximum = schema["maxLength"]?.intValue, length > maximum { return false }
        if let pattern = schema["pattern"]?.stringValue, !matches(pattern, text) { return false }
        if let format = schema["format"]?.stringValue, !SchemaFormat.accepts(format, text) { return false }
        return true
    }

    /// Whether a pattern matches anywhere in the text (JSON Schema patterns are not anchored);
    /// true for a pattern ICU cannot compile or that runs out of time.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = BoundedRegex.compiled(pattern) else { return true }
        return BoundedRegex.firstMatch(regex, in: text) != .noMatch
    }

    static func checkNumber(_ instance: JSON, _ schema: JSONObject) -> Bool {
        guard let value = instance.doubleValue else { return true }
        let bounds = NumberBounds(schema)
        if !bounds.contains(value) { return false }
        if let step = schema["multipleOf"], !Self.isMultiple(instance, of: step) { return false }
        return true
    }

    /// `multipleOf` as Python's jsonschema decides it: for a fractional step the quotient must be
    /// a whole number in floating point (so `0.3` is not a multiple of `0.1`), for whole numbers
    /// the remainder must be zero.
    static func isMultiple(_ instance: JSON, of step: JSON) -> Bool {
        if case .int(let divisor) = step, divisor > 0 {
            if case .int(let value) = instance { return value % divisor == 0 }
            guard let value = instance.doubleValue else { return true }
            return fmod(value, Double(divisor)) == 0
        }
        guard let divisor = step.doubleValue, divisor > 0, let value = instance.doubleValue else { return true }
        let quotient = value / divisor
        return quotient.isFinite && quotient.rounded() == quotient
    }
}

/// The numeric bounds of a schema: `minimum`/`maximum`, `exclusiveMinimum`/`exclusiveMaximum` as
/// numbers (Draft 6 on) or as booleans qualifying `minimum`/`maximum` (Draft 4).
struct NumberBounds {
    var lower: Double?
    var lowerExclusive = false
    var upper: Double?
    var upperExclusive = false

    init(_ schema: JSONObject) {
        lower = schema["minimum"]?.doubleValue
        upper = schema["maximum"]?.doubleValue
        switch schema["exclusiveMinimum"] {
        case .bool(true)?: lowerExclusive = lower != nil
        case let bound? where bound.doubleValue != nil:
            let value = bound.doubleValue!
            if lower == nil || value >= lower! { lower = value; lowerExclusive = true }
        default: break
        }
        switch schema["exclusiveMaximum"] {
        case .bool(true)?: upperExclusive = upper != nil
        case let bound? where bound.doubleValue != nil:
            let value = bound.doubleValue!
            if upper == nil || value <= upper! { upper = value; upperExclusive = true }
        default: break
        }
    }

    func contains(_ value: Double) -> Bool {
        if let lower, lowerExclusive ? value <= lower : value < lower { return false }
        if let upper, upperExclusive ? value >= upper : value > upper { return false }
        return true
    }
}

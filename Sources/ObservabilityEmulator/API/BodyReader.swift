import EmulatorJSON

/// Reads a JSON request body against its OpenAPI schema, naming the key path of the first
/// problem: `output.options[0].value: field required`. Every failure is a 422 VALIDATION_ERROR.
struct BodyReader {
    let object: JSONObject
    let path: String

    init(object: JSONObject, path: String = "") {
        self.object = object
        self.path = path
    }

    /// Parses the raw body, which must be a JSON object.
    static func parse(_ bytes: [UInt8]) throws -> BodyReader {
        guard !bytes.isEmpty else { throw APIError.validation("body: a JSON object is required") }
        let value: JSON
        do { value = try JSON.parse(bytes) } catch let error as JSONParseError {
            throw APIError.validation("body: invalid JSON: \(error.description)")
        }
        guard case .object(let object) = value else {
            throw APIError.validation("body: expected a JSON object, got \(value.typeDescription)")
        }
        return BodyReader(object: object)
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ key: String, _ reason: String) -> APIError { .validation("\(fieldPath(key)): \(reason)") }

    func has(_ key: String) -> Bool { object.contains(key) }

    /// The raw value, nil when absent.
    func value(_ key: String) -> JSON? { object[key] }

    func string(_ key: String, required: Bool = true, nullable: Bool = false, minLength: Int? = nil, maxLength: Int? = nil) throws -> String? {
        guard let value = object[key] else {
            if required { throw fail(key, "field required") }
            return nil
        }
        if value.isNull {
            if nullable { return nil }
            throw fail(key, "expected a string, got null")
        }
        guard case .string(let text) = value else { throw fail(key, "expected a string, got \(value.typeDescription)") }
        let length = text.count
        if let minLength, length < minLength { throw fail(key, "must have at least \(minLength) characters (got \(length))") }
        if let maxLength, length > maxLength { throw fail(key, "must have at most \(maxLength) characters (got \(length))") }
        return text
    }

    /// A boolean, or nil when absent (or null, when `nullable`).
    func boolean(_ key: String, nullable: Bool = false) throws -> Bool? {
        guard let value = object[key], !(value.isNull && nullable) else { return nil }
        guard case .bool(let flag) = value else { throw fail(key, "expected a boolean, got \(value.typeDescription)") }
        return flag
    }

    func requiredString(_ key: String, minLength: Int? = nil, maxLength: Int? = nil) throws -> String {
        guard let text = try string(key, required: true, minLength: minLength, maxLength: maxLength) else { throw fail(key, "field required") }
        return text
    }

    func number(_ key: String, required: Bool = false) throws -> Double? {
        guard let value = object[key], !value.isNull || required else { return nil }
        guard let number = value.doubleValue else { throw fail(key, "expected a number, got \(value.typeDescription)") }
        return number
    }

    func integer(_ key: String, required: Bool = true) throws -> Int64? {
        guard let value = object[key] else {
            if required { throw fail(key, "field required") }
            return nil
        }
        guard let number = value.intValue, case .int = value else {
            if case .double(let d) = value, let exact = Int64(exactly: d) { return exact }
            throw fail(key, "expected an integer, got \(value.typeDescription)")
        }
        return number
    }

    func array(_ key: String, required: Bool = true, nullable: Bool = false) throws -> [JSON]? {
        guard let value = object[key] else {
            if required { throw fail(key, "field required") }
            return nil
        }
        if value.isNull && nullable { return nil }
        guard case .array(let items) = value else { throw fail(key, "expected an array, got \(value.typeDescription)") }
        return items
    }

    func stringArray(_ key: String, required: Bool = true, nullable: Bool = false, maxItems: Int? = nil, minItems: Int? = nil) throws -> [String]? {
        guard let items = try array(key, required: required, nullable: nullable) else { return nil }
        if let maxItems, items.count > maxItems { throw fail(key, "must have at most \(maxItems) items (got \(items.count))") }
        if let minItems, items.count < minItems { throw fail(key, "must have at least \(minItems) item\(minItems == 1 ? "" : "s")") }
        return try items.enumerated().map { index, item in
            guard case .string(let text) = item else { throw APIError.validation("\(fieldPath(key))[\(index)]: expected a string, got \(item.typeDescription)") }
            return text
        }
    }

    func uuidArray(_ key: String, maxItems: Int? = nil, minItems: Int? = nil) throws -> [String] {
        let items = try stringArray(key, maxItems: maxItems, minItems: minItems) ?? []
        for (index, item) in items.enumerated() where !UUIDText.isValid(item) {
            throw APIError.validation("\(fieldPath(key))[\(index)]: '\(item.prefix(64))' is not a valid UUID")
        }
        return items.map { $0.lowercased() }
    }

    func object(_ key: String, required: Bool = true, nullable: Bool = false) throws -> BodyReader? {
        guard let value = object[key] else {
            if required { throw fail(key, "field required") }
            return nil
        }
        if value.isNull && nullable { return nil }
        guard case .object(let nested) = value else { throw fail(key, "expected an object, got \(value.typeDescription)") }
        return BodyReader(object: nested, path: fieldPath(key))
    }

    /// An array of objects (`messages`), each item checked to be an object.
    func objectArray(_ key: String, required: Bool = true) throws -> [JSONObject]? {
        guard let items = try array(key, required: required) else { return nil }
        return try items.enumerated().map { index, item in
            guard case .object(let o) = item else {
                throw APIError.validation("\(fieldPath(key))[\(index)]: expected an object, got \(item.typeDescription)")
            }
            return o
        }
    }
}

import EmulatorJSON

/// Checks shared by the three inference request bodies, against the reference's schema: each
/// failure is a 422 naming the key (`InferenceError(validation:)` turns it into `loc`/`msg`).
/// Keys the reference does not list are ignored, as the SDKs send some the published document
/// lacks (`min_tokens`, `top_k`, …).
extension BodyReader {
    /// A number within bounds, or null/absent.
    func boundedNumber(_ key: String, min: Double, max: Double, exclusiveMin: Bool = false) throws -> Double? {
        guard let value = object[key], !value.isNull else { return nil }
        switch value {
        case .int, .double: return try check(key, value.doubleValue ?? 0, min: min, max: max, exclusiveMin: exclusiveMin)
        default: throw fail(key, "expected a number, got \(value.typeDescription)")
        }
    }

    private func check(_ key: String, _ number: Double, min: Double, max: Double, exclusiveMin: Bool) throws -> Double {
        if exclusiveMin ? number <= min : number < min { throw fail(key, "must be \(exclusiveMin ? "greater than" : "at least") \(min) (got \(number))") }
        if number > max { throw fail(key, "must be at most \(max) (got \(number))") }
        return number
    }

    /// An integer of at least `min`, or null/absent.
    func boundedInteger(_ key: String, min: Int64) throws -> Int64? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .int(let number) = value else {
            if case .double(let d) = value, let exact = Int64(exactly: d), exact >= min { return exact }
            throw fail(key, "expected an integer, got \(value.typeDescription)")
        }
        if number < min { throw fail(key, "must be at least \(min) (got \(number))") }
        return number
    }

    /// A stable hash of the whole body but `key` (`stream`: a streamed answer is derived from the
    /// same fingerprint as the non-streamed one).
    func fingerprint(ignoring key: String) -> UInt64 {
        var hashed = object
        hashed[key] = nil
        return stableHash(JSON.object(hashed).text)
    }

    /// One of `values`, or null/absent.
    func choice(_ key: String, _ values: [String], nullable: Bool = true) throws -> String? {
        guard let value = object[key], !(value.isNull && nullable) else { return nil }
        guard case .string(let text) = value, values.contains(text) else {
            throw fail(key, "expected one of \(values.joined(separator: ", ")), got \(value.stringValue.map { "'\($0.prefix(40))'" } ?? value.typeDescription)")
        }
        return text
    }

    /// `stop`: a string, a list of strings, or null.
    func stopSequences() throws -> [String] {
        switch object["stop"] {
        case .none, .null?: return []
        case .string(let text)?: return [text]
        default: return try stringArray("stop", required: false, nullable: true) ?? []
        }
    }

    /// `metadata`: an object or null.
    func metadataObject() throws -> JSONObject? {
        try object("metadata", required: false, nullable: true)?.object
    }

    /// The sampling options the chat and FIM requests share.
    func checkSampling() throws {
        _ = try boundedNumber("temperature", min: 0, max: 1.5)
        _ = try boundedNumber("top_p", min: 0, max: 1, exclusiveMin: true)
        _ = try boundedInteger("random_seed", min: 0)
        _ = try stopSequences()
        _ = try string("prompt_cache_key", required: false, nullable: true)
    }
}

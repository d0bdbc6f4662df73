import EmulatorJSON

/// An optional JSON body: absent, empty or `null` means none; otherwise an object.
enum OptionalBody {
    /// What the generated SDK (3.1–3.7) sends for a whole-body filter left unset
    /// (`evaluations.runs.search_all()` without `evaluation_run_filter_input`): its UNSET
    /// sentinel serialised as a JSON string. Read as no filter, so the method works unchanged.
    static let sdkUnsetSentinel = "~?~unset~?~sentinel~?~"

    static func parse(_ bytes: [UInt8]) throws -> BodyReader? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        let value: JSON
        do { value = try JSON.parse(bytes) } catch let error as JSONParseError {
            throw APIError.validation("body: invalid JSON: \(error.description)")
        }
        if value.isNull || value == .string(sdkUnsetSentinel) { return nil }
        guard case .object(let object) = value else { throw APIError.validation("body: expected a JSON object or null, got \(value.typeDescription)") }
        return BodyReader(object: object)
    }
}

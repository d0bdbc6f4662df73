/// A read's `from`/`to` window from the query string: a malformed instant is 422 naming it,
/// `from` after `to` 400.
extension TimeWindow {
    init(_ call: Call) throws {
        func instant(_ name: String) throws -> Int64? {
            guard let text = call.query(name), !text.isEmpty else { return nil }
            guard let ns = Timestamp.parseInstantNanos(text) else {
                throw APIError.validation("\(name): '\(text.prefix(64))' is not an RFC 3339 date-time (e.g. 2026-11-02T10:00:00Z)")
            }
            return ns
        }
        let from = try instant("from")
        let to = try instant("to")
        if let from, let to, from > to {
            throw APIError.searchBadRequest("from (\(Timestamp.formatNanos(from))) is after to (\(Timestamp.formatNanos(to)))")
        }
        self.init(from: from, to: to)
    }
}

import EmulatorStore

/// The shape every page-number list shares: a WHERE clause, a count, one page in a fixed order.
struct PageQuery {
    /// `FROM <table> WHERE …`, with `?` placeholders for `arguments`.
    var from: String
    var arguments: [DatabaseValueConvertible]

    /// Adds the `q` filter of the list endpoints: a case-insensitive substring of name or description.
    mutating func matchNameOrDescription(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        from += " AND (instr(ulower(name), ?) > 0 OR instr(ulower(description), ?) > 0)"
        arguments += [query.lowercased(), query.lowercased()]
    }

    /// Restricts a column to a list of values (`type_filter`, `model_filter`); none: no restriction.
    mutating func restrict(_ column: String, to values: [String]) {
        guard !values.isEmpty else { return }
        from += " AND \(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))"
        arguments += values.map { $0 as DatabaseValueConvertible }
    }

    /// The total count and one page, `order` being the ORDER BY clause (newest first).
    func run<T>(_ db: Database, columns: String, order: String = "created_ms DESC, id DESC", page: PageRequest,
                _ transform: (Row) throws -> T) throws -> (Int, [T]) {
        let count = try db.scalarInt("SELECT COUNT(*) " + from, arguments) ?? 0
        let items = try db.query("SELECT \(columns) \(from) ORDER BY \(order) LIMIT ? OFFSET ?",
                                 arguments + [page.size, page.offset], transform)
        return (count, items)
    }
}

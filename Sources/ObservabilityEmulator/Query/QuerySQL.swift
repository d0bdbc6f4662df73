import EmulatorStore

/// The SQL fragments every query shares, written once: who sees a row, how a map entry and an
/// array are read. Column names come from catalogues; every value is bound.
enum QuerySQL {
    /// The rows a workspace sees: its own and the seeded ones (workspace `''`); one bound value,
    /// the workspace id.
    static func visible(_ alias: String? = nil) -> String {
        "\(alias.map { "\($0)." } ?? "")workspace_id IN ('', ?)"
    }

    /// A map entry's value (NULL when the key is absent); the key is bound.
    static func entry(_ map: String, _ key: String, _ args: inout [DatabaseValue]) -> String {
        // A JSON path cannot spell a quote, a backslash or a control character (NUL ends it):
        // such keys are looked up by comparison instead.
        if key.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 }) {
            args.append(.text(key))
            return "(SELECT j.value FROM json_each(\(map)) AS j WHERE j.key = ?)"
        }
        args.append(.text("$.\"\(key)\""))
        return "json_extract(\(map), ?)"
    }

    /// Whether a JSON array holds one of `count` bound values (the caller binds them).
    static func arrayHolds(_ array: String, count: Int) -> String {
        count == 1
            ? "EXISTS (SELECT 1 FROM json_each(\(array)) AS j WHERE j.value = ?)"
            : "EXISTS (SELECT 1 FROM json_each(\(array)) AS j WHERE j.value IN (\(placeholders(count))))"
    }

    /// How many distinct of `count` bound values a JSON array holds.
    static func arrayDistinctHeld(_ array: String, count: Int) -> String {
        "(SELECT COUNT(DISTINCT j.value) FROM json_each(\(array)) AS j WHERE j.value IN (\(placeholders(count))))"
    }

    static func arrayLength(_ array: String) -> String { "json_array_length(\(array))" }

    /// `?, ?, ?`.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

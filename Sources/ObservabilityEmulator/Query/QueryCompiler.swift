import EmulatorStore

/// The one compiler from the two query languages to parameterised SQL over a `FieldCatalogue`:
/// the explorer's filters (`Filter`, events) and the search expressions (`SearchExpression`,
/// telemetry). The catalogue says which fields exist and what each reads (`Operand`); the
/// compiler checks operators and values and binds every value, so SQL text holds only catalogue
/// column names and fixed operators. It throws `QueryError`.
struct QueryCompiler {
    let catalogue: FieldCatalogue

    init(_ catalogue: FieldCatalogue) { self.catalogue = catalogue }

    static let maximumPatternLength = 512

    /// `x op ?` for the comparison operators both languages share.
    static func comparison(_ x: String, _ symbol: String) -> String { "(\(x) \(symbol) ?)" }

    /// `x IN (?, …)` / `x NOT IN (?, …)`.
    static func membership(_ x: String, count: Int, negated: Bool) -> String {
        "(\(x) \(negated ? "NOT " : "")IN (\(QuerySQL.placeholders(count))))"
    }

    /// `instr(x, ?) > 0`: a substring test that never reads the pattern as a pattern.
    static func contains(_ x: String, negated: Bool = false) -> String {
        "(instr(\(x), ?) \(negated ? "=" : ">") 0)"
    }

    /// A `regexp_match` test (50 ms budget per statement); the pattern is bound first.
    static func regexpMatch(_ x: String) -> String { "(regexp_match(?, \(x)) = 1)" }
}

/// A parsed search expression (the trace explorer's language, for traces, spans, logs, span
/// evaluations, aggregates and pipeline selectors). `SearchExpressionParser` makes one; a
/// compiler over a `FieldCatalogue` turns it into SQL.
indirect enum SearchExpression: Equatable, Sendable {
    /// No condition (a null, empty or all-comment expression): every row.
    case all
    case and([SearchExpression])
    case or([SearchExpression])
    case not(SearchExpression)
    /// `operand = literal`, `<>`, `<`, … (`!=` is read as `<>`).
    case compare(Operand, Comparison, Literal)
    /// `operand [NOT] LIKE|ILIKE|CONTAINS|REGEXP 'text'`.
    case match(Operand, Match, negated: Bool, String)
    /// `operand [NOT] BETWEEN low AND high` (inclusive).
    case between(Operand, negated: Bool, Literal, Literal)
    /// `operand [NOT] IN (a, b, …)`.
    case oneOf(Operand, negated: Bool, [Literal])
    /// `operand EXISTS` / `operand NOT EXISTS`.
    case exists(Operand, negated: Bool)
    /// `has(operand, x)`, `hasAny(operand, [x, y])`, `hasAll(…)`, `hasToken(operand, 't')`.
    case function(Function, Operand, [Literal])

    /// A field, or an entry of a map field (`span_attributes['gen_ai.request.model']`), with the
    /// 1-based column where it starts, for error messages.
    struct Operand: Equatable, Sendable {
        let field: String
        let key: String?
        let column: Int

        var written: String { key.map { "\(field)['\($0)']" } ?? field }
    }

    enum Comparison: String, Sendable { case eq = "=", neq = "<>", lt = "<", lte = "<=", gt = ">", gte = ">=" }
    enum Match: String, Sendable { case like = "LIKE", ilike = "ILIKE", contains = "CONTAINS", regexp = "REGEXP" }
    enum Function: String, Sendable, CaseIterable { case has, hasAny, hasAll, hasToken }

    enum Literal: Equatable, Sendable {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
    }
}

/// Why an expression does not parse: what was expected, at a 1-based column (a 400
/// `TRACES_FILTER_QUERY_PARSE_ERROR` at the edge).
struct SearchExpressionError: Error, Equatable, CustomStringConvertible {
    let message: String
    let column: Int
    var description: String { "column \(column): \(message)" }
}

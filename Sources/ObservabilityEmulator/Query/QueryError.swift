/// Why the query layer refused a filter, a search expression or an aggregate, in its own terms;
/// `APIError.init(_: QueryError)` (API/) is where it becomes a response.
enum QueryError: Error, Equatable {
    /// A search expression that does not parse, at a column (1-based).
    case syntax(column: Int, message: String)
    /// A query that parses but names a field, operator, value or pattern the catalogue refuses;
    /// the message starts with where (`search_params.filters[0].op`, `search_expression: column 3`).
    case refused(String)
}

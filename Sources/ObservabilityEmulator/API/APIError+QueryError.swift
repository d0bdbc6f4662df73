/// Where query refusals become HTTP answers.
extension APIError {
    /// A parse error is 400 `TRACES_FILTER_QUERY_PARSE_ERROR` with its column, any other
    /// refusal 400 `SEARCH_BAD_REQUEST` with the compiler's message.
    init(_ error: QueryError) {
        switch error {
        case .syntax(let column, let message):
            self.init(400, "TRACES_FILTER_QUERY_PARSE_ERROR", "search_expression: column \(column): \(message)")
        case .refused(let message):
            self = .searchBadRequest(message)
        }
    }
}

import EmulatorStore

/// The search expression language over telemetry rows. Each condition is two-valued (never SQL
/// NULL), so `NOT` is the plain complement: a missing map entry reads as `''`, and a null number
/// matches no comparison. On traces, span-level fields match when any span of the trace matches.
extension QueryCompiler {
    /// Parses and compiles `search_expression` (nil or blank matches everything).
    func compile(expression text: String?) throws -> CompiledFilter {
        let expression: SearchExpression
        do {
            expression = try SearchExpressionParser.parse(text)
        } catch let error as SearchExpressionError {
            throw QueryError.syntax(column: error.column, message: error.message)
        }
        return try compile(expression)
    }

    func compile(_ expression: SearchExpression) throws -> CompiledFilter {
        var arguments: [DatabaseValue] = []
        let sql = try compile(expression, &arguments)
        return CompiledFilter(sql: sql, arguments: arguments)
    }

    private func compile(_ expression: SearchExpression, _ args: inout [DatabaseValue]) throws -> String {
        switch expression {
        case .all:
            return "1"
        case .and(let parts):
            return "(" + (try parts.map { try compile($0, &args) }).joined(separator: " AND ") + ")"
        case .or(let parts):
            return "(" + (try parts.map { try compile($0, &args) }).joined(separator: " OR ") + ")"
        case .not(let inner):
            return "(NOT \(try compile(inner, &args)))"
        case .compare(let operand, let comparison, let literal):
            let op = ["=": "eq", "<>": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"][comparison.rawValue] ?? "eq"
            return try condition(operand, op, &args) { target, args in
                try compare(target, comparison.rawValue, literal, operand, &args)
            }
        case .match(let operand, let match, let negated, let text):
            let op = (negated ? "not_" : "") + match.rawValue.lowercased()
            return try condition(operand, op, &args) { target, args in
                try self.match(target, match, negated: negated, text, operand, &args)
            }
        case .between(let operand, let negated, let low, let high):
            return try condition(operand, negated ? "not_between" : "between", &args) { target, args in
                try between(target, low, high, negated: negated, operand, &args)
            }
        case .oneOf(let operand, let negated, let literals):
            return try condition(operand, negated ? "not_in" : "in", &args) { target, args in
                try oneOf(target, literals, negated: negated, operand, &args)
            }
        case .exists(let operand, let negated):
            return try condition(operand, negated ? "not_exists" : "exists", &args) { target, args in
                let sql = exists(target, &args)
                return negated ? "(NOT \(sql))" : sql
            }
        case .function(let function, let operand, let literals):
            return try condition(operand, function.rawValue, &args) { target, args in
                try self.function(function, target, literals, operand, &args)
            }
        }
    }

    func bad(_ operand: SearchExpression.Operand, _ message: String) -> QueryError {
        .refused("search_expression: column \(operand.column): \(message)")
    }

    /// Resolves the operand, checks the operator against the field's type, and builds the
    /// condition; on traces, span-level fields match when any span of the trace matches.
    private func condition(_ operand: SearchExpression.Operand, _ op: String, _ args: inout [DatabaseValue],
                           _ build: (Operand, inout [DatabaseValue]) throws -> String) throws -> String {
        guard let field = catalogue.resolve(operand.field) else {
            throw bad(operand, "unknown field '\(operand.field.prefix(100))'; \(catalogue.listing)")
        }
        if operand.key != nil, field.type != .MAP {
            throw bad(operand, "\(field.name) is not a map (\(field.type.rawValue)); only maps take a ['key']")
        }
        if operand.key == nil, field.type == .MAP, op != "exists", op != "not_exists" {
            throw bad(operand, "\(field.name) is a map: name an entry, as in \(field.name)['key']")
        }
        guard field.type.searchOperators.contains(op) else {
            throw bad(operand, "operator \(op) is not supported by \(operand.written) (\(field.type.rawValue)); supported: \(field.type.searchOperators.joined(separator: ", "))")
        }
        guard case .anySpan(let spanColumn) = field.source else {
            return try build(catalogue.operand(field, key: operand.key), &args)
        }
        let alias = catalogue.alias
        let inner: String
        switch spanColumn {
        case .map(let column):
            inner = try build(catalogue.operand(.column(column), type: .MAP, key: operand.key, alias: "s2"), &args)
        case .errorMessage:
            inner = "s2.status_code = 'Error' AND " + (try build(.text("s2.status_message"), &args))
        }
        return "EXISTS (SELECT 1 FROM spans AS s2 WHERE s2.workspace_id = \(alias).workspace_id AND s2.trace_id = \(alias).trace_id AND \(inner))"
    }

    /// The SQL of a text-valued operand; a missing map entry reads as `''`.
    func textSQL(_ target: Operand, _ args: inout [DatabaseValue]) -> String {
        switch target {
        case .text(let sql): return sql
        case .bound, .annotation: return target.valueSQL(&args)
        case .entry: return "coalesce(\(target.valueSQL(&args)), '')"
        case .integer(let sql), .real(let sql, _), .instant(let sql), .array(let sql), .map(let sql): return "CAST(\(sql) AS TEXT)"
        }
    }

    private func exists(_ target: Operand, _ args: inout [DatabaseValue]) -> String {
        switch target {
        case .text(let x): return "(\(x) <> '')"
        case .integer, .instant: return "1"
        case .real(let x, let nullable): return nullable ? "(\(x) IS NOT NULL)" : "1"
        case .array(let x): return "(\(QuerySQL.arrayLength(x)) > 0)"
        case .entry, .annotation: return "(\(target.valueSQL(&args)) IS NOT NULL)"
        case .map(let x): return "(\(x) <> '{}')"
        case .bound: return "(\(target.valueSQL(&args)) <> '')"
        }
    }
}

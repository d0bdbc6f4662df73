import EmulatorJSON
import EmulatorStore

/// The explorer's filter language: `{field, op, value}` conditions in `AND`/`OR` groups. A
/// condition on an absent value (a missing metadata entry, no annotation) reads SQL NULL, which
/// `isnull` tests. Refusals name the condition's path.
extension QueryCompiler {
    func compile(_ filter: Filter) throws -> CompiledFilter {
        var arguments: [DatabaseValue] = []
        let sql = try compile(filter, into: &arguments)
        return CompiledFilter(sql: sql, arguments: arguments)
    }

    private func compile(_ filter: Filter, into arguments: inout [DatabaseValue]) throws -> String {
        switch filter {
        case .all:
            return "1"
        case .group(let and, let or):
            var parts: [String] = []
            if !and.isEmpty { parts.append("(" + (try and.map { try compile($0, into: &arguments) }).joined(separator: " AND ") + ")") }
            if !or.isEmpty { parts.append("(" + (try or.map { try compile($0, into: &arguments) }).joined(separator: " OR ") + ")") }
            return parts.isEmpty ? "1" : "(" + parts.joined(separator: " AND ") + ")"
        case .condition(let fieldName, let op, let value, let path):
            return try condition(fieldName, op, value, path, &arguments)
        }
    }

    private func condition(_ fieldName: String, _ op: FilterOperator, _ value: JSON, _ path: String, _ arguments: inout [DatabaseValue]) throws -> String {
        guard let field = catalogue.resolve(fieldName) else {
            throw QueryError.refused("\(path).field: unknown field '\(fieldName.prefix(100))'; \(catalogue.listing)")
        }
        guard field.type.filterOperators.contains(op) else {
            throw QueryError.refused("\(path).op: operator '\(op.rawValue)' is not supported by field \(field.name) (\(field.type.rawValue)); supported: \(field.type.filterOperators.map(\.rawValue).joined(separator: ", "))")
        }
        func bad(_ expected: String) -> QueryError {
            .refused("\(path).value: expected \(expected) for field \(field.name) with operator \(op.rawValue), got \(value.typeDescription)")
        }
        let operand = catalogue.operand(field)
        if op == .isnull {
            guard case .bool(let isNull) = value else { throw bad("a boolean") }
            if field.type == .ARRAY { return isNull ? "0" : "1" }
            let x = operand.valueSQL(&arguments)
            return isNull ? "(\(x) IS NULL)" : "(\(x) IS NOT NULL)"
        }
        switch field.type {
        case .TEXT, .ENUM:
            if op == .includes || op == .excludes {
                guard case .array(let items) = value else { throw bad("a list of strings") }
                let strings = try items.map { item -> String in
                    guard case .string(let s) = item else { throw bad("a list of strings") }
                    return s
                }
                let x = operand.valueSQL(&arguments)
                if strings.isEmpty { return op == .includes ? "0" : "(\(x) IS NOT NULL)" }
                arguments.append(contentsOf: strings.map { .text($0) })
                return Self.membership(x, count: strings.count, negated: op == .excludes)
            }
            guard case .string(let text) = value else { throw bad("a string") }
            return try textCondition(field, operand, op, text, path, &arguments)
        case .INT:
            guard case .int(let number) = value else { throw bad("an integer") }
            return comparison(operand, op, .integer(number), &arguments)
        case .FLOAT:
            guard let number = value.doubleValue, value.boolValue == nil else { throw bad("a number") }
            return comparison(operand, op, .real(number), &arguments)
        case .TIMESTAMP:
            guard case .string(let text) = value else { throw bad("an RFC 3339 date-time string") }
            guard let ms = Timestamp.parse(text) else {
                throw QueryError.refused("\(path).value: '\(text.prefix(64))' is not an RFC 3339 date-time (e.g. 2025-10-07T20:56:01.974Z) for field \(field.name)")
            }
            return comparison(operand, op, .integer(ms), &arguments)
        case .ARRAY:
            let x = operand.valueSQL(&arguments)
            switch op {
            case .includes, .excludes:
                guard case .string(let item) = value else { throw bad("a string") }
                arguments.append(.text(item))
                return (op == .excludes ? "NOT " : "") + QuerySQL.arrayHolds(x, count: 1)
            default: // len_eq
                guard case .int(let length) = value, length >= 0 else { throw bad("a non-negative integer") }
                arguments.append(.integer(length))
                return Self.comparison(QuerySQL.arrayLength(x), "=")
            }
        case .BOOL:
            guard case .bool(let flag) = value else { throw bad("a boolean") }
            return comparison(operand, op, .integer(flag ? 1 : 0), &arguments)
        case .MAP:
            throw bad("a map entry")
        }
    }

    private func comparison(_ operand: Operand, _ op: FilterOperator, _ value: DatabaseValue, _ arguments: inout [DatabaseValue]) -> String {
        let x = operand.valueSQL(&arguments)
        arguments.append(value)
        let symbol: String
        switch op {
        case .eq: symbol = "="
        case .neq: symbol = "<>"
        case .lt: symbol = "<"
        case .lte: symbol = "<="
        case .gt: symbol = ">"
        default: symbol = ">="
        }
        return Self.comparison(x, symbol)
    }

    private func textCondition(_ field: FieldDefinition, _ operand: Operand, _ op: FilterOperator, _ text: String, _ path: String,
                               _ arguments: inout [DatabaseValue]) throws -> String {
        if op == .matches {
            try RegexPolicy.validate(text, path: "\(path).value")
            // The pattern is the first placeholder, before the subject's own values (a metadata key).
            arguments.append(.text(text))
            return Self.regexpMatch(operand.valueSQL(&arguments))
        }
        let x = operand.valueSQL(&arguments)
        let lowered = text.lowercased()
        let length = Int64(text.unicodeScalars.count)
        switch op {
        case .eq: arguments.append(.text(text)); return Self.comparison(x, "=")
        case .neq: arguments.append(.text(text)); return Self.comparison(x, "<>")
        case .contains: arguments.append(.text(text)); return Self.contains(x)
        case .icontains: arguments.append(.text(lowered)); return Self.contains("ulower(\(x))")
        case .notcontains: arguments.append(.text(text)); return Self.contains(x, negated: true)
        case .inotcontains: arguments.append(.text(lowered)); return Self.contains("ulower(\(x))", negated: true)
        case .startswith:
            arguments.append(.integer(length)); arguments.append(.text(text))
            return "(substr(\(x), 1, ?) = ?)"
        case .istartswith:
            arguments.append(.integer(Int64(lowered.unicodeScalars.count))); arguments.append(.text(lowered))
            return "(substr(ulower(\(x)), 1, ?) = ?)"
        case .endswith:
            if length == 0 { return "(\(x) IS NOT NULL)" }
            arguments.append(.integer(-length)); arguments.append(.text(text))
            return "(substr(\(x), ?) = ?)"
        case .iendswith:
            let l = Int64(lowered.unicodeScalars.count)
            if l == 0 { return "(\(x) IS NOT NULL)" }
            arguments.append(.integer(-l)); arguments.append(.text(lowered))
            return "(substr(ulower(\(x)), ?) = ?)"
        default:
            throw QueryError.refused("\(path).op: operator '\(op.rawValue)' is not supported by field \(field.name)")
        }
    }
}

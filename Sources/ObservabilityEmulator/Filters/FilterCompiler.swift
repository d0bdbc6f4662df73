import EmulatorJSON
import EmulatorStore
import Foundation

/// Checks a `Filter` against a field catalogue and compiles it to parameterised SQL: the
/// catalogue says which fields exist and how each is read; the compiler checks operators and
/// value types and binds every value. Errors are 400 `SEARCH_BAD_REQUEST` naming the
/// condition's path.
struct FilterCompiler {
    let catalogue: any FieldCatalogue

    init(catalogue: any FieldCatalogue) { self.catalogue = catalogue }

    /// Over chat-completion events, for a workspace whose judges have these output types.
    init(workspaceID: String, judgeOutputType: @escaping (String) -> FieldType?) {
        catalogue = EventFieldCatalogue(workspaceID: workspaceID, judgeOutputType: judgeOutputType)
    }

    static let maximumPatternLength = 512

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

    private func expression(for field: FieldDefinition, _ arguments: inout [DatabaseValue]) -> String {
        catalogue.expression(for: field, &arguments)
    }

    private func condition(_ fieldName: String, _ op: FilterOperator, _ value: JSON, _ path: String, _ arguments: inout [DatabaseValue]) throws -> String {
        guard let field = catalogue.resolve(fieldName) else {
            throw APIError.searchBadRequest("\(path).field: unknown field '\(fieldName.prefix(100))'; \(catalogue.fieldListing)")
        }
        guard field.type.operators.contains(op) else {
            throw APIError.searchBadRequest("\(path).op: operator '\(op.rawValue)' is not supported by field \(field.name) (\(field.type.rawValue)); supported: \(field.type.operators.map(\.rawValue).joined(separator: ", "))")
        }
        func bad(_ expected: String) -> APIError {
            APIError.searchBadRequest("\(path).value: expected \(expected) for field \(field.name) with operator \(op.rawValue), got \(value.typeDescription)")
        }
        if op == .isnull {
            guard case .bool(let isNull) = value else { throw bad("a boolean") }
            if field.type == .ARRAY { return isNull ? "0" : "1" }
            let x = expression(for: field, &arguments)
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
                let x = expression(for: field, &arguments)
                if strings.isEmpty { return op == .includes ? "0" : "(\(x) IS NOT NULL)" }
                arguments.append(contentsOf: strings.map { .text($0) })
                let placeholders = Array(repeating: "?", count: strings.count).joined(separator: ", ")
                return op == .includes ? "(\(x) IN (\(placeholders)))" : "(\(x) NOT IN (\(placeholders)))"
            }
            guard case .string(let text) = value else { throw bad("a string") }
            return try textCondition(field, op, text, path, &arguments)
        case .INT:
            guard case .int(let number) = value else { throw bad("an integer") }
            return comparison(field, op, .integer(number), &arguments)
        case .FLOAT:
            guard let number = value.doubleValue, value.boolValue == nil else { throw bad("a number") }
            return comparison(field, op, .real(number), &arguments)
        case .TIMESTAMP:
            guard case .string(let text) = value else { throw bad("an RFC 3339 date-time string") }
            guard let ms = Timestamp.parse(text) else {
                throw APIError.searchBadRequest("\(path).value: '\(text.prefix(64))' is not an RFC 3339 date-time (e.g. 2025-10-07T20:56:01.974Z) for field \(field.name)")
            }
            return comparison(field, op, .integer(ms), &arguments)
        case .ARRAY:
            let x = expression(for: field, &arguments)
            switch op {
            case .includes, .excludes:
                guard case .string(let item) = value else { throw bad("a string") }
                arguments.append(.text(item))
                return op == .includes
                    ? "EXISTS (SELECT 1 FROM json_each(\(x)) AS t WHERE t.value = ?)"
                    : "NOT EXISTS (SELECT 1 FROM json_each(\(x)) AS t WHERE t.value = ?)"
            default: // len_eq
                guard case .int(let length) = value, length >= 0 else { throw bad("a non-negative integer") }
                arguments.append(.integer(length))
                return "(json_array_length(\(x)) = ?)"
            }
        case .BOOL:
            guard case .bool(let flag) = value else { throw bad("a boolean") }
            return comparison(field, op, .integer(flag ? 1 : 0), &arguments)
        }
    }

    private func comparison(_ field: FieldDefinition, _ op: FilterOperator, _ value: DatabaseValue, _ arguments: inout [DatabaseValue]) -> String {
        let x = expression(for: field, &arguments)
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
        return "(\(x) \(symbol) ?)"
    }

    private func textCondition(_ field: FieldDefinition, _ op: FilterOperator, _ text: String, _ path: String, _ arguments: inout [DatabaseValue]) throws -> String {
        let x = expression(for: field, &arguments)
        let lowered = text.lowercased()
        let length = Int64(text.unicodeScalars.count)
        switch op {
        case .eq: arguments.append(.text(text)); return "(\(x) = ?)"
        case .neq: arguments.append(.text(text)); return "(\(x) <> ?)"
        case .contains: arguments.append(.text(text)); return "(instr(\(x), ?) > 0)"
        case .icontains: arguments.append(.text(lowered)); return "(instr(ulower(\(x)), ?) > 0)"
        case .notcontains: arguments.append(.text(text)); return "(instr(\(x), ?) = 0)"
        case .inotcontains: arguments.append(.text(lowered)); return "(instr(ulower(\(x)), ?) = 0)"
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
        case .matches:
            try RegexPolicy.validate(text, path: "\(path).value")
            arguments.append(.text(text))
            return "(regexp_match(?, \(x)) = 1)"
        default:
            throw APIError.searchBadRequest("\(path).op: operator '\(op.rawValue)' is not supported by field \(field.name)")
        }
    }
}

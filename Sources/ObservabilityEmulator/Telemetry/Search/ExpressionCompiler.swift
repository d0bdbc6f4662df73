import Foundation
import EmulatorStore

/// Compiles a parsed search expression to parameterised SQL over one telemetry
/// resource's fields: every literal, map key and tenant value is bound; SQL text holds only
/// column names from the resource definition and fixed operators. Each condition is two-valued
/// (never SQL NULL), so `NOT` is the plain complement: a missing map entry reads as `''`, and a
/// null number matches no comparison.
struct ExpressionCompiler {
    let resource: TelemetryResource
    let tenant: TelemetryTenant
    /// The alias of the resource's table in the query.
    let alias: String

    init(_ resource: TelemetryResource, tenant: TelemetryTenant, alias: String = "t") {
        self.resource = resource
        self.tenant = tenant
        self.alias = alias
    }

    /// Parses and compiles `search_expression`; a parse error is a 400
    /// `TRACES_FILTER_QUERY_PARSE_ERROR`, a semantic one a 400 `SEARCH_BAD_REQUEST`.
    func compile(text: String?) throws -> CompiledFilter {
        let expression: SearchExpression
        do {
            expression = try SearchExpressionParser.parse(text)
        } catch let error as SearchExpressionError {
            throw APIError(400, "TRACES_FILTER_QUERY_PARSE_ERROR", "search_expression: column \(error.column): \(error.message)")
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

    // MARK: Operands

    /// What a condition reads: a scalar column (or a bound tenant value), an array, a map entry
    /// or a whole map.
    enum Target {
        case text(String)
        case integer(String)
        case real(String, nullable: Bool)
        case instant(String)
        case array(String)
        case entry(map: String, key: String)
        case map(String)
        /// A value of the caller's (tenant columns), bound where it is read.
        case constant(String)
    }

    private func bad(_ operand: SearchExpression.Operand, _ message: String) -> APIError {
        APIError.searchBadRequest("search_expression: column \(operand.column): \(message)")
    }

    /// Resolves the operand, checks the operator against the field's type, and builds the
    /// condition; on traces, span-level fields match when any span of the trace matches.
    private func condition(_ operand: SearchExpression.Operand, _ op: String, _ args: inout [DatabaseValue],
                           _ build: (Target, inout [DatabaseValue]) throws -> String) throws -> String {
        guard let field = resource.field(operand.field) else {
            throw bad(operand, "unknown field '\(operand.field.prefix(100))'; the fields are listed by \(resource.fieldsPath)")
        }
        if operand.key != nil, field.type != .MAP {
            throw bad(operand, "\(field.name) is not a map (\(field.type.rawValue)); only maps take a ['key']")
        }
        if operand.key == nil, field.type == .MAP, op != "exists", op != "not_exists" {
            throw bad(operand, "\(field.name) is a map: name an entry, as in \(field.name)['key']")
        }
        guard field.type.operators.contains(op) else {
            throw bad(operand, "operator \(op) is not supported by \(operand.written) (\(field.type.rawValue)); supported: \(field.type.operators.joined(separator: ", "))")
        }
        func target(_ storage: TelemetryField.Storage, prefix: String) -> Target {
            switch storage {
            case .text(let c): return .text("\(prefix).\(c)")
            case .integer(let c): return .integer("\(prefix).\(c)")
            case .real(let c, let nullable): return .real("\(prefix).\(c)", nullable: nullable)
            case .instant(let c): return .instant("\(prefix).\(c)")
            case .array(let c): return .array("\(prefix).\(c)")
            case .map(let c): return operand.key.map { .entry(map: "\(prefix).\(c)", key: $0) } ?? .map("\(prefix).\(c)")
            case .tenant(let column):
                return .constant(tenant.value(column))
            case .anySpan: return .text("''")
            }
        }
        guard case .anySpan(let spanColumn) = field.storage else {
            return try build(target(field.storage, prefix: alias), &args)
        }
        let inner: String
        switch spanColumn {
        case .map(let column):
            inner = try build(target(.map(column), prefix: "s2"), &args)
        case .errorMessage:
            inner = "s2.status_code = 'Error' AND " + (try build(.text("s2.status_message"), &args))
        }
        return "EXISTS (SELECT 1 FROM spans AS s2 WHERE s2.workspace_id = \(alias).workspace_id AND s2.trace_id = \(alias).trace_id AND \(inner))"
    }

    /// The SQL of a text-valued target; a missing map entry reads as `''`.
    private func textSQL(_ target: Target, _ args: inout [DatabaseValue]) -> String {
        switch target {
        case .text(let sql): return sql
        case .constant(let value):
            args.append(.text(value))
            return "?"
        case .entry(let map, let key): return "coalesce(\(entrySQL(map, key, &args)), '')"
        case .integer(let sql), .real(let sql, _), .instant(let sql), .array(let sql), .map(let sql): return "CAST(\(sql) AS TEXT)"
        }
    }

    /// A map entry's value (NULL when the key is absent); the key is bound.
    private func entrySQL(_ map: String, _ key: String, _ args: inout [DatabaseValue]) -> String {
        // A JSON path cannot spell a quote, a backslash or a control character (NUL ends it):
        // such keys are looked up by comparison instead.
        if key.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 }) {
            args.append(.text(key))
            return "(SELECT value FROM json_each(\(map)) WHERE key = ?)"
        }
        args.append(.text("$.\"\(key)\""))
        return "json_extract(\(map), ?)"
    }

    // MARK: Conditions

    private func literalText(_ literal: SearchExpression.Literal) -> String {
        switch literal {
        case .string(let s): return s
        case .int(let n): return String(n)
        case .double(let d): return OTLPValue.double(d).flattened
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// A bound number for a numeric field; a string literal there is a 400.
    private func number(_ literal: SearchExpression.Literal, _ operand: SearchExpression.Operand) throws -> DatabaseValue {
        switch literal {
        case .int(let n): return .integer(n)
        case .double(let d): return .real(d)
        case .string, .bool: throw bad(operand, "\(operand.written) is a number: compare it with a number, not \(describe(literal))")
        }
    }

    /// A bound instant for a timestamp field: a quoted RFC 3339 string.
    private func instant(_ literal: SearchExpression.Literal, _ operand: SearchExpression.Operand) throws -> DatabaseValue {
        guard case .string(let text) = literal else {
            throw bad(operand, "\(operand.written) is a timestamp: compare it with a quoted RFC 3339 date-time, not \(describe(literal))")
        }
        guard let ns = Timestamp.parseInstantNanos(text) else {
            throw bad(operand, "'\(text.prefix(64))' is not an RFC 3339 date-time (e.g. '2026-11-02T10:00:00Z') for \(operand.written)")
        }
        return .integer(ns)
    }

    private func describe(_ literal: SearchExpression.Literal) -> String {
        switch literal {
        case .string(let s): return "the string '\(s.prefix(40))'"
        case .int, .double: return "the number \(literalText(literal))"
        case .bool(let b): return "\(b)"
        }
    }

    private func isNumber(_ literal: SearchExpression.Literal) -> Bool {
        switch literal {
        case .int, .double: return true
        default: return false
        }
    }

    /// `x op ?` for a nullable target, made two-valued.
    private func guarded(_ sql: String, nullable: Bool) -> String { nullable ? "coalesce(\(sql), 0)" : "(\(sql))" }

    private func compare(_ target: Target, _ symbol: String, _ literal: SearchExpression.Literal, _ operand: SearchExpression.Operand,
                         _ args: inout [DatabaseValue]) throws -> String {
        switch target {
        case .integer(let x):
            let value = try number(literal, operand)
            args.append(value)
            return "(\(x) \(symbol) ?)"
        case .real(let x, let nullable):
            let value = try number(literal, operand)
            args.append(value)
            return guarded("\(x) \(symbol) ?", nullable: nullable)
        case .instant(let x):
            let value = try instant(literal, operand)
            args.append(value)
            return "(\(x) \(symbol) ?)"
        case .entry(let map, let key) where isNumber(literal):
            // Read as a number; entries that are not numbers do not match.
            let entry = entrySQL(map, key, &args)
            args.append(try number(literal, operand))
            return "coalesce(otel_number(\(entry)) \(symbol) ?, 0)"
        default:
            let x = textSQL(target, &args)
            args.append(.text(literalText(literal)))
            return "(\(x) \(symbol) ?)"
        }
    }

    private func match(_ target: Target, _ match: SearchExpression.Match, negated: Bool, _ text: String,
                       _ operand: SearchExpression.Operand, _ args: inout [DatabaseValue]) throws -> String {
        if case .array(let x) = target, match == .contains {
            args.append(.text(text))
            return "(\(negated ? "NOT " : "")EXISTS (SELECT 1 FROM json_each(\(x)) WHERE value = ?))"
        }
        // The subject's own bound values (a map key, a tenant value) go where the subject is
        // written: after the pattern for regexp_match(?, x), before it otherwise.
        var subjectArgs: [DatabaseValue] = []
        let x = textSQL(target, &subjectArgs)
        let sql: String
        if (match == .like || match == .ilike) && text.contains("\u{0}") {
            // SQLite's GLOB stops at a NUL in the pattern; such a pattern runs as a regular expression.
            args.append(.text(Self.regexPattern(like: text, caseInsensitive: match == .ilike)))
            args += subjectArgs
            return "(\(negated ? "NOT " : "")(regexp_match(?, \(x)) = 1))"
        }
        switch match {
        case .like:
            args += subjectArgs
            args.append(.text(Self.globPattern(like: text)))
            sql = "(\(x) GLOB ?)"
        case .ilike:
            args += subjectArgs
            args.append(.text(Self.globPattern(like: text.lowercased())))
            sql = "(ulower(\(x)) GLOB ?)"
        case .contains:
            args += subjectArgs
            args.append(.text(text))
            sql = "(instr(\(x), ?) > 0)"
        case .regexp:
            try RegexPolicy.validate(text, path: "search_expression: column \(operand.column): REGEXP")
            args.append(.text(text))
            args += subjectArgs
            sql = "(regexp_match(?, \(x)) = 1)"
        }
        return negated ? "(NOT \(sql))" : sql
    }

    private func between(_ target: Target, _ low: SearchExpression.Literal, _ high: SearchExpression.Literal, negated: Bool,
                         _ operand: SearchExpression.Operand, _ args: inout [DatabaseValue]) throws -> String {
        let not = negated ? "NOT " : ""
        switch target {
        case .integer(let x), .real(let x, _):
            let (a, b) = (try number(low, operand), try number(high, operand))
            args += [a, b]
            // A null number is in no range, and outside none either.
            if case .real(_, true) = target { return "coalesce(\(x) \(not)BETWEEN ? AND ?, 0)" }
            return "(\(x) \(not)BETWEEN ? AND ?)"
        case .instant(let x):
            let (a, b) = (try instant(low, operand), try instant(high, operand))
            args += [a, b]
            return "(\(x) \(not)BETWEEN ? AND ?)"
        case .entry(let map, let key) where isNumber(low) || isNumber(high):
            let entry = entrySQL(map, key, &args)
            let (a, b) = (try number(low, operand), try number(high, operand))
            args += [a, b]
            return "coalesce(otel_number(\(entry)) \(not)BETWEEN ? AND ?, 0)"
        default:
            let x = textSQL(target, &args)
            args += [.text(literalText(low)), .text(literalText(high))]
            return "(\(x) \(not)BETWEEN ? AND ?)"
        }
    }

    private func oneOf(_ target: Target, _ literals: [SearchExpression.Literal], negated: Bool, _ operand: SearchExpression.Operand,
                       _ args: inout [DatabaseValue]) throws -> String {
        let placeholders = Array(repeating: "?", count: literals.count).joined(separator: ", ")
        let not = negated ? "NOT " : ""
        switch target {
        case .integer(let x), .real(let x, _):
            let values = try literals.map { try number($0, operand) }
            args += values
            if case .real(_, true) = target { return "coalesce(\(x) \(not)IN (\(placeholders)), 0)" }
            return "(\(x) \(not)IN (\(placeholders)))"
        default:
            let x = textSQL(target, &args)
            args += literals.map { .text(literalText($0)) }
            return "(\(x) \(not)IN (\(placeholders)))"
        }
    }

    private func exists(_ target: Target, _ args: inout [DatabaseValue]) -> String {
        switch target {
        case .text(let x): return "(\(x) <> '')"
        case .integer, .instant: return "1"
        case .real(let x, let nullable): return nullable ? "(\(x) IS NOT NULL)" : "1"
        case .array(let x): return "(json_array_length(\(x)) > 0)"
        case .entry(let map, let key): return "(\(entrySQL(map, key, &args)) IS NOT NULL)"
        case .map(let x): return "(\(x) <> '{}')"
        case .constant(let value):
            args.append(.text(value))
            return "(? <> '')"
        }
    }

    private func function(_ function: SearchExpression.Function, _ target: Target, _ literals: [SearchExpression.Literal],
                          _ operand: SearchExpression.Operand, _ args: inout [DatabaseValue]) throws -> String {
        if function == .hasToken {
            guard case .string(let token)? = literals.first, literals.count == 1 else { throw bad(operand, "hasToken takes one string") }
            guard !token.isEmpty, token.unicodeScalars.allSatisfy(HasToken.isWordScalar) else {
                throw bad(operand, "hasToken needs one word (letters and digits only), got '\(token.prefix(40))'")
            }
            let x = textSQL(target, &args)
            args.append(.text(token))
            return "(has_token(\(x), ?) = 1)"
        }
        guard case .array(let x) = target else { throw bad(operand, "\(function.rawValue) needs an array field") }
        let values = literals.map { literalText($0) }
        if function == .has {
            guard values.count == 1 else { throw bad(operand, "has takes one value; use hasAny or hasAll for a list") }
        }
        guard !values.isEmpty else { return function == .hasAll ? "1" : "0" }
        let placeholders = Array(repeating: "?", count: values.count).joined(separator: ", ")
        args += values.map { .text($0) }
        if function == .hasAll {
            args.append(.integer(Int64(Set(values).count)))
            return "((SELECT COUNT(DISTINCT value) FROM json_each(\(x)) WHERE value IN (\(placeholders))) = ?)"
        }
        return "(EXISTS (SELECT 1 FROM json_each(\(x)) WHERE value IN (\(placeholders))))"
    }

    /// A LIKE pattern (`%`, `_`, `\` escapes) as a case-sensitive GLOB pattern.
    static func globPattern(like pattern: String) -> String {
        translate(like: pattern, anyRun: "*", anyOne: "?", literal: globLiteral)
    }

    /// A LIKE pattern as an anchored regular expression (for patterns GLOB cannot take).
    static func regexPattern(like pattern: String, caseInsensitive: Bool) -> String {
        (caseInsensitive ? "(?si)^" : "(?s)^")
            + translate(like: pattern, anyRun: ".*", anyOne: ".") { NSRegularExpression.escapedPattern(for: String($0)) } + "$"
    }

    /// A LIKE pattern (`%`, `_`, `\` escapes; a trailing `\` is itself) in another syntax.
    private static func translate(like pattern: String, anyRun: String, anyOne: String, literal: (Character) -> String) -> String {
        var out = ""
        var escaped = false
        for character in pattern {
            if escaped {
                out += literal(character)
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "%": out += anyRun
            case "_": out += anyOne
            default: out += literal(character)
            }
        }
        if escaped { out += literal("\\") }
        return out
    }

    private static func globLiteral(_ character: Character) -> String {
        switch character {
        case "*", "?", "[": return "[\(character)]"
        default: return String(character)
        }
    }
}

/// The tenant ids telemetry rows carry for a caller: its workspace and owner, one
/// fixed organisation, no service account.
struct TelemetryTenant: Sendable {
    static let organizationID = UUIDText.v5("organization:observability-emulator")

    let workspaceID: String
    let userID: String

    init(_ workspace: Workspace) {
        workspaceID = workspace.id
        userID = workspace.ownerID
    }

    func value(_ column: TenantColumn) -> String {
        switch column {
        case .customer_id, .organization_id: return Self.organizationID
        case .workspace_id: return workspaceID
        case .user_id: return userID
        case .service_account_id: return ""
        }
    }
}

/// `hasToken`'s word rule: words are runs of letters and digits.
enum HasToken {
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// Whether `token` occurs in `text` as a whole word.
    static func contains(_ text: String, token: String) -> Bool {
        let tokenScalars = Array(token.unicodeScalars)
        guard !tokenScalars.isEmpty else { return false }
        var word: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                word.append(scalar)
            } else {
                if word == tokenScalars { return true }
                word.removeAll(keepingCapacity: true)
            }
        }
        return word == tokenScalars
    }
}

/// When a map entry compared with a number is a number: the JSON number syntax
/// (`-12`, `0.5`, `1e3`), nothing else (no spaces, `+`, hex, `NaN` or infinities).
enum AttributeNumber {
    static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        let integerStart = i
        let integerDigits = digits()
        guard integerDigits > 0, integerDigits == 1 || b[integerStart] != 48 else { return nil }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return nil }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        guard i == b.count, let number = Double(text), number.isFinite else { return nil }
        return number
    }
}

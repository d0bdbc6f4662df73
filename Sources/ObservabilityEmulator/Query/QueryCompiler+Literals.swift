import EmulatorStore

/// The search expression's conditions on an operand: comparisons, LIKE/contains/REGEXP, ranges,
/// lists, and the array and token functions, each checking its literals against the field.
extension QueryCompiler {
    func compare(_ target: Operand, _ symbol: String, _ literal: SearchExpression.Literal, _ operand: SearchExpression.Operand,
                 _ args: inout [DatabaseValue]) throws -> String {
        switch target {
        case .integer(let x):
            args.append(try number(literal, operand))
            return Self.comparison(x, symbol)
        case .real(let x, let nullable):
            args.append(try number(literal, operand))
            return guarded("\(x) \(symbol) ?", nullable: nullable)
        case .instant(let x):
            args.append(try instant(literal, operand))
            return Self.comparison(x, symbol)
        case .entry where literal.isNumber:
            // Read as a number; entries that are not numbers do not match.
            let entry = target.valueSQL(&args)
            args.append(try number(literal, operand))
            return "coalesce(otel_number(\(entry)) \(symbol) ?, 0)"
        default:
            let x = textSQL(target, &args)
            args.append(.text(literal.text))
            return Self.comparison(x, symbol)
        }
    }

    func match(_ target: Operand, _ match: SearchExpression.Match, negated: Bool, _ text: String,
               _ operand: SearchExpression.Operand, _ args: inout [DatabaseValue]) throws -> String {
        if case .array(let x) = target, match == .contains {
            args.append(.text(text))
            return "(\(negated ? "NOT " : "")\(QuerySQL.arrayHolds(x, count: 1)))"
        }
        // The subject's own bound values (a map key, a tenant value) go where the subject is
        // written: after the pattern for regexp_match(?, x), before it otherwise.
        var subjectArgs: [DatabaseValue] = []
        let x = textSQL(target, &subjectArgs)
        let sql: String
        if (match == .like || match == .ilike) && text.contains("\u{0}") {
            // SQLite's GLOB stops at a NUL in the pattern; such a pattern runs as a regular expression.
            args.append(.text(LikePattern.regex(text, caseInsensitive: match == .ilike)))
            args += subjectArgs
            return "(\(negated ? "NOT " : "")\(Self.regexpMatch(x)))"
        }
        switch match {
        case .like:
            args += subjectArgs
            args.append(.text(LikePattern.glob(text)))
            sql = "(\(x) GLOB ?)"
        case .ilike:
            args += subjectArgs
            args.append(.text(LikePattern.glob(text.lowercased())))
            sql = "(ulower(\(x)) GLOB ?)"
        case .contains:
            args += subjectArgs
            args.append(.text(text))
            sql = Self.contains(x)
        case .regexp:
            try RegexPolicy.validate(text, path: "search_expression: column \(operand.column): REGEXP")
            args.append(.text(text))
            args += subjectArgs
            sql = Self.regexpMatch(x)
        }
        return negated ? "(NOT \(sql))" : sql
    }

    func between(_ target: Operand, _ low: SearchExpression.Literal, _ high: SearchExpression.Literal, negated: Bool,
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
        case .entry where low.isNumber || high.isNumber:
            let entry = target.valueSQL(&args)
            let (a, b) = (try number(low, operand), try number(high, operand))
            args += [a, b]
            return "coalesce(otel_number(\(entry)) \(not)BETWEEN ? AND ?, 0)"
        default:
            let x = textSQL(target, &args)
            args += [.text(low.text), .text(high.text)]
            return "(\(x) \(not)BETWEEN ? AND ?)"
        }
    }

    func oneOf(_ target: Operand, _ literals: [SearchExpression.Literal], negated: Bool, _ operand: SearchExpression.Operand,
               _ args: inout [DatabaseValue]) throws -> String {
        switch target {
        case .integer(let x), .real(let x, _):
            args += try literals.map { try number($0, operand) }
            if case .real(_, true) = target {
                return "coalesce(\(x) \(negated ? "NOT " : "")IN (\(QuerySQL.placeholders(literals.count))), 0)"
            }
            return Self.membership(x, count: literals.count, negated: negated)
        default:
            let x = textSQL(target, &args)
            args += literals.map { .text($0.text) }
            return Self.membership(x, count: literals.count, negated: negated)
        }
    }

    func function(_ function: SearchExpression.Function, _ target: Operand, _ literals: [SearchExpression.Literal],
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
        let values = literals.map(\.text)
        if function == .has {
            guard values.count == 1 else { throw bad(operand, "has takes one value; use hasAny or hasAll for a list") }
        }
        guard !values.isEmpty else { return function == .hasAll ? "1" : "0" }
        args += values.map { .text($0) }
        if function == .hasAll {
            args.append(.integer(Int64(Set(values).count)))
            return "(\(QuerySQL.arrayDistinctHeld(x, count: values.count)) = ?)"
        }
        return "(\(QuerySQL.arrayHolds(x, count: values.count)))"
    }

    // MARK: Literals

    /// A bound number for a numeric field; a string literal there is a refusal.
    private func number(_ literal: SearchExpression.Literal, _ operand: SearchExpression.Operand) throws -> DatabaseValue {
        switch literal {
        case .int(let n): return .integer(n)
        case .double(let d): return .real(d)
        case .string, .bool: throw bad(operand, "\(operand.written) is a number: compare it with a number, not \(literal.described)")
        }
    }

    /// A bound instant for a timestamp field: a quoted RFC 3339 string.
    private func instant(_ literal: SearchExpression.Literal, _ operand: SearchExpression.Operand) throws -> DatabaseValue {
        guard case .string(let text) = literal else {
            throw bad(operand, "\(operand.written) is a timestamp: compare it with a quoted RFC 3339 date-time, not \(literal.described)")
        }
        guard let ns = Timestamp.parseInstantNanos(text) else {
            throw bad(operand, "'\(text.prefix(64))' is not an RFC 3339 date-time (e.g. '2026-11-02T10:00:00Z') for \(operand.written)")
        }
        return .integer(ns)
    }

    /// `x op ?` for a nullable target, made two-valued.
    private func guarded(_ sql: String, nullable: Bool) -> String { nullable ? "coalesce(\(sql), 0)" : "(\(sql))" }
}

extension SearchExpression.Literal {
    /// The literal as text, for text fields and map entries (`1.5`, `true`).
    var text: String {
        switch self {
        case .string(let s): return s
        case .int(let n): return String(n)
        case .double(let d): return OTLPValue.double(d).flattened
        case .bool(let b): return b ? "true" : "false"
        }
    }

    var isNumber: Bool {
        switch self {
        case .int, .double: return true
        default: return false
        }
    }

    /// How an error message names the literal.
    var described: String {
        switch self {
        case .string(let s): return "the string '\(s.prefix(40))'"
        case .int, .double: return "the number \(text)"
        case .bool(let b): return "\(b)"
        }
    }
}

import EmulatorJSON
import EmulatorStore
import Foundation

/// A compiled filter: SQL text built only from catalogue column names and fixed operators, with
/// every request value bound as a parameter.
struct CompiledFilter {
    var sql: String
    var arguments: [DatabaseValue]
}

/// Checks a `Filter` against the field catalogue and compiles it to parameterised SQL over the
/// `events` table aliased `e`. Errors are 400 `SEARCH_BAD_REQUEST` naming the condition's path.
struct FilterCompiler {
    /// The workspace whose annotations `__judge_…` fields read.
    let workspaceID: String
    /// Output type of a judge of this workspace, by id.
    let judgeOutputType: (String) -> FieldType?

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

    /// The SQL expression for a field's value; parameters it needs are appended.
    private func expression(for field: FieldDefinition, _ arguments: inout [DatabaseValue]) -> String {
        switch field.source {
        case .column(let column):
            return "e." + column
        case .metadata(let key):
            arguments.append(.text(key))
            return "(SELECT m.value FROM json_each(e.metadata) AS m WHERE m.key = ?)"
        case .annotation(let judgeID):
            arguments.append(.text(workspaceID))
            arguments.append(.text(judgeID))
            let column = field.type == .FLOAT ? "value_num" : "value_text"
            return "(SELECT a.\(column) FROM annotations AS a WHERE a.event_rowid = e.rowid AND a.workspace_id = ? AND a.judge_id = ?)"
        }
    }

    private func condition(_ fieldName: String, _ op: FilterOperator, _ value: JSON, _ path: String, _ arguments: inout [DatabaseValue]) throws -> String {
        guard let field = FieldCatalog.resolve(fieldName, judgeOutputType: judgeOutputType) else {
            throw APIError.searchBadRequest("\(path).field: unknown field '\(fieldName.prefix(100))'; GET /v1/observability/chat-completion-fields lists the fields")
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

/// What a `matches` pattern may be: it must compile, stay short, and avoid nested quantifiers
/// (`(a+)+`), the classic shape of catastrophic backtracking.
enum RegexPolicy {
    static func validate(_ pattern: String, path: String) throws {
        if pattern.count > FilterCompiler.maximumPatternLength {
            throw APIError.searchBadRequest("\(path): regular expression longer than \(FilterCompiler.maximumPatternLength) characters")
        }
        // Through the compiled-pattern cache: compiling is costly, and swift-corelibs-foundation
        // leaks 584 bytes compiling some patterns (found by Fuzz/FilterFuzz.swift), so each
        // distinct pattern is compiled at most once while it stays in the cache.
        guard BoundedRegex.compiled(pattern) != nil else {
            throw APIError.searchBadRequest("\(path): invalid regular expression '\(pattern.prefix(80))'")
        }
        if hasOverlappingQuantifiedAlternation(pattern) {
            throw APIError.searchBadRequest("\(path): regular expression '\(pattern.prefix(80))' repeats a group whose alternatives can match the same text, which can take exponential time; make the alternatives distinct")
        }
        if hasNestedQuantifier(pattern) {
            throw APIError.searchBadRequest("\(path): regular expression '\(pattern.prefix(80))' has a quantified group containing a quantifier, which can take exponential time; rewrite it without nesting")
        }
    }

    /// True when a quantified group has two alternatives that can begin with the same character:
    /// `(a|a)*`, `(x|x)+y`, `(\w|a)*`, `(a|ab)+`. An approximation on first atoms: identical
    /// atoms, or a broad class (`.`, `\w`, `\S`, `\D`, `\W`, a negated set) beside anything it covers.
    static func hasOverlappingQuantifiedAlternation(_ pattern: String) -> Bool {
        let chars = Array(pattern)
        var groupStarts: [Int] = []
        return scanStructure(chars) { index, c in
            if c == "(" { groupStarts.append(index); return false }
            guard c == ")", let start = groupStarts.popLast() else { return false }
            let next = index + 1 < chars.count ? chars[index + 1] : " "
            guard next == "*" || next == "+" || next == "{" else { return false }
            var body = Array(chars[(start + 1)..<index])
            if body.first == "?", body.count > 1 { body.removeFirst(2) }  // (?:...) and similar
            let firsts = alternatives(body).map(firstAtom)
            for i in firsts.indices {
                for j in firsts.indices where j > i {
                    if overlaps(firsts[i], firsts[j]) { return true }
                }
            }
            return false
        }
    }

    /// Calls `visit` with each character outside escapes and `[...]` sets, with its index, until
    /// `visit` returns true; returns whether it did. Both screens above walk patterns this way.
    private static func scanStructure(_ chars: [Character], _ visit: (Int, Character) -> Bool) -> Bool {
        var escaped = false
        var inClass = false
        for (index, c) in chars.enumerated() {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if inClass { if c == "]" { inClass = false }; continue }
            if c == "[" { inClass = true; continue }
            if visit(index, c) { return true }
        }
        return false
    }

    /// Top-level alternatives of a group body.
    private static func alternatives(_ body: [Character]) -> [[Character]] {
        var result: [[Character]] = [[]]
        var depth = 0, escaped = false, inClass = false
        for c in body {
            if escaped { escaped = false; result[result.count - 1].append(c); continue }
            if c == "\\" { escaped = true; result[result.count - 1].append(c); continue }
            if inClass { if c == "]" { inClass = false } } else if c == "[" { inClass = true }
            else if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            else if c == "|" && depth == 0 { result.append([]); continue }
            result[result.count - 1].append(c)
        }
        return result
    }

    /// The first atom of an alternative: a literal, an escape (`\w`), `.`, or a `[set]`.
    private static func firstAtom(_ alternative: [Character]) -> String {
        var a = alternative
        while a.first == "(" { a.removeFirst(); if a.first == "?" && a.count > 1 { a.removeFirst(2) } }
        guard let first = a.first else { return "" }
        if first == "\\", a.count > 1 { return "\\" + String(a[1]) }
        if first == "[", let end = a.firstIndex(of: "]") { return String(a[0...end]) }
        return String(first)
    }

    private static func overlaps(_ x: String, _ y: String) -> Bool {
        if x.isEmpty || y.isEmpty { return x == y }
        if x == y { return true }
        func covers(_ broad: String, _ other: String) -> Bool {
            switch broad {
            case ".", "\\S", "\\D", "\\W": return true
            case "\\w":
                guard other.count == 1, let character = other.first else { return other == "\\d" }
                return character.isLetter || character.isNumber || character == "_"
            case "\\d": return other.count == 1 && other.first?.isNumber == true
            case "\\s": return other == " " || other == "\\t"
            default: return broad.hasPrefix("[^")
            }
        }
        return covers(x, y) || covers(y, x)
    }

    /// True when a group that contains a quantifier is itself quantified: `(a+)+`, `(\w*)*`, `(a|b+){2,}`.
    static func hasNestedQuantifier(_ pattern: String) -> Bool {
        let chars = Array(pattern)
        var stack: [Bool] = []   // per open group: does it contain a quantifier?
        return scanStructure(chars) { index, c in
            switch c {
            case "(": stack.append(false)
            case ")":
                let inner = stack.popLast() ?? false
                let next = index + 1 < chars.count ? chars[index + 1] : " "
                let quantified = next == "*" || next == "+" || next == "{" || next == "?"
                if inner && quantified && next != "?" { return true }
                if (inner || quantified), !stack.isEmpty { stack[stack.count - 1] = true }
            case "*", "+", "{":
                if !stack.isEmpty { stack[stack.count - 1] = true }
            default: break
            }
            return false
        }
    }
}

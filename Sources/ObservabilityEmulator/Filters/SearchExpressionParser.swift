/// Parses the search expression language: a recursive-descent parser over a small tokenizer.
///
///     expr    := or;  or := and ("OR" and)*;  and := not ("AND" not)*;  not := "NOT" not | primary
///     primary := "(" expr ")" | cond | func "(" operand "," (literal | "[" literal ("," literal)* "]") ")"
///     cond    := operand ("=" | "!=" | "<>" | "<" | "<=" | ">" | ">=") literal
///              | operand ["NOT"] ("LIKE" | "ILIKE" | "CONTAINS" | "REGEXP") string
///              | operand ["NOT"] "BETWEEN" literal "AND" literal
///              | operand ["NOT"] "IN" "(" literal ("," literal)* ")"
///              | operand ("EXISTS" | "NOT" "EXISTS")
///     operand := field | field "[" string "]"
///     literal := string | number | "true" | "false"
///
/// Keywords and function names are case-insensitive, field names are not; `#` starts a comment
/// to the end of the line; strings are single-quoted (`''` or `\'` for a quote, `\\` for a
/// backslash). Limits: 10 000 characters, nesting 32 deep, 500 conditions (function calls
/// included), 1 000 items in a list.
struct SearchExpressionParser {
    static let maximumLength = 10_000
    static let maximumDepth = 32
    static let maximumConditions = 500
    static let maximumListItems = 1_000

    enum Token: Equatable {
        case word(String)          // a field name, keyword or function name
        case string(String)
        case number(String)
        case symbol(String)        // ( ) [ ] , = != <> < <= > >=
        case end
    }

    private var tokens: [(token: Token, column: Int)] = []
    private var position = 0
    private var depth = 0
    private var conditions = 0

    /// Parses `text`; nil or blank (comments only included) is `.all`.
    static func parse(_ text: String?) throws -> SearchExpression {
        guard let text else { return .all }
        guard text.unicodeScalars.count <= maximumLength else {
            throw SearchExpressionError(message: "expression longer than \(maximumLength) characters", column: maximumLength + 1)
        }
        var parser = SearchExpressionParser()
        parser.tokens = try tokenize(text)
        if parser.tokens.count == 1 { return .all }
        let expression = try parser.parseOr()
        guard case .end = parser.current.token else { throw parser.unexpected("AND, OR or the end of the expression") }
        return expression
    }

    // MARK: Tokens

    static func tokenize(_ text: String) throws -> [(token: Token, column: Int)] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [(Token, Int)] = []
        var index = 0
        func isWordStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
        func isWordPart(_ c: Unicode.Scalar) -> Bool { isWordStart(c) || ("0"..."9").contains(c) || c == "." }
        while index < scalars.count {
            let c = scalars[index]
            let column = index + 1
            if c == " " || c == "\t" || c == "\n" || c == "\r" { index += 1; continue }
            if c == "#" {
                while index < scalars.count && scalars[index] != "\n" { index += 1 }
                continue
            }
            if isWordStart(c) {
                var word = ""
                while index < scalars.count && isWordPart(scalars[index]) { word.unicodeScalars.append(scalars[index]); index += 1 }
                tokens.append((.word(word), column))
                continue
            }
            if ("0"..."9").contains(c) || ((c == "-" || c == ".") && index + 1 < scalars.count && ("0"..."9").contains(scalars[index + 1])) {
                var number = String(c)
                index += 1
                while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "." || scalars[index] == "e"
                        || scalars[index] == "E" || ((scalars[index] == "-" || scalars[index] == "+") && (number.hasSuffix("e") || number.hasSuffix("E"))) {
                    number.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard Int64(number) != nil || Double(number).map({ $0.isFinite }) == true else {
                    throw SearchExpressionError(message: "'\(number.prefix(40))' is not a number", column: column)
                }
                tokens.append((.number(number), column))
                continue
            }
            if c == "'" {
                var value = ""
                index += 1
                var closed = false
                while index < scalars.count {
                    let d = scalars[index]
                    if d == "\\" && index + 1 < scalars.count && (scalars[index + 1] == "'" || scalars[index + 1] == "\\") {
                        value.unicodeScalars.append(scalars[index + 1]); index += 2; continue
                    }
                    if d == "'" {
                        if index + 1 < scalars.count && scalars[index + 1] == "'" { value.append("'"); index += 2; continue }
                        index += 1; closed = true; break
                    }
                    value.unicodeScalars.append(d)
                    index += 1
                }
                guard closed else { throw SearchExpressionError(message: "string not closed: expected a closing '", column: column) }
                tokens.append((.string(value), column))
                continue
            }
            let two = index + 1 < scalars.count ? String(c) + String(scalars[index + 1]) : ""
            if ["!=", "<>", "<=", ">="].contains(two) { tokens.append((.symbol(two), column)); index += 2; continue }
            if "()[],=<>".unicodeScalars.contains(c) { tokens.append((.symbol(String(c)), column)); index += 1; continue }
            throw SearchExpressionError(message: "unexpected character '\(c)'", column: column)
        }
        tokens.append((.end, scalars.count + 1))
        return tokens
    }

    // MARK: Grammar

    private var current: (token: Token, column: Int) { tokens[position] }

    private func unexpected(_ expected: String) -> SearchExpressionError {
        let found: String
        switch current.token {
        case .word(let w): found = "'\(w.prefix(40))'"
        case .string(let s): found = "the string '\(s.prefix(40))'"
        case .number(let n): found = n
        case .symbol(let s): found = "'\(s)'"
        case .end: found = "the end of the expression"
        }
        return SearchExpressionError(message: "expected \(expected), found \(found)", column: current.column)
    }

    private func isKeyword(_ keyword: String, at offset: Int = 0) -> Bool {
        guard position + offset < tokens.count, case .word(let w) = tokens[position + offset].token else { return false }
        return w.uppercased() == keyword
    }

    private mutating func take(keyword: String) -> Bool {
        guard isKeyword(keyword) else { return false }
        position += 1
        return true
    }

    private mutating func take(symbol: String) -> Bool {
        guard case .symbol(symbol) = current.token else { return false }
        position += 1
        return true
    }

    private mutating func expect(symbol: String, _ what: String) throws {
        guard take(symbol: symbol) else { throw unexpected(what) }
    }

    private mutating func nested<T>(_ body: (inout SearchExpressionParser) throws -> T) throws -> T {
        guard depth < Self.maximumDepth else {
            // Point at the '(' or NOT that went one level too deep.
            throw SearchExpressionError(message: "expression nested deeper than \(Self.maximumDepth) levels", column: tokens[max(0, position - 1)].column)
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func parseOr() throws -> SearchExpression {
        var terms = [try parseAnd()]
        while take(keyword: "OR") { terms.append(try parseAnd()) }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseAnd() throws -> SearchExpression {
        var terms = [try parseNot()]
        while take(keyword: "AND") { terms.append(try parseNot()) }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseNot() throws -> SearchExpression {
        // `NOT EXISTS` after an operand belongs to the condition; a leading NOT negates.
        if take(keyword: "NOT") { return .not(try nested { try $0.parseNot() }) }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws -> SearchExpression {
        if take(symbol: "(") {
            let inner = try nested { try $0.parseOr() }
            try expect(symbol: ")", "')'")
            return inner
        }
        guard case .word(let word) = current.token else { throw unexpected("a field, a function or '('") }
        if case .symbol("(") = tokens[position + 1].token,
           let function = SearchExpression.Function.allCases.first(where: { $0.rawValue.lowercased() == word.lowercased() }) {
            position += 2
            let operand = try parseOperand()
            try expect(symbol: ",", "','")
            var values: [SearchExpression.Literal] = []
            if take(symbol: "[") {
                values = try parseLiteralList(closing: "]")
            } else {
                values = [try parseLiteral()]
            }
            try expect(symbol: ")", "')'")
            if function == .hasToken, values.count != 1 || values.first.map({ if case .string = $0 { return false }; return true }) == true {
                throw SearchExpressionError(message: "hasToken takes one string", column: operand.column)
            }
            return .function(function, operand, values)
        }
        return try parseCondition(try parseOperand())
    }

    /// Every condition and function call starts with its operand: the condition limit is
    /// counted here.
    private mutating func parseOperand() throws -> SearchExpression.Operand {
        let column = current.column
        guard case .word(let field) = current.token else { throw unexpected("a field name") }
        conditions += 1
        guard conditions <= Self.maximumConditions else {
            throw SearchExpressionError(message: "more than \(Self.maximumConditions) conditions in one expression", column: column)
        }
        position += 1
        guard take(symbol: "[") else { return .init(field: field, key: nil, column: column) }
        guard case .string(let key) = current.token else { throw unexpected("a quoted key, as in \(field)['key']") }
        position += 1
        try expect(symbol: "]", "']'")
        return .init(field: field, key: key, column: column)
    }

    private mutating func parseCondition(_ operand: SearchExpression.Operand) throws -> SearchExpression {
        if case .symbol(let symbol) = current.token, let comparison = Self.comparisons[symbol] {
            position += 1
            return .compare(operand, comparison, try parseLiteral())
        }
        let negated = take(keyword: "NOT")
        if take(keyword: "EXISTS") { return .exists(operand, negated: negated) }
        for match in [SearchExpression.Match.like, .ilike, .contains, .regexp] where take(keyword: match.rawValue) {
            guard case .string(let pattern) = current.token else { throw unexpected("a quoted string after \(match.rawValue)") }
            position += 1
            return .match(operand, match, negated: negated, pattern)
        }
        if take(keyword: "BETWEEN") {
            let low = try parseLiteral()
            guard take(keyword: "AND") else { throw unexpected("AND between the bounds of BETWEEN") }
            return .between(operand, negated: negated, low, try parseLiteral())
        }
        if take(keyword: "IN") {
            try expect(symbol: "(", "'(' after IN")
            return .oneOf(operand, negated: negated, try parseLiteralList(closing: ")"))
        }
        throw unexpected(negated ? "EXISTS, LIKE, ILIKE, CONTAINS, REGEXP, BETWEEN or IN after NOT"
                                 : "an operator (=, !=, <>, <, <=, >, >=, LIKE, ILIKE, CONTAINS, REGEXP, BETWEEN, IN, EXISTS) after \(operand.written)")
    }

    private static let comparisons: [String: SearchExpression.Comparison] = [
        "=": .eq, "!=": .neq, "<>": .neq, "<": .lt, "<=": .lte, ">": .gt, ">=": .gte,
    ]

    private mutating func parseLiteralList(closing: String) throws -> [SearchExpression.Literal] {
        var values = [try parseLiteral()]
        while take(symbol: ",") {
            values.append(try parseLiteral())
            if values.count > Self.maximumListItems {
                throw SearchExpressionError(message: "more than \(Self.maximumListItems) items in a list", column: current.column)
            }
        }
        try expect(symbol: closing, "',' or '\(closing)'")
        return values
    }

    private mutating func parseLiteral() throws -> SearchExpression.Literal {
        switch current.token {
        case .string(let text):
            position += 1
            return .string(text)
        case .number(let text):
            position += 1
            if let integer = Int64(text) { return .int(integer) }
            return .double(Double(text) ?? 0)
        case .word(let word) where word.lowercased() == "true" || word.lowercased() == "false":
            position += 1
            return .bool(word.lowercased() == "true")
        default:
            throw unexpected("a value: a quoted string, a number, true or false")
        }
    }
}

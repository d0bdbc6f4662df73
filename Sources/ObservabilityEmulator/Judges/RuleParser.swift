enum RuleParser {
    /// The most rule lines one judge's instructions hold.
    static let maximumRules = 200

    /// Parses the rule lines of `instructions`, checking each answer against the output.
    static func parse(_ instructions: String, output: JudgeOutputSpec, checkPatterns: Bool = true) throws -> [JudgeRule] {
        var rules: [JudgeRule] = []
        for (index, rawLine) in instructions.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmedSpaces
            let lower = line.lowercased()
            let isRule = (lower.hasPrefix("when ") || lower.hasPrefix("otherwise")) && line.contains("->")
            guard isRule else { continue }
            let number = index + 1
            if rules.count == maximumRules {
                throw APIError.limitExceeded("instructions line \(number): at most \(maximumRules) rules in one judge")
            }
            func fail(_ reason: String) -> APIError {
                .validation("instructions line \(number): \(reason) in rule '\(line.prefix(120))'")
            }
            // The last "->" separates the condition from the answer.
            let characters = Array(line)
            guard let arrowIndex = (0..<(characters.count - 1)).last(where: { characters[$0] == "-" && characters[$0 + 1] == ">" }) else { continue }
            let head = String(characters[..<arrowIndex]).trimmedSpaces
            let answerText = String(characters[(arrowIndex + 2)...]).trimmedSpaces
            let answer = try parseAnswer(answerText, output: output, fail: fail)
            if head.lowercased() == "otherwise" {
                rules.append(JudgeRule(condition: nil, answer: answer, line: number, source: line))
                continue
            }
            guard head.lowercased().hasPrefix("when ") else { throw fail("expected 'when <subject> <operator> \"text\"' or 'otherwise'") }
            var tokens = Tokenizer(String(head.dropFirst(5)))
            guard let subjectWord = tokens.word(), let subject = JudgeRule.Subject.parse(subjectWord) else {
                throw fail("unknown subject; use user, assistant, system, conversation, tools or properties.<key>")
            }
            guard var opWord = tokens.word()?.lowercased() else { throw fail("missing operator") }
            var negated = false
            if opWord == "not" {
                negated = true
                guard let next = tokens.word()?.lowercased() else { throw fail("missing operator after 'not'") }
                opWord = next
            } else if opWord == "notcontains" {
                negated = true
                opWord = "contains"
            } else if opWord == "inotcontains" {
                negated = true
                opWord = "icontains"
            }
            guard let op = JudgeRule.Operator(rawValue: opWord) else {
                throw fail("unknown operator '\(opWord)'; use \(JudgeRule.Operator.allCases.map(\.rawValue).joined(separator: ", ")) (optionally after 'not')")
            }
            let operand: JudgeRule.Operand
            if let quoted = try tokens.quoted(fail: fail) {
                operand = .text(quoted)
            } else if let word = tokens.word(), let other = JudgeRule.Subject.parse(word) {
                operand = .subject(other)
            } else {
                throw fail("expected a quoted \"text\" or a subject after '\(opWord)'")
            }
            guard tokens.isAtEnd() else { throw fail("unexpected text before '->'") }
            if checkPatterns, op == .matches, case .text(let pattern) = operand {
                do { try RegexPolicy.validate(pattern, path: "pattern") } catch let error as QueryError {
                    throw fail(APIError(error).message.replacingOccurrences(of: "pattern: ", with: ""))
                }
            }
            rules.append(JudgeRule(condition: (subject, negated, op, operand), answer: answer, line: number, source: line))
        }
        return rules
    }

    private static func parseAnswer(_ text: String, output: JudgeOutputSpec, fail: (String) -> APIError) throws -> JudgeRule.Answer {
        var value = text
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        guard !value.isEmpty else { throw fail("missing answer after '->'") }
        switch output {
        case .classification(let options):
            guard options.contains(where: { $0.value == value }) else {
                throw fail("answer '\(value)' is not one of the options (\(options.map(\.value).joined(separator: ", ")))")
            }
            return .option(value)
        case .regression(let min, _, let max, _):
            guard let number = Double(value), number.isFinite else { throw fail("answer '\(value)' is not a number") }
            guard number >= min && number <= max else { throw fail("answer \(value) is outside [\(min), \(max)]") }
            return .number(number)
        }
    }

    /// Splits a rule head into words and one quoted string (with \" and \\ escapes).
    struct Tokenizer {
        var chars: [Character]
        var index = 0
        init(_ text: String) { chars = Array(text) }

        mutating func isAtEnd() -> Bool { skip(); return index >= chars.count }

        mutating func skip() { while index < chars.count, chars[index] == " " || chars[index] == "\t" { index += 1 } }

        mutating func word() -> String? {
            skip()
            guard index < chars.count, chars[index] != "\"" else { return nil }
            let start = index
            while index < chars.count, chars[index] != " ", chars[index] != "\t" { index += 1 }
            return String(chars[start..<index])
        }

        mutating func quoted(fail: (String) -> APIError) throws -> String? {
            skip()
            guard index < chars.count, chars[index] == "\"" else { return nil }
            index += 1
            var out = ""
            while index < chars.count {
                let c = chars[index]
                index += 1
                if c == "\\", index < chars.count { out.append(chars[index]); index += 1; continue }
                if c == "\"" { return out }
                out.append(c)
            }
            throw fail("unterminated quoted text")
        }
    }
}

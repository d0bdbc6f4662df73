import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// The rule language written in judge instructions: what each line parses to, which lines are
/// prose, and the 422 naming the line of every bad rule.
final class RuleParserTests: XCTestCase {
    let options = JudgeOutputSpec.classification(JudgeDefinition.qualityOptions)
    let regression = JudgeOutputSpec.regression(min: 0, minDescription: "bad", max: 10, maxDescription: "good")

    func parse(_ instructions: String, output: JudgeOutputSpec? = nil) throws -> [JudgeRule] {
        try RuleParser.parse(instructions, output: output ?? options)
    }

    func assertRejected(_ instructions: String, line: Int, _ fragments: [String] = [], output: JudgeOutputSpec? = nil,
                        file: StaticString = #filePath, line sourceLine: UInt = #line) {
        assertAPIError(422, .some("VALIDATION_ERROR"), messageContains: ["instructions line \(line):"] + fragments, file: file, line: sourceLine) {
            try parse(instructions, output: output)
        }
    }

    func testAtMost200Rules() throws {
        let rules = Array(repeating: #"when assistant contains "sorry" -> poor"#, count: 200)
        XCTAssertEqual(try parse((["Prose first."] + rules).joined(separator: "\n")).count, 200)
        assertAPIError(400, .some("LIMIT_EXCEEDED"), messageContains: ["instructions line 202:", "at most 200 rules"]) {
            try parse((["Prose first."] + rules + ["otherwise -> good"]).joined(separator: "\n"))
        }
    }

    func testConditionRule() throws {
        let rules = try parse(#"when assistant contains "sorry" -> poor"#)
        XCTAssertEqual(rules.count, 1)
        let rule = try XCTUnwrap(rules.first)
        XCTAssertEqual(rule.line, 1)
        XCTAssertEqual(rule.answer, .option("poor"))
        XCTAssertEqual(rule.condition?.subject, .assistant)
        XCTAssertEqual(rule.condition?.negated, false)
        XCTAssertEqual(rule.condition?.op, .contains)
        XCTAssertEqual(rule.condition?.operand, .text("sorry"))
    }

    func testEverySubjectParses() throws {
        let subjects: [(String, JudgeRule.Subject)] = [
            ("user", .user), ("assistant", .assistant), ("system", .system), ("conversation", .conversation), ("tools", .tools),
            ("properties.expected_output", .property("expected_output")), ("properties.a.b", .property("a.b")), ("USER", .user),
        ]
        for (word, subject) in subjects {
            XCTAssertEqual(try parse("when \(word) contains \"x\" -> poor").first?.condition?.subject, subject, word)
        }
    }

    func testEveryOperatorParses() throws {
        for op in JudgeRule.Operator.allCases {
            let rule = try parse("when user \(op.rawValue) \"x\" -> poor").first
            XCTAssertEqual(rule?.condition?.op, op)
            XCTAssertEqual(rule?.condition?.negated, false)
            let negated = try parse("when user not \(op.rawValue) \"x\" -> poor").first
            XCTAssertEqual(negated?.condition?.op, op)
            XCTAssertEqual(negated?.condition?.negated, true)
        }
        XCTAssertEqual(JudgeRule.Operator.allCases.map(\.rawValue),
                       ["contains", "icontains", "equals", "iequals", "startswith", "istartswith", "endswith", "iendswith", "matches"])
    }

    func testNotContainsAliases() throws {
        let plain = try parse(#"when assistant notcontains "x" -> poor"#).first?.condition
        XCTAssertEqual(plain?.op, .contains)
        XCTAssertEqual(plain?.negated, true)
        let folded = try parse(#"when assistant inotcontains "x" -> poor"#).first?.condition
        XCTAssertEqual(folded?.op, .icontains)
        XCTAssertEqual(folded?.negated, true)
    }

    func testSubjectOperand() throws {
        let rule = try parse("when properties.expected_output equals assistant -> excellent").first
        XCTAssertEqual(rule?.condition?.subject, .property("expected_output"))
        XCTAssertEqual(rule?.condition?.operand, .subject(.assistant))
        XCTAssertEqual(rule?.answer, .option("excellent"))
    }

    func testOtherwiseRule() throws {
        let rules = try parse("otherwise -> acceptable")
        XCTAssertNil(rules.first?.condition)
        XCTAssertEqual(rules.first?.answer, .option("acceptable"))
    }

    func testKeywordsAreCaseInsensitiveAndWhitespaceTolerant() throws {
        let rules = try parse("   WHEN Assistant NOT Contains   \"x\"   ->   \"poor\"  \n\tOtherwise -> excellent")
        XCTAssertEqual(rules.count, 2)
        XCTAssertEqual(rules[0].condition?.negated, true)
        XCTAssertEqual(rules[0].answer, .option("poor"))
        XCTAssertEqual(rules[1].line, 2)
    }

    func testQuotedTextWithEscapesAndArrows() throws {
        XCTAssertEqual(try parse(#"when assistant contains "say \"hi\" \\ bye" -> poor"#).first?.condition?.operand, .text(#"say "hi" \ bye"#))
        XCTAssertEqual(try parse(#"when assistant contains "a -> b" -> poor"#).first?.condition?.operand, .text("a -> b"))
        XCTAssertEqual(try parse(#"when assistant equals "" -> poor"#).first?.condition?.operand, .text(""))
    }

    func testRegressionAnswersAreNumbers() throws {
        let rules = try parse("when user contains \"a\" -> 7.5\notherwise -> 0\nwhen user contains \"b\" -> 10", output: regression)
        XCTAssertEqual(rules.map(\.answer), [.number(7.5), .number(0), .number(10)])
    }

    func testProseLinesAreIgnoredAndLinesAreNumberedFromOne() throws {
        let instructions = """
        You are a strict reviewer. Rate the answer -> be fair.
        When in doubt, pick the lower grade.

        - excellent: the user can act on it.
        Otherwise is just a word here.
        when user matches "(?i)refund" -> poor
        """
        let rules = try parse(instructions)
        XCTAssertEqual(rules.count, 1)
        XCTAssertEqual(rules.first?.line, 6)
        XCTAssertEqual(rules.first?.condition?.op, .matches)
        XCTAssertEqual(try parse("Just prose.\nNo rules at all."), [])
        XCTAssertEqual(try parse(""), [])
    }

    // MARK: Rejections

    func testUnknownSubjectIsRejectedWithItsLine() {
        assertRejected("prose\nwhen bot contains \"x\" -> poor", line: 2, ["unknown subject"])
        assertRejected("when properties. contains \"x\" -> poor", line: 1, ["unknown subject"])
        assertRejected("when \"x\" contains user -> poor", line: 1, ["unknown subject"])
    }

    func testUnknownOrMissingOperatorIsRejected() {
        assertRejected("when assistant has \"x\" -> poor", line: 1, ["unknown operator 'has'"])
        assertRejected("when assistant eq \"x\" -> poor", line: 1, ["unknown operator 'eq'"])
        assertRejected("when assistant -> poor", line: 1, ["missing operator"])
        assertRejected("when assistant not -> poor", line: 1, ["missing operator after 'not'"])
        assertRejected("when assistant not not contains \"x\" -> poor", line: 1, ["unknown operator 'not'"])
    }

    func testBadOperandIsRejected() {
        assertRejected("when assistant contains -> poor", line: 1, ["expected a quoted"])
        assertRejected("when assistant equals robot -> poor", line: 1, ["expected a quoted"])
        assertRejected("when assistant contains \"x -> poor", line: 1, ["unterminated quoted text"])
        assertRejected("when assistant contains \"x\" and more -> poor", line: 1, ["unexpected text before '->'"])
        assertRejected("when assistant contains \"x\" \"y\" -> poor", line: 1, ["unexpected text before '->'"])
    }

    func testAnswerMustBeAnOption() {
        assertRejected("\n\n\nwhen assistant contains \"x\" -> great", line: 4, ["'great' is not one of the options", "excellent, acceptable, poor"])
        assertRejected("otherwise -> Poor", line: 1, ["'Poor' is not one of the options"])
        assertRejected("when assistant contains \"x\" ->", line: 1, ["missing answer"])
        assertRejected("otherwise -> \"\"", line: 1, ["missing answer"])
    }

    func testRegressionAnswerMustBeANumberInRange() {
        assertRejected("when user contains \"a\" -> high", line: 1, ["'high' is not a number"], output: regression)
        assertRejected("when user contains \"a\" -> 11", line: 1, ["outside [0.0, 10.0]"], output: regression)
        assertRejected("otherwise -> -1", line: 1, ["outside"], output: regression)
        assertRejected("otherwise -> nan", line: 1, ["not a number"], output: regression)
    }

    func testBadRegexIsRejected() {
        assertRejected("when user matches \"(\" -> poor", line: 1, ["invalid regular expression"])
        assertRejected("when user matches \"(a+)+\" -> poor", line: 1, ["exponential"])
    }

    func testOtherwiseWithAConditionIsRejected() {
        assertRejected("otherwise maybe -> poor", line: 1, ["expected 'when"])
    }

    func testJudgeDefinitionParseRejectsABadRuleAs422() {
        let body = JSONObject([
            ("name", "Rule judge"), ("description", "d"), ("model_name", "mistral-large-latest"),
            ("output", ["type": "CLASSIFICATION", "options": [["value": "yes", "description": "y"], ["value": "no", "description": "n"]]]),
            ("instructions", "Rate it.\nwhen assistant contains \"x\" -> maybe"), ("tools", []),
        ])
        assertAPIError(422, .some("VALIDATION_ERROR"), messageContains: ["instructions line 2", "'maybe'"]) {
            try JudgeDefinition.parse(BodyReader(object: body))
        }
    }
}

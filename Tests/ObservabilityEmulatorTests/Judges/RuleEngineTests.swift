import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// The deterministic judge: rules decide first (first match wins, `otherwise`), then the
/// heuristic, whose answers must move the right way, stay in range and never vary.
final class RuleEngineTests: XCTestCase {
    func judge(_ instructions: String, _ conversation: JudgedConversation,
               output: JudgeOutputSpec = .classification(JudgeDefinition.qualityOptions)) throws -> (analysis: String, answer: JSON) {
        RuleEngine(definition: try .make(instructions: instructions, output: output)).judge(conversation)
    }

    /// The answer when the single rule matches, else "acceptable".
    func answer(_ rule: String, _ conversation: JudgedConversation, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            return try judge("\(rule) -> poor\notherwise -> acceptable", conversation).answer.stringValue
        } catch {
            XCTFail("\(rule): \(error)", file: file, line: line)
            return nil
        }
    }

    func assertRule(_ rule: String, matches: Bool, _ conversation: JudgedConversation, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(answer(rule, conversation, file: file, line: line), matches ? "poor" : "acceptable", rule, file: file, line: line)
    }

    // MARK: Subjects

    func testEverySubjectReadsItsPartOfTheConversation() throws {
        let conversation = try JudgedConversation.make(
            system: "You are a billing assistant.", user: "Where is my refund?", assistant: "Your refund was sent on Monday.",
            toolCalls: ["lookup_order", "create_ticket"], properties: JSONObject([("expected_output", "Refund sent"), ("lang", "en")]))
        assertRule(#"when user contains "Where is my refund""#, matches: true, conversation)
        assertRule(#"when user contains "Monday""#, matches: false, conversation)
        assertRule(#"when assistant contains "Monday""#, matches: true, conversation)
        assertRule(#"when assistant contains "Where""#, matches: false, conversation)
        assertRule(#"when system contains "billing""#, matches: true, conversation)
        assertRule(#"when system contains "refund""#, matches: false, conversation)
        assertRule(#"when conversation contains "billing""#, matches: true, conversation)
        assertRule(#"when conversation contains "Where is my refund""#, matches: true, conversation)
        assertRule(#"when conversation contains "Monday""#, matches: true, conversation)
        assertRule(#"when tools contains "create_ticket""#, matches: true, conversation)
        assertRule(#"when tools equals "lookup_order, create_ticket""#, matches: true, conversation)
        assertRule(#"when tools contains "delete_account""#, matches: false, conversation)
        assertRule(#"when properties.lang equals "en""#, matches: true, conversation)
        assertRule(#"when properties.expected_output startswith "Refund""#, matches: true, conversation)
    }

    func testUserIsTheLastUserMessageAndSystemTheFirstSystemMessage() throws {
        let messages: [JSON] = [
            ["role": "system", "content": "first system"], ["role": "user", "content": "first question"],
            ["role": "assistant", "content": "first answer"], ["role": "system", "content": "second system"],
            ["role": "user", "content": "second question"], ["role": "assistant", "content": [["type": "text", "text": "chunked"], ["type": "text", "text": "answer"]]],
        ]
        let conversation = try JudgedConversation.make(messages: messages, properties: JSONObject())
        assertRule(#"when user equals "second question""#, matches: true, conversation)
        assertRule(#"when system equals "first system""#, matches: true, conversation)
        assertRule(#"when assistant startswith "chunked""#, matches: true, conversation)
        assertRule(#"when assistant endswith "answer""#, matches: true, conversation)
        assertRule(#"when assistant contains "first""#, matches: false, conversation)
    }

    func testNonStringPropertiesCompareAsJSONText() throws {
        let conversation = try JudgedConversation.make(properties: JSONObject([("score", 5), ("tags", ["a", "b"]), ("none", .null)]))
        assertRule(#"when properties.score equals "5""#, matches: true, conversation)
        assertRule(#"when properties.tags equals "[\"a\",\"b\"]""#, matches: true, conversation)
    }

    func testMissingPropertyMatchesNothingNegatedOrNot() throws {
        let conversation = try JudgedConversation.make(properties: JSONObject([("none", .null)]))
        for key in ["absent", "none"] {
            assertRule("when properties.\(key) contains \"\"", matches: false, conversation)
            assertRule("when properties.\(key) not contains \"x\"", matches: false, conversation)
            assertRule("when assistant not equals properties.\(key)", matches: false, conversation)
        }
    }

    // MARK: Operators

    func testEveryOperatorWithItsCaseRule() throws {
        let conversation = try JudgedConversation.make(assistant: "I'm Sorry, the Refund is late.")
        let cases: [(String, Bool)] = [
            (#"when assistant contains "Sorry""#, true), (#"when assistant contains "sorry""#, false),
            (#"when assistant icontains "SORRY""#, true), (#"when assistant icontains "glad""#, false),
            (#"when assistant equals "I'm Sorry, the Refund is late.""#, true), (#"when assistant equals "i'm sorry, the refund is late.""#, false),
            (#"when assistant iequals "I'M SORRY, THE REFUND IS LATE.""#, true), (#"when assistant iequals "I'm Sorry""#, false),
            (#"when assistant startswith "I'm Sorry""#, true), (#"when assistant startswith "i'm sorry""#, false),
            (#"when assistant istartswith "I'M SORRY""#, true), (#"when assistant istartswith "Sorry""#, false),
            (#"when assistant endswith "late.""#, true), (#"when assistant endswith "LATE.""#, false),
            (#"when assistant iendswith "LATE.""#, true), (#"when assistant iendswith "Refund""#, false),
            (#"when assistant matches "(?i)refund""#, true), (#"when assistant matches "refund""#, false),
            (#"when assistant matches "^I'm \\w+,""#, true), (#"when assistant matches "^Sorry""#, false),
        ]
        for (rule, expected) in cases { assertRule(rule, matches: expected, conversation) }
    }

    func testNotInvertsEveryOperator() throws {
        let conversation = try JudgedConversation.make(assistant: "Open Settings, then Security.")
        assertRule(#"when assistant not contains "Settings""#, matches: false, conversation)
        assertRule(#"when assistant not contains "Billing""#, matches: true, conversation)
        assertRule(#"when assistant notcontains "Billing""#, matches: true, conversation)
        assertRule(#"when assistant inotcontains "SETTINGS""#, matches: false, conversation)
        assertRule(#"when assistant not startswith "Close""#, matches: true, conversation)
        assertRule(#"when assistant not matches "Sec.*ty""#, matches: false, conversation)
        assertRule(#"when assistant not iequals "open settings, then security.""#, matches: false, conversation)
    }

    func testSubjectOperandComparesTwoParts() throws {
        let same = try JudgedConversation.make(assistant: "Paris", properties: JSONObject([("expected_output", "Paris")]))
        let other = try JudgedConversation.make(assistant: "Lyon", properties: JSONObject([("expected_output", "Paris")]))
        let rules = "when properties.expected_output equals assistant -> excellent\notherwise -> poor"
        XCTAssertEqual(try judge(rules, same).answer, "excellent")
        XCTAssertEqual(try judge(rules, other).answer, "poor")
        let contains = try JudgedConversation.make(user: "paris", assistant: "It is PARIS.")
        XCTAssertEqual(try judge("when assistant icontains user -> excellent\notherwise -> poor", contains).answer, "excellent")
        XCTAssertEqual(try judge("when assistant contains user -> excellent\notherwise -> poor", contains).answer, "poor")
    }

    // MARK: Rule order

    func testFirstMatchingRuleWins() throws {
        let conversation = try JudgedConversation.make(assistant: "I'm sorry, I can't help with that.")
        let result = try judge("""
            Grade the answer.
            when assistant contains "help" -> excellent
            when assistant contains "sorry" -> poor
            otherwise -> acceptable
            """, conversation)
        XCTAssertEqual(result.answer, "excellent")
        XCTAssertTrue(result.analysis.contains("line 2"), result.analysis)
        XCTAssertTrue(result.analysis.contains(#"assistant contains "help""#), result.analysis)
    }

    func testOtherwiseDecidesWhenNothingEarlierMatches() throws {
        let conversation = try JudgedConversation.make(assistant: "Fine.")
        let result = try judge("when assistant contains \"sorry\" -> poor\notherwise -> excellent\nwhen assistant contains \"Fine\" -> poor", conversation)
        XCTAssertEqual(result.answer, "excellent")
        XCTAssertTrue(result.analysis.contains("'otherwise' rule on line 2"), result.analysis)
    }

    func testNoMatchingRuleFallsBackToTheHeuristic() throws {
        let conversation = try JudgedConversation.make(assistant: "Fine.")
        let result = try judge("when assistant contains \"sorry\" -> poor", conversation)
        XCTAssertTrue(result.analysis.hasPrefix("No rule matched; heuristic score"), result.analysis)
        XCTAssertTrue(["excellent", "acceptable", "poor"].contains(result.answer.stringValue ?? ""))
    }

    func testRegressionRuleAnswersAreNumbers() throws {
        let output = JudgeOutputSpec.regression(min: 1, minDescription: "bad", max: 5, maxDescription: "good")
        let conversation = try JudgedConversation.make(user: "I want a refund now")
        XCTAssertEqual(try judge("when user matches \"(?i)REFUND\" -> 2\notherwise -> 4.5", conversation, output: output).answer, .double(2))
        XCTAssertEqual(try judge("when user matches \"nope\" -> 2\notherwise -> 4.5", conversation, output: output).answer, .double(4.5))
    }

    // MARK: Conversations that cannot be judged

    func testConversationWithoutAnAssistantAnswerIs400() {
        assertAPIError(400, .some("JUDGE_CONVERSATION_FORMAT_ERROR"), messageContains: ["messages", "no assistant message"]) {
            try JudgedConversation.make(assistant: nil)
        }
        assertAPIError(400, .some("JUDGE_CONVERSATION_FORMAT_ERROR")) { try JudgedConversation.make(assistant: "") }
        assertAPIError(400, .some("JUDGE_CONVERSATION_FORMAT_ERROR")) { try JudgedConversation.make(messages: [], properties: JSONObject()) }
    }

    func testAssistantWithOnlyAToolCallCanBeJudged() throws {
        let conversation = try JudgedConversation.make(assistant: nil, toolCalls: ["create_ticket"])
        XCTAssertEqual(try judge("when tools contains \"create_ticket\" -> excellent", conversation).answer, "excellent")
        XCTAssertGreaterThanOrEqual(Heuristic.features(of: conversation).score, 0.6)
    }

    func testMalformedMessagesAre422() {
        assertAPIError(422, .some("VALIDATION_ERROR"), messageContains: ["messages[1]", "expected a message object"]) {
            try JudgedConversation.make(messages: [["role": "user", "content": "q"], [[["null"]]]], properties: JSONObject())
        }
        assertAPIError(422, .some("VALIDATION_ERROR"), messageContains: ["messages[0].role"]) {
            try JudgedConversation.make(messages: [["content": "q"], ["role": "assistant", "content": "a"]], properties: JSONObject())
        }
    }

    // MARK: Heuristic

    let regression0to10 = JudgeOutputSpec.regression(min: 0, minDescription: "bad", max: 10, maxDescription: "good")

    func regressionAnswer(_ conversation: JudgedConversation, output: JudgeOutputSpec? = nil) throws -> Double {
        let value = try judge("Rate the answer.", conversation, output: output ?? regression0to10).answer
        return try XCTUnwrap(value.doubleValue, "\(value)")
    }

    func testAnswerMatchingExpectedOutputScoresHigher() throws {
        let expected = JSONObject([("expected_output", "The capital of France is Paris, on the Seine.")])
        let right = try JudgedConversation.make(user: "What is the capital of France?",
                                                assistant: "The capital of France is Paris, which sits on the Seine.", properties: expected)
        let wrong = try JudgedConversation.make(user: "What is the capital of France?",
                                                assistant: "Bananas are yellow fruits that are rich in potassium.", properties: expected)
        XCTAssertGreaterThan(Heuristic.features(of: right).score, Heuristic.features(of: wrong).score)
        XCTAssertGreaterThan(try regressionAnswer(right), try regressionAnswer(wrong))
        let levels = ["poor": 0, "acceptable": 1, "excellent": 2]
        let rightLevel = levels[try judge("Rate.", right).answer.stringValue ?? ""] ?? -1
        let wrongLevel = levels[try judge("Rate.", wrong).answer.stringValue ?? ""] ?? -1
        XCTAssertGreaterThan(rightLevel, wrongLevel)
    }

    func testRefusalScoresLower() throws {
        let answer = "To reset your password, open Settings, choose Security, then click Reset password and follow the emailed link."
        let helpful = try JudgedConversation.make(user: "How do I reset my password?", assistant: answer)
        let refusing = try JudgedConversation.make(user: "How do I reset my password?", assistant: "I'm sorry, I can't help with that. " + answer)
        XCTAssertTrue(Heuristic.features(of: refusing).refusal)
        XCTAssertFalse(Heuristic.features(of: helpful).refusal)
        XCTAssertLessThan(Heuristic.features(of: refusing).score, Heuristic.features(of: helpful).score)
        XCTAssertLessThan(try regressionAnswer(refusing), try regressionAnswer(helpful))
    }

    func testRefusalOptionIsChosenExactlyWhenARefusalIsDetected() throws {
        let output = JudgeOutputSpec.classification([.init(value: "refused", description: "Declines"), .init(value: "answered", description: "Answers")])
        let refusing = try JudgedConversation.make(assistant: "Lo siento, no puedo ayudarte con eso.")
        let answering = try JudgedConversation.make(assistant: "Open Settings, then Security.")
        XCTAssertEqual(try judge("Detect refusals.", refusing, output: output).answer, "refused")
        XCTAssertEqual(try judge("Detect refusals.", answering, output: output).answer, "answered")
    }

    func testLongerRelevantAnswersScoreHigherThanCurtOnes() throws {
        let curt = try JudgedConversation.make(user: "How do I reset my password?", assistant: "Settings.")
        let full = try JudgedConversation.make(user: "How do I reset my password?",
                                               assistant: "To reset your password, open Settings, go to Security, click Reset password, and follow the link we email you.")
        XCTAssertLessThan(Heuristic.features(of: curt).score, Heuristic.features(of: full).score)
    }

    func testJudgingIsDeterministic() throws {
        let conversations = [
            try JudgedConversation.make(),
            try JudgedConversation.make(user: "Wie spät ist es?", assistant: "Es ist drei Uhr."),
            try JudgedConversation.make(assistant: "I'm sorry, I cannot do that."),
            try JudgedConversation.make(assistant: nil, toolCalls: ["create_ticket"]),
            try JudgedConversation.make(properties: JSONObject([("expected_output", "Open Settings")])),
        ]
        let outputs: [JudgeOutputSpec] = [
            .classification(JudgeDefinition.qualityOptions),
            .classification([.init(value: "A", description: "first"), .init(value: "B", description: "second")]),
            regression0to10,
        ]
        for output in outputs {
            for conversation in conversations {
                let first = try judge("Rate the answer.", conversation, output: output)
                let second = try judge("Rate the answer.", conversation, output: output)
                XCTAssertEqual(first.analysis, second.analysis)
                XCTAssertEqual(first.answer.text, second.answer.text)
                // The same judge rebuilt from scratch gives the same bytes.
                let rebuilt = RuleEngine(definition: try .make(instructions: "Rate the answer.", output: output)).judge(conversation)
                XCTAssertEqual(JSON.object(JSONObject([("analysis", .string(rebuilt.analysis)), ("answer", rebuilt.answer)])).text,
                               JSON.object(JSONObject([("analysis", .string(first.analysis)), ("answer", first.answer)])).text)
            }
        }
    }

    func testAnswersStayInsideTheOutput() throws {
        let conversations = [
            try JudgedConversation.make(),
            try JudgedConversation.make(assistant: "x"),
            try JudgedConversation.make(assistant: String(repeating: "password reset settings security ", count: 300)),
            try JudgedConversation.make(assistant: "I'm sorry, I can't."),
            try JudgedConversation.make(assistant: nil, toolCalls: ["a", "b"]),
            try JudgedConversation.make(user: "What is 2+2?", assistant: "4", properties: JSONObject([("expected_output", "4")])),
        ]
        for (low, high) in [(0.0, 1.0), (1.0, 5.0), (0.0, 100.0), (2.5, 3.0), (10.0, 10.5)] {
            let output = JudgeOutputSpec.regression(min: low, minDescription: "low", max: high, maxDescription: "high")
            for conversation in conversations {
                let value = try regressionAnswer(conversation, output: output)
                XCTAssertGreaterThanOrEqual(value, low)
                XCTAssertLessThanOrEqual(value, high)
            }
        }
        let options = JudgeDefinition.qualityOptions.map(\.value)
        for conversation in conversations {
            let value = try judge("Rate.", conversation).answer.stringValue ?? ""
            XCTAssertTrue(options.contains(value), value)
        }
    }

    func testAnalysisExplainsTheHeuristic() throws {
        let result = try judge("Rate.", try JudgedConversation.make(assistant: "I'm sorry, I can't.", properties: JSONObject([("expected_output", "yes")])),
                               output: regression0to10)
        for fragment in ["heuristic score", "question overlap", "expected-output overlap", "refusal or apology detected", "in [0, 10]"] {
            XCTAssertTrue(result.analysis.contains(fragment), "\(fragment) missing from: \(result.analysis)")
        }
    }
}

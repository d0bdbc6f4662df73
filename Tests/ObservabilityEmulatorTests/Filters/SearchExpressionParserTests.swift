import XCTest
@testable import ObservabilityEmulator

/// The search expression language's parser: every construct of the grammar, the published
/// examples, and errors that name the column and what was expected.
final class SearchExpressionParserTests: XCTestCase {
    typealias E = SearchExpression

    func operand(_ field: String, _ key: String? = nil, _ column: Int = 1) -> E.Operand { .init(field: field, key: key, column: column) }

    func testEmptyAndCommentOnlyMatchEverything() throws {
        XCTAssertEqual(try SearchExpressionParser.parse(nil), .all)
        XCTAssertEqual(try SearchExpressionParser.parse(""), .all)
        XCTAssertEqual(try SearchExpressionParser.parse("  # just a comment\n  "), .all)
    }

    func testThePublishedExamples() throws {
        XCTAssertEqual(try SearchExpressionParser.parse("service_name = 'my-agent' AND status_code = 'Error'"),
                       .and([.compare(operand("service_name"), .eq, .string("my-agent")), .compare(operand("status_code", nil, 31), .eq, .string("Error"))]))
        XCTAssertEqual(try SearchExpressionParser.parse("span_attributes['gen_ai.request.model'] CONTAINS 'mistral-large'"),
                       .match(operand("span_attributes", "gen_ai.request.model"), .contains, negated: false, "mistral-large"))
        XCTAssertEqual(try SearchExpressionParser.parse("span_attributes['custom.tag'] EXISTS"), .exists(operand("span_attributes", "custom.tag"), negated: false))
        XCTAssertEqual(try SearchExpressionParser.parse("duration_ns BETWEEN 1000000 AND 5000000000"),
                       .between(operand("duration_ns"), negated: false, .int(1_000_000), .int(5_000_000_000)))
        XCTAssertEqual(try SearchExpressionParser.parse("status_code IN ('Error', 'Ok')"), .oneOf(operand("status_code"), negated: false, [.string("Error"), .string("Ok")]))
        XCTAssertEqual(try SearchExpressionParser.parse("hasany(models_used, ['mistral-large-latest', 'mistral-small-latest'])"),
                       .function(.hasAny, operand("models_used", nil, 8), [.string("mistral-large-latest"), .string("mistral-small-latest")]))
        XCTAssertEqual(try SearchExpressionParser.parse("has(models_used, 'mistral-medium-latest')"), .function(.has, operand("models_used", nil, 5), [.string("mistral-medium-latest")]))
        XCTAssertEqual(try SearchExpressionParser.parse("# slow\nduration_ns > 5000000000 # five seconds"),
                       .compare(operand("duration_ns", nil, 8), .gt, .int(5_000_000_000)))
    }

    func testPrecedenceNotAndOr() throws {
        let a = E.compare(operand("a"), .eq, .int(1))
        let parsed = try SearchExpressionParser.parse("a = 1 or not b = 2 AND c != 3.5")
        guard case .or(let terms) = parsed, terms.count == 2, terms[0] == a, case .and(let right) = terms[1], right.count == 2,
              case .not(.compare(let b, .eq, .int(2))) = right[0], b.field == "b",
              case .compare(let c, .neq, .double(3.5)) = right[1], c.field == "c" else {
            return XCTFail("\(parsed)")
        }
        XCTAssertEqual(try SearchExpressionParser.parse("(a = 1 OR b = 2) AND c = true"),
                       .and([.or([.compare(operand("a", nil, 2), .eq, .int(1)), .compare(operand("b", nil, 11), .eq, .int(2))]),
                             .compare(operand("c", nil, 22), .eq, .bool(true))]))
    }

    func testNegatedForms() throws {
        XCTAssertEqual(try SearchExpressionParser.parse("x NOT LIKE '%a\\'b%'"), .match(operand("x"), .like, negated: true, "%a'b%"))
        XCTAssertEqual(try SearchExpressionParser.parse("x not ilike 'it''s'"), .match(operand("x"), .ilike, negated: true, "it's"))
        XCTAssertEqual(try SearchExpressionParser.parse("x NOT REGEXP '^a'"), .match(operand("x"), .regexp, negated: true, "^a"))
        XCTAssertEqual(try SearchExpressionParser.parse("x NOT BETWEEN -1 AND 2e3"), .between(operand("x"), negated: true, .int(-1), .double(2000)))
        XCTAssertEqual(try SearchExpressionParser.parse("x NOT IN (1)"), .oneOf(operand("x"), negated: true, [.int(1)]))
        XCTAssertEqual(try SearchExpressionParser.parse("error_message NOT EXISTS"), .exists(operand("error_message"), negated: true))
        XCTAssertEqual(try SearchExpressionParser.parse("hasToken(body, 'timeout')"), .function(.hasToken, operand("body", nil, 10), [.string("timeout")]))
    }

    func assertError(_ text: String, column: Int, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SearchExpressionParser.parse(text), file: file, line: line) { error in
            guard let error = error as? SearchExpressionError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.column, column, error.description, file: file, line: line)
            XCTAssertTrue(error.message.contains(fragment), "'\(error.message)' does not mention '\(fragment)'", file: file, line: line)
        }
    }

    func testErrorsNameTheColumnAndWhatWasExpected() {
        assertError("service_name = ", column: 16, "expected a value")
        assertError("service_name 'x'", column: 14, "expected an operator")
        assertError("a = 1 AND", column: 10, "expected a field")
        assertError("(a = 1", column: 7, "expected ')'")
        assertError("a = 'open", column: 5, "string not closed")
        assertError("a = 1 b = 2", column: 7, "expected AND, OR or the end")
        assertError("a LIKE 5", column: 8, "quoted string after LIKE")
        assertError("a BETWEEN 1 OR 2", column: 13, "AND between the bounds")
        assertError("attrs[key] = 1", column: 7, "quoted key")
        assertError("a = 1 ; b", column: 7, "unexpected character ';'")
        assertError("hasToken(body, ['a', 'b'])", column: 10, "hasToken takes one string")
        assertError("a IN (1, 2", column: 11, "',' or ')'")
        assertError("a = 1.2.3", column: 5, "is not a number")
    }

    func testLimits() {
        assertError(String(repeating: "(", count: 40) + "a = 1" + String(repeating: ")", count: 40), column: 33, "nested deeper than 32")
        let list = (0...1000).map(String.init).joined(separator: ", ")
        XCTAssertThrowsError(try SearchExpressionParser.parse("a IN (\(list))"))
        XCTAssertThrowsError(try SearchExpressionParser.parse(String(repeating: " ", count: 10_001)))
        XCTAssertNoThrow(try SearchExpressionParser.parse("a IN (\((0..<1000).map(String.init).joined(separator: ",")))"))
        // 500 conditions, functions included, and not one more: the 501st is named by its column.
        let conditions = (0..<500).map { $0 % 2 == 0 ? "a = \($0)" : "hasToken(b, 'x')" }
        XCTAssertNoThrow(try SearchExpressionParser.parse(conditions.joined(separator: " OR ")))
        let over = conditions.joined(separator: " OR ") + " OR c = 1"
        assertError(over, column: over.count - 4, "more than 500 conditions")
    }
}

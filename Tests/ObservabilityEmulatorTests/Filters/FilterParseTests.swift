import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// `Filter.parse` checks the schema: shapes that do not fit the OpenAPI are 422 with the key
/// path; the depth and size limits are 400.
final class FilterParseTests: XCTestCase {
    func parse(_ value: JSON?) throws -> Filter {
        try Filter.parse(value, path: "search_params.filters")
    }

    func condition(_ field: JSON, _ op: JSON, _ value: JSON) -> JSON {
        .object(JSONObject([("field", field), ("op", op), ("value", value)]))
    }

    func assert422(_ value: JSON, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        assertAPIError(422, .some("VALIDATION_ERROR"), messageContains: fragments, file: file, line: line) { try parse(value) }
    }

    func testConditionAndGroupsParse() throws {
        XCTAssertEqual(try parse(condition("model_name", "eq", "m")),
                       .condition(field: "model_name", op: .eq, value: "m", path: "search_params.filters"))
        let group = try parse(["AND": [condition("a", "eq", 1)], "OR": [condition("b", "neq", 2)]])
        XCTAssertEqual(group, .group(and: [.condition(field: "a", op: .eq, value: 1, path: "search_params.filters.AND[0]")],
                                     or: [.condition(field: "b", op: .neq, value: 2, path: "search_params.filters.OR[0]")]))
    }

    func testNullAndEmptyAreEverything() throws {
        XCTAssertEqual(try parse(nil), .all)
        XCTAssertEqual(try parse(.null), .all)
        XCTAssertEqual(try parse([:]), .all)
        XCTAssertEqual(try parse(["AND": nil, "OR": []]), .all)
    }

    func testEveryOperatorOfTheEnumParses() throws {
        let operators = ["lt", "lte", "gt", "gte", "startswith", "istartswith", "endswith", "iendswith", "contains", "icontains", "matches",
                         "notcontains", "inotcontains", "eq", "neq", "isnull", "includes", "excludes", "len_eq"]
        XCTAssertEqual(Set(FilterOperator.allCases.map(\.rawValue)), Set(operators))
        for op in operators { XCTAssertNoThrow(try parse(condition("f", .string(op), "v")), op) }
    }

    func testOperatorOutsideTheEnumIs422() {
        for op in ["like", "EQ", "equals", "", "==", "in"] {
            assert422(condition("model_name", .string(op), "x"), ["search_params.filters.op", "is not one of"])
        }
        assert422(["OR": [condition("model_name", "eq", "x"), condition("model_name", "regex", "x")]], ["search_params.filters.OR[1].op"])
    }

    func testMissingKeysAre422() {
        assert422(["op": "eq", "value": "x"], ["search_params.filters.field", "field required"])
        assert422(["field": "model_name", "value": "x"], ["search_params.filters.op", "field required"])
        assert422(["field": "model_name", "op": "eq"], ["search_params.filters.value", "field required"])
        assert422(["AND": [["field": "model_name", "op": "eq"]]], ["search_params.filters.AND[0].value", "field required"])
    }

    func testWrongJSONTypesAre422() {
        assert422(condition(1, "eq", "x"), ["search_params.filters.field", "expected a string"])
        assert422(condition(.null, "eq", "x"), ["search_params.filters.field", "expected a string"])
        assert422(condition("model_name", 3, "x"), ["search_params.filters.op", "expected a string"])
        assert422(condition("model_name", ["eq"], "x"), ["search_params.filters.op", "expected a string"])
        assert422("model_name = 'x'", ["search_params.filters", "got a string"])
        assert422([condition("model_name", "eq", "x")], ["search_params.filters", "got an array"])
        assert422(42, ["search_params.filters"])
        assert422(["AND": "x"], ["search_params.filters.AND", "expected an array or null"])
        assert422(["OR": ["field": "a"]], ["search_params.filters.OR", "expected an array or null"])
        assert422(["AND": [.null]], ["search_params.filters.AND[0]", "got null"])
        assert422(["AND": [5]], ["search_params.filters.AND[0]", "got a number"])
        assert422(["AND": [["OR": [true]]]], ["search_params.filters.AND[0].OR[0]", "got a boolean"])
    }

    func testValueIsUntypedInTheSchema() throws {
        // `value` may be any JSON: type checks against the field are the compiler's (400), not 422.
        for value: JSON in [.null, 1, 1.5, true, "s", ["a"], ["k": "v"]] {
            XCTAssertNoThrow(try parse(condition("model_name", "eq", value)))
        }
    }

    /// `depth` groups around one condition: the condition sits at that depth.
    func nested(_ depth: Int) -> JSON {
        var value = condition("model_name", "eq", "x")
        for _ in 0..<depth { value = ["AND": [value]] }
        return value
    }

    func testDepthLimitIs400() throws {
        XCTAssertNoThrow(try parse(nested(Filter.maximumDepth - 1)))
        assertAPIError(400, .some("SEARCH_BAD_REQUEST"), messageContains: ["nest deeper than \(Filter.maximumDepth)"]) {
            try parse(nested(Filter.maximumDepth))
        }
        assertAPIError(400, .some("SEARCH_BAD_REQUEST")) { try parse(nested(150)) }
    }

    func testSizeLimitIs400() throws {
        let conditions = { (count: Int) -> JSON in .object(JSONObject([("OR", .array((0..<count).map { _ in self.condition("input_tokens", "eq", 1) }))])) }
        XCTAssertNoThrow(try parse(conditions(Filter.maximumConditions)))
        assertAPIError(400, .some("SEARCH_BAD_REQUEST"), messageContains: ["more than \(Filter.maximumConditions) conditions"]) {
            try parse(conditions(Filter.maximumConditions + 1))
        }
    }

    func testSizeLimitCountsAcrossNestedGroups() {
        let half = JSON.array((0..<260).map { _ in condition("input_tokens", "eq", 1) })
        assertAPIError(400, .some("SEARCH_BAD_REQUEST")) { try parse(["AND": [["OR": half], ["OR": half]]]) }
    }
}

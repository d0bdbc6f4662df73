import Foundation
import EmulatorJSON
import EmulatorStore
import XCTest
@testable import ObservabilityEmulator

/// What every filter compiles to: the exact SQL and arguments for each operator of each field
/// type, proof that request values reach only the arguments, and each rejection with its path.
final class FilterCompilerTests: XCTestCase {
    static let workspace = "ws-filter-tests"
    static let classificationJudge = "11111111-1111-4111-8111-111111111111"
    static let regressionJudge = "22222222-2222-4222-8222-222222222222"
    static let boolJudge = "33333333-3333-4333-8333-333333333333"

    static let hostileValues = [
        "'; DROP TABLE events; --",
        "x' OR '1'='1",
        "\") OR 1=1 --",
        "Robert'); DELETE FROM judges; --",
        "%' AND 1=0 UNION SELECT body FROM events --",
    ]

    let compiler = QueryCompiler(.events(workspaceID: FilterCompilerTests.workspace, judgeOutputType: { id in
        switch id {
        case FilterCompilerTests.classificationJudge: return .TEXT
        case FilterCompilerTests.regressionJudge: return .FLOAT
        case FilterCompilerTests.boolJudge: return .BOOL
        default: return nil
        }
    }))

    func compile(_ filters: JSON?) throws -> CompiledFilter {
        let compiled = try compiler.compile(try Filter.parse(filters, path: "search_params.filters"))
        assertNoLiteralsInSQL(compiled)
        return compiled
    }

    func condition(_ field: String, _ op: String, _ value: JSON) -> JSON {
        .object(JSONObject([("field", .string(field)), ("op", .string(op)), ("value", value)]))
    }

    /// Compiled SQL is made of catalogue names, fixed operators and `?` only: no quote, no
    /// statement separator, no comment can come from a request.
    func assertNoLiteralsInSQL(_ compiled: CompiledFilter, file: StaticString = #filePath, line: UInt = #line) {
        for forbidden in ["'", "\"", ";", "--", "/*"] {
            XCTAssertFalse(compiled.sql.contains(forbidden), "SQL contains \(forbidden): \(compiled.sql)", file: file, line: line)
        }
        let placeholders = compiled.sql.filter { $0 == "?" }.count
        XCTAssertEqual(placeholders, compiled.arguments.count, "placeholders and arguments differ: \(compiled.sql)", file: file, line: line)
    }

    func assertCompiles(_ field: String, _ op: String, _ value: JSON, sql: String, arguments: [DatabaseValue],
                        file: StaticString = #filePath, line: UInt = #line) {
        do {
            let compiled = try compile(condition(field, op, value))
            XCTAssertEqual(compiled.sql, sql, "\(field) \(op)", file: file, line: line)
            XCTAssertEqual(compiled.arguments, arguments, "\(field) \(op)", file: file, line: line)
        } catch {
            XCTFail("\(field) \(op) \(value.text): \(error)", file: file, line: line)
        }
    }

    func assertRejected(_ filters: JSON, status: Int = 400, code: String = "SEARCH_BAD_REQUEST", messageContains: [String],
                        file: StaticString = #filePath, line: UInt = #line) {
        assertAPIError(status, .some(code), messageContains: messageContains, file: file, line: line) {
            try compiler.compile(try Filter.parse(filters, path: "search_params.filters"))
        }
    }

    // MARK: No filter

    func testNullAndEmptyGroupsMatchEverything() throws {
        for filters: JSON? in [nil, .null, [:], ["AND": []], ["OR": []], ["AND": nil, "OR": nil], ["AND": [], "OR": nil]] {
            let compiled = try compile(filters)
            XCTAssertEqual(compiled.sql, "1", filters?.text ?? "nil")
            XCTAssertEqual(compiled.arguments, [])
        }
    }

    // MARK: TEXT

    func testEveryTextOperator() {
        let x = "e.first_system_message"
        assertCompiles("first_system_message", "eq", "Ab", sql: "(\(x) = ?)", arguments: [.text("Ab")])
        assertCompiles("first_system_message", "neq", "Ab", sql: "(\(x) <> ?)", arguments: [.text("Ab")])
        assertCompiles("first_system_message", "contains", "Ab", sql: "(instr(\(x), ?) > 0)", arguments: [.text("Ab")])
        assertCompiles("first_system_message", "icontains", "ÀbC", sql: "(instr(ulower(\(x)), ?) > 0)", arguments: [.text("àbc")])
        assertCompiles("first_system_message", "notcontains", "Ab", sql: "(instr(\(x), ?) = 0)", arguments: [.text("Ab")])
        assertCompiles("first_system_message", "inotcontains", "AB", sql: "(instr(ulower(\(x)), ?) = 0)", arguments: [.text("ab")])
        assertCompiles("first_system_message", "startswith", "Héllo", sql: "(substr(\(x), 1, ?) = ?)", arguments: [.integer(5), .text("Héllo")])
        assertCompiles("first_system_message", "istartswith", "HÉllo", sql: "(substr(ulower(\(x)), 1, ?) = ?)", arguments: [.integer(5), .text("héllo")])
        assertCompiles("first_system_message", "endswith", "End?", sql: "(substr(\(x), ?) = ?)", arguments: [.integer(-4), .text("End?")])
        assertCompiles("first_system_message", "iendswith", "END😀", sql: "(substr(ulower(\(x)), ?) = ?)", arguments: [.integer(-4), .text("end😀")])
        assertCompiles("first_system_message", "matches", "^a.c$", sql: "(regexp_match(?, \(x)) = 1)", arguments: [.text("^a.c$")])
        assertCompiles("first_system_message", "isnull", true, sql: "(\(x) IS NULL)", arguments: [])
        assertCompiles("first_system_message", "isnull", false, sql: "(\(x) IS NOT NULL)", arguments: [])
    }

    func testEmptySuffixMatchesAnyNonNullText() {
        assertCompiles("response_messages_preview", "endswith", "", sql: "(e.response_messages_preview IS NOT NULL)", arguments: [])
        assertCompiles("response_messages_preview", "iendswith", "", sql: "(e.response_messages_preview IS NOT NULL)", arguments: [])
    }

    func testEveryFixedTextFieldReadsItsColumn() {
        for (field, column) in [("event_id", "event_id"), ("correlation_id", "correlation_id"), ("api_agent_id", "api_agent_id"),
                                ("first_system_message", "first_system_message"), ("last_user_message_preview", "last_user_message_preview"),
                                ("response_messages_preview", "response_messages_preview")] {
            assertCompiles(field, "eq", "v", sql: "(e.\(column) = ?)", arguments: [.text("v")])
        }
    }

    func testTextRejectsOtherOperators() {
        for op in ["lt", "lte", "gt", "gte", "includes", "excludes", "len_eq"] {
            assertRejected(condition("last_user_message_preview", op, "x"),
                           messageContains: ["search_params.filters.op", "'\(op)'", "last_user_message_preview"])
        }
    }

    func testTextRejectsNonStringValues() {
        for value: JSON in [1, 1.5, true, .null, ["a"], ["k": "v"]] {
            assertRejected(condition("last_user_message_preview", "contains", value),
                           messageContains: ["search_params.filters.value", "expected a string", "last_user_message_preview"])
        }
    }

    // MARK: metadata.<key>

    func testMetadataKeyIsBoundNotInlined() {
        let x = "json_extract(e.metadata, ?)"
        assertCompiles("metadata.team", "eq", "support", sql: "(\(x) = ?)", arguments: [.text(#"$."team""#), .text("support")])
        assertCompiles("metadata.team", "icontains", "SUP", sql: "(instr(ulower(\(x)), ?) > 0)", arguments: [.text(#"$."team""#), .text("sup")])
        assertCompiles("metadata.team", "startswith", "su", sql: "(substr(\(x), 1, ?) = ?)", arguments: [.text(#"$."team""#), .integer(2), .text("su")])
        assertCompiles("metadata.team", "isnull", true, sql: "(\(x) IS NULL)", arguments: [.text(#"$."team""#)])
        assertCompiles("metadata.a.b c", "neq", "v", sql: "(\(x) <> ?)", arguments: [.text(#"$."a.b c""#), .text("v")])
    }

    func testHostileMetadataKeyReachesOnlyTheArguments() throws {
        for key in ["x') OR 1=1 --", "x\" OR 1=1; DROP TABLE events; --", "'", "*/ OR 1=1 /*"] {
            let compiled = try compile(condition("metadata." + key, "eq", "v"))
            XCTAssertFalse(compiled.sql.contains(key), compiled.sql)
            // A key a JSON path can spell is bound inside one; any other is compared as it is.
            XCTAssertEqual(compiled.arguments.first, .text(key.contains("\"") ? key : "$.\"\(key)\""))
        }
    }

    func testEmptyMetadataKeyIsAnUnknownField() {
        assertRejected(condition("metadata.", "eq", "v"), messageContains: ["search_params.filters.field", "unknown field"])
    }

    // MARK: ENUM

    func testEveryEnumOperator() {
        let x = "e.model_name"
        assertCompiles("model_name", "eq", "mistral-large-latest", sql: "(\(x) = ?)", arguments: [.text("mistral-large-latest")])
        assertCompiles("model_name", "neq", "m", sql: "(\(x) <> ?)", arguments: [.text("m")])
        assertCompiles("model_name", "startswith", "mis", sql: "(substr(\(x), 1, ?) = ?)", arguments: [.integer(3), .text("mis")])
        assertCompiles("model_name", "istartswith", "MIS", sql: "(substr(ulower(\(x)), 1, ?) = ?)", arguments: [.integer(3), .text("mis")])
        assertCompiles("model_name", "contains", "large", sql: "(instr(\(x), ?) > 0)", arguments: [.text("large")])
        assertCompiles("model_name", "icontains", "LARGE", sql: "(instr(ulower(\(x)), ?) > 0)", arguments: [.text("large")])
        assertCompiles("model_name", "includes", ["a", "b"], sql: "(\(x) IN (?, ?))", arguments: [.text("a"), .text("b")])
        assertCompiles("model_name", "excludes", ["a"], sql: "(\(x) NOT IN (?))", arguments: [.text("a")])
        assertCompiles("model_name", "isnull", true, sql: "(\(x) IS NULL)", arguments: [])
        assertCompiles("model_name", "isnull", false, sql: "(\(x) IS NOT NULL)", arguments: [])
    }

    func testEnumListWithNoItems() {
        assertCompiles("model_name", "includes", [], sql: "0", arguments: [])
        assertCompiles("model_name", "excludes", [], sql: "(e.model_name IS NOT NULL)", arguments: [])
    }

    func testEnumRejectsOtherOperatorsAndBadLists() {
        for op in ["endswith", "iendswith", "matches", "notcontains", "inotcontains", "lt", "gte", "len_eq"] {
            assertRejected(condition("model_name", op, "x"), messageContains: ["search_params.filters.op", "'\(op)'", "model_name"])
        }
        assertRejected(condition("model_name", "includes", "a"), messageContains: ["search_params.filters.value", "a list of strings"])
        assertRejected(condition("model_name", "includes", ["a", 1]), messageContains: ["search_params.filters.value", "a list of strings"])
        assertRejected(condition("model_name", "eq", ["a"]), messageContains: ["search_params.filters.value", "expected a string"])
    }

    // MARK: INT, FLOAT, TIMESTAMP

    func testEveryIntOperator() {
        for (op, symbol) in [("eq", "="), ("neq", "<>"), ("lt", "<"), ("lte", "<="), ("gt", ">"), ("gte", ">=")] {
            assertCompiles("input_tokens", op, 42, sql: "(e.input_tokens \(symbol) ?)", arguments: [.integer(42)])
        }
        assertCompiles("output_tokens", "gt", -1, sql: "(e.output_tokens > ?)", arguments: [.integer(-1)])
        assertCompiles("nb_messages", "isnull", false, sql: "(e.nb_messages IS NOT NULL)", arguments: [])
    }

    func testIntRejectsNonIntegers() {
        for value: JSON in ["42", 4.5, 4.0, true, .null, [1]] {
            assertRejected(condition("input_tokens", "gt", value), messageContains: ["search_params.filters.value", "an integer", "input_tokens"])
        }
        for op in ["contains", "startswith", "matches", "includes", "len_eq"] {
            assertRejected(condition("input_tokens", op, 1), messageContains: ["search_params.filters.op", "'\(op)'"])
        }
    }

    func testEveryFloatOperator() {
        for (op, symbol) in [("eq", "="), ("neq", "<>"), ("lt", "<"), ("lte", "<="), ("gt", ">"), ("gte", ">=")] {
            assertCompiles("total_time_elapsed", op, 1.5, sql: "(e.total_time_elapsed \(symbol) ?)", arguments: [.real(1.5)])
        }
        assertCompiles("total_time_elapsed", "lt", 2, sql: "(e.total_time_elapsed < ?)", arguments: [.real(2)])
        assertCompiles("total_time_elapsed", "isnull", true, sql: "(e.total_time_elapsed IS NULL)", arguments: [])
    }

    func testFloatRejectsNonNumbers() {
        for value: JSON in ["1.5", true, false, .null, [1.5]] {
            assertRejected(condition("total_time_elapsed", "gt", value), messageContains: ["search_params.filters.value", "a number", "total_time_elapsed"])
        }
    }

    func testEveryTimestampOperator() {
        let ms: Int64 = 1_759_870_561_974
        for (op, symbol) in [("eq", "="), ("neq", "<>"), ("lt", "<"), ("lte", "<="), ("gt", ">"), ("gte", ">=")] {
            assertCompiles("timestamp", op, "2025-10-07T20:56:01.974Z", sql: "(e.created_ms \(symbol) ?)", arguments: [.integer(ms)])
        }
        assertCompiles("timestamp", "gte", "2025-10-07T22:56:01.974+02:00", sql: "(e.created_ms >= ?)", arguments: [.integer(ms)])
        assertCompiles("timestamp", "lt", "2025-10-07", sql: "(e.created_ms < ?)", arguments: [.integer(1_759_795_200_000)])
        assertCompiles("timestamp", "isnull", false, sql: "(e.created_ms IS NOT NULL)", arguments: [])
    }

    func testTimestampRejectsBadDates() {
        for value: JSON in ["yesterday", "2025-13-01T00:00:00Z", "2025-10-07T20:56", "07/10/2025", ""] {
            assertRejected(condition("timestamp", "gt", value), messageContains: ["search_params.filters.value", "timestamp"])
        }
        for value: JSON in [1_759_870_561_974, true, .null] {
            assertRejected(condition("timestamp", "gt", value), messageContains: ["search_params.filters.value", "date-time"])
        }
    }

    // MARK: ARRAY

    func testEveryArrayOperator() {
        assertCompiles("invoked_tools", "includes", "search_docs",
                       sql: "EXISTS (SELECT 1 FROM json_each(e.invoked_tools) AS j WHERE j.value = ?)", arguments: [.text("search_docs")])
        assertCompiles("enabled_tools", "excludes", "create_ticket",
                       sql: "NOT EXISTS (SELECT 1 FROM json_each(e.enabled_tools) AS j WHERE j.value = ?)", arguments: [.text("create_ticket")])
        assertCompiles("invoked_tools", "len_eq", 2, sql: "(json_array_length(e.invoked_tools) = ?)", arguments: [.integer(2)])
        assertCompiles("invoked_tools", "len_eq", 0, sql: "(json_array_length(e.invoked_tools) = ?)", arguments: [.integer(0)])
        // ARRAY fields are never null: no tools is [].
        assertCompiles("invoked_tools", "isnull", true, sql: "0", arguments: [])
        assertCompiles("invoked_tools", "isnull", false, sql: "1", arguments: [])
    }

    func testArrayRejectsOtherOperatorsAndValues() {
        for op in ["eq", "neq", "contains", "lt", "matches", "startswith"] {
            assertRejected(condition("invoked_tools", op, "x"), messageContains: ["search_params.filters.op", "'\(op)'", "invoked_tools"])
        }
        assertRejected(condition("invoked_tools", "includes", ["a"]), messageContains: ["search_params.filters.value", "a string"])
        assertRejected(condition("invoked_tools", "len_eq", -1), messageContains: ["search_params.filters.value", "non-negative integer"])
        assertRejected(condition("invoked_tools", "len_eq", "2"), messageContains: ["search_params.filters.value", "non-negative integer"])
    }

    // MARK: Judge annotations and BOOL

    func testClassificationJudgeFieldIsTextOverItsAnnotation() {
        let id = Self.classificationJudge
        assertCompiles("__judge_" + id, "eq", "excellent",
                       sql: "((SELECT a.value_text FROM annotations AS a WHERE a.event_rowid = e.rowid AND a.workspace_id = ? AND a.judge_id = ?) = ?)",
                       arguments: [.text(Self.workspace), .text(id), .text("excellent")])
        // Upper-case ids name the same judge.
        assertCompiles("__judge_" + id.uppercased(), "isnull", true,
                       sql: "((SELECT a.value_text FROM annotations AS a WHERE a.event_rowid = e.rowid AND a.workspace_id = ? AND a.judge_id = ?) IS NULL)",
                       arguments: [.text(Self.workspace), .text(id)])
    }

    func testRegressionJudgeFieldIsFloatOverItsAnnotation() {
        let id = Self.regressionJudge
        assertCompiles("__judge_" + id, "gte", 0.5,
                       sql: "((SELECT a.value_num FROM annotations AS a WHERE a.event_rowid = e.rowid AND a.workspace_id = ? AND a.judge_id = ?) >= ?)",
                       arguments: [.text(Self.workspace), .text(id), .real(0.5)])
        assertRejected(condition("__judge_" + id, "contains", "x"), messageContains: ["search_params.filters.op", "'contains'"])
    }

    func testEveryBoolOperator() {
        let x = "(SELECT a.value_text FROM annotations AS a WHERE a.event_rowid = e.rowid AND a.workspace_id = ? AND a.judge_id = ?)"
        let prefix: [DatabaseValue] = [.text(Self.workspace), .text(Self.boolJudge)]
        assertCompiles("__judge_" + Self.boolJudge, "eq", true, sql: "(\(x) = ?)", arguments: prefix + [.integer(1)])
        assertCompiles("__judge_" + Self.boolJudge, "neq", false, sql: "(\(x) <> ?)", arguments: prefix + [.integer(0)])
        assertCompiles("__judge_" + Self.boolJudge, "isnull", true, sql: "(\(x) IS NULL)", arguments: prefix)
        assertRejected(condition("__judge_" + Self.boolJudge, "eq", "true"), messageContains: ["search_params.filters.value", "a boolean"])
        assertRejected(condition("__judge_" + Self.boolJudge, "gt", true), messageContains: ["search_params.filters.op", "'gt'"])
    }

    func testUnknownOrMalformedJudgeFieldIsUnknown() {
        for field in ["__judge_44444444-4444-4444-8444-444444444444", "__judge_not-a-uuid", "__judge_", "__judge_' OR 1=1 --"] {
            assertRejected(condition(field, "eq", "x"), messageContains: ["search_params.filters.field", "unknown field"])
        }
    }

    // MARK: isnull

    func testIsNullNeedsABoolean() {
        for value: JSON in ["true", 1, .null, []] {
            assertRejected(condition("model_name", "isnull", value), messageContains: ["search_params.filters.value", "a boolean"])
        }
    }

    // MARK: Groups

    func testAndGroup() throws {
        let compiled = try compile(["AND": [condition("model_name", "eq", "m"), condition("input_tokens", "gt", 5)]])
        XCTAssertEqual(compiled.sql, "(((e.model_name = ?) AND (e.input_tokens > ?)))")
        XCTAssertEqual(compiled.arguments, [.text("m"), .integer(5)])
    }

    func testOrGroup() throws {
        let compiled = try compile(["OR": [condition("model_name", "eq", "a"), condition("model_name", "eq", "b")]])
        XCTAssertEqual(compiled.sql, "(((e.model_name = ?) OR (e.model_name = ?)))")
        XCTAssertEqual(compiled.arguments, [.text("a"), .text("b")])
    }

    func testGroupWithBothMeansAllOfAndAnyOfOr() throws {
        let compiled = try compile(["AND": [condition("model_name", "eq", "a")], "OR": [condition("input_tokens", "lt", 1), condition("input_tokens", "gt", 9)]])
        XCTAssertEqual(compiled.sql, "(((e.model_name = ?)) AND ((e.input_tokens < ?) OR (e.input_tokens > ?)))")
        XCTAssertEqual(compiled.arguments, [.text("a"), .integer(1), .integer(9)])
    }

    func testNestedGroupsKeepArgumentOrder() throws {
        let filters: JSON = ["OR": [
            ["AND": [condition("metadata.k", "eq", "v1"), condition("invoked_tools", "includes", "t")]],
            ["AND": [], "OR": nil],
            condition("timestamp", "lt", "2025-01-01T00:00:00Z"),
        ]]
        let compiled = try compile(filters)
        XCTAssertEqual(compiled.sql, "(((((json_extract(e.metadata, ?) = ?) AND EXISTS (SELECT 1 FROM json_each(e.invoked_tools) AS j WHERE j.value = ?))) OR 1 OR (e.created_ms < ?)))")
        XCTAssertEqual(compiled.arguments, [.text(#"$."k""#), .text("v1"), .text("t"), .integer(1_735_689_600_000)])
    }

    // MARK: Injection

    func testHostileValuesReachOnlyTheArguments() throws {
        var textOperators = ["eq", "neq", "contains", "icontains", "notcontains", "inotcontains", "startswith", "istartswith", "endswith", "iendswith"]
        textOperators.append("matches")
        for hostile in Self.hostileValues {
            for op in textOperators {
                let pattern = op == "matches" ? NSRegularExpression.escapedPattern(for: hostile) : hostile
                let compiled = try compile(condition("last_user_message_preview", op, .string(pattern)))
                XCTAssertFalse(compiled.sql.contains(hostile), compiled.sql)
                XCTAssertTrue(compiled.arguments.contains { $0.string?.lowercased().contains(pattern.lowercased()) ?? false }, "\(op): \(compiled.arguments)")
            }
            for (field, op, value) in [("model_name", "includes", JSON.array([.string(hostile)])), ("invoked_tools", "includes", .string(hostile)),
                                       ("metadata.team", "eq", .string(hostile)), ("__judge_" + Self.classificationJudge, "eq", .string(hostile))] {
                let compiled = try compile(condition(field, op, value))
                XCTAssertFalse(compiled.sql.contains(hostile), compiled.sql)
                XCTAssertTrue(compiled.arguments.contains(.text(hostile)), "\(field): \(compiled.arguments)")
            }
        }
    }

    func testHostileFieldNamesAreUnknownFields() {
        for field in ["event_id; DROP TABLE events", "model_name'", "e.model_name", "(SELECT 1)", "MODEL_NAME", " model_name", "rowid", "body"] {
            assertRejected(condition(field, "eq", "x"), messageContains: ["search_params.filters.field", "unknown field"])
        }
    }

    // MARK: Rejections name the path

    func testUnknownFieldNamesItsPath() {
        assertRejected(["AND": [condition("model_name", "eq", "a"), ["OR": [condition("no_such_field", "eq", "x")]]]],
                       messageContains: ["search_params.filters.AND[1].OR[0].field", "unknown field 'no_such_field'"])
    }

    func testUnsupportedOperatorNamesItsPath() {
        assertRejected(["OR": [condition("model_name", "eq", "a"), condition("input_tokens", "contains", "1")]],
                       messageContains: ["search_params.filters.OR[1].op", "'contains'", "input_tokens", "INT"])
    }

    func testWrongValueTypeNamesItsPath() {
        assertRejected(["AND": [condition("input_tokens", "gt", "100")]],
                       messageContains: ["search_params.filters.AND[0].value", "input_tokens"])
    }

    func testBadRegexIs400() {
        for pattern in ["(", "[a-", "a{2,1}", "*a", "(?<name"] {
            assertRejected(condition("response_messages_preview", "matches", .string(pattern)),
                           messageContains: ["search_params.filters.value", "invalid regular expression"])
        }
    }

    func testNestedQuantifierIs400() {
        for pattern in ["(a+)+", "(a*)*", "(\\w+\\s?)*$", "(a|b+){2,}", "((ab)+)+", "(x+x+)+y"] {
            assertRejected(condition("response_messages_preview", "matches", .string(pattern)),
                           messageContains: ["search_params.filters.value", "exponential"])
        }
    }

    func testOverlappingAlternationUnderAQuantifierIs400() {
        // An unsafe pattern is a 400. Each of these backtracks exponentially in ICU
        // (NSRegularExpression): about 3 s on 24 characters, doubling with each one more, so one
        // ingested event of 40 "a"s would hold a reader connection for days.
        for pattern in ["(a|a)*$", "(x|x)+y", "(\\w|a)*$"] {
            assertRejected(condition("response_messages_preview", "matches", .string(pattern)),
                           messageContains: ["search_params.filters.value"])
        }
    }

    func testSafePatternsAreAccepted() throws {
        for pattern in ["(ab)+", "a+b*c?", "[(a+)]+", "\\(a+\\)+", "(?i)refund", "^(foo|bar)$", "(a+)?", "\\d{3}-\\d{4}"] {
            XCTAssertNoThrow(try compile(condition("response_messages_preview", "matches", .string(pattern))), pattern)
        }
    }

    func testOverlongPatternIs400() {
        assertRejected(condition("response_messages_preview", "matches", .string(String(repeating: "a", count: 513))),
                       messageContains: ["search_params.filters.value", "longer than 512"])
        XCTAssertNoThrow(try compile(condition("response_messages_preview", "matches", .string(String(repeating: "a", count: 512)))))
    }
}

/// Inputs found by Fuzz/run.sh, kept as regression tests.
final class FuzzRegressionTests: XCTestCase {
    /// Found by FilterFuzz: compiling this pattern leaked inside Foundation. It must still be
    /// answered (accepted or refused with 400), and compiling it twice goes through the cache.
    func testFuzzFoundPatternIsAnsweredAndCached() throws {
        let pattern = "(r?iu)e" + String(repeating: "0", count: 104) + "nftringn" + String(repeating: "0", count: 40)
        let compiler = QueryCompiler(.events(workspaceID: "w", judgeOutputType: { _ in nil }))
        for _ in 0..<2 {
            do {
                let compiled = try compiler.compile(.condition(field: "last_user_message_preview", op: .matches, value: .string(pattern), path: "f"))
                XCTAssertFalse(compiled.sql.contains(pattern))
            } catch let error as QueryError {
                XCTAssertEqual(APIError(error).status, 400)
            }
        }
        XCTAssertTrue(BoundedRegex.compiled(pattern) === BoundedRegex.compiled(pattern))
    }
}

/// `regexp_match` past its time budget stops the statement with SQLITE_INTERRUPT, which the API
/// edge answers as a 400 (the pattern is too costly), never as an internal error.
final class RegexBudgetTests: XCTestCase {
    func testAPatternPastItsBudgetInterruptsTheStatement() throws {
        let path = NSTemporaryDirectory() + "regex-budget-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let db = try Database(path: path)
        try SQLFunctions.register(on: db)
        XCTAssertEqual(try db.queryOne("SELECT regexp_match('b+', 'abba')") { $0.int(0) }, 1)
        let subject = String(repeating: "a", count: BoundedRegex.subjectLimit)
        XCTAssertThrowsError(try db.queryOne("SELECT regexp_match('a.*a.*a.*a.*c', ?)", [subject]) { $0.int(0) }) { error in
            guard let error = error as? DatabaseError else { return XCTFail("\(error)") }
            XCTAssertTrue(error.isInterrupted, error.description)
            XCTAssertTrue(error.message.contains(BoundedRegex.timeoutMessage), error.description)
        }
    }
}

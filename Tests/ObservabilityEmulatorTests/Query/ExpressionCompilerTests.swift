import EmulatorStore
import XCTest
@testable import ObservabilityEmulator

/// The search expression compiler: parameterised SQL over each resource's fields, and the
/// errors that name the column and the reason.
final class ExpressionCompilerTests: XCTestCase {
    let tenant = TelemetryTenant(Workspace(token: "compiler-tests"))

    func compile(_ text: String, _ resource: TelemetryResource = .spans) throws -> CompiledFilter {
        try QueryCompiler(.telemetry(resource, tenant: tenant)).compile(expression: text)
    }

    func assertRejected(_ text: String, _ fragments: [String], on resource: TelemetryResource = .spans, code: String = "SEARCH_BAD_REQUEST",
                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try compile(text, resource), file: file, line: line) { error in
            guard let error = (error as? QueryError).map(APIError.init) else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.status, 400, file: file, line: line)
            XCTAssertEqual(error.code, code, file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.message.contains(fragment), "'\(error.message)' lacks '\(fragment)'", file: file, line: line)
            }
        }
    }

    func testLiteralsAreBoundNeverSpliced() throws {
        let compiled = try compile("span_name = 'x'' OR 1=1 --' AND span_attributes['a\"b'] LIKE '%y%' OR request_model IN ('m1', 'm2')")
        XCTAssertFalse(compiled.sql.contains("1=1"))
        XCTAssertFalse(compiled.sql.contains("m1"))
        XCTAssertFalse(compiled.sql.contains("a\"b"))
        XCTAssertEqual(compiled.arguments.first, .text("x' OR 1=1 --"))
        XCTAssertTrue(compiled.arguments.contains(.text("a\"b")))
        XCTAssertTrue(compiled.arguments.contains(.text("*y*")))
        XCTAssertEqual(compiled.sql.filter { $0 == "?" }.count, compiled.arguments.count)
    }

    func testEmptyAndCommentOnlyExpressionsMatchEverything() throws {
        for text in ["", "   ", "# only a comment\n  # and another"] {
            XCTAssertEqual(try compile(text).sql, "1")
        }
    }

    func testTypesCheckTheirLiterals() throws {
        XCTAssertNoThrow(try compile("duration_ns > 1000000 AND request_temperature BETWEEN 0 AND 0.5"))
        XCTAssertNoThrow(try compile("start_time >= '2026-11-02T00:00:00Z' AND end_time < '2026-11-03T10:00:00.123456789+01:00'"))
        assertRejected("duration_ns = 'slow'", ["column 1", "duration_ns is a number"])
        assertRejected("start_time > 5", ["start_time is a timestamp"])
        assertRejected("start_time > 'yesterday'", ["'yesterday' is not an RFC 3339"])
    }

    func testOperatorsFollowTheFieldTypes() throws {
        XCTAssertNoThrow(try compile("has(response_finish_reasons, 'stop') AND hasAll(request_stop_sequences, ['a', 'b'])"))
        XCTAssertNoThrow(try compile("hasToken(input_messages, 'refund') AND span_attributes['k'] > 3"))
        assertRejected("has(span_name, 'x')", ["operator has is not supported by span_name (TEXT)"])
        assertRejected("status_code > 'Error'", ["column 1", "operator gt is not supported by status_code (ENUM)"])
        assertRejected("hasToken(status_code, 'x')", ["hasToken"])
        assertRejected("duration_ns LIKE '1%'", ["operator like"])
        assertRejected("hasToken(span_name, 'two words')", ["one word"])
    }

    func testMapsNeedAKeyAndOnlyMapsTakeOne() throws {
        XCTAssertNoThrow(try compile("span_attributes EXISTS AND span_attributes['gen_ai.request.model'] NOT EXISTS"))
        assertRejected("span_attributes = 'x'", ["span_attributes is a map", "span_attributes['key']"])
        assertRejected("span_name['k'] = 'x'", ["span_name is not a map"])
    }

    func testUnknownFieldsNameTheColumnAndTheListing() throws {
        assertRejected("status_code = 'Ok' AND nope = 1", ["column 24", "unknown field 'nope'", "GET /v1/observability/spans/fields"])
        assertRejected("error_message = 'x'", ["unknown field 'error_message'"])
        XCTAssertNoThrow(try compile("error_message CONTAINS 'timeout'", .traces))
    }

    func testSyntaxErrorsAreParseErrors() throws {
        assertRejected("span_name = ", ["search_expression: column 13"], code: "TRACES_FILTER_QUERY_PARSE_ERROR")
        assertRejected("(span_name = 'a'", ["')'"], code: "TRACES_FILTER_QUERY_PARSE_ERROR")
    }

    func testTraceFieldsOverSpansUseOneCorrelatedSubquery() throws {
        let compiled = try compile("span_attributes['gen_ai.tool.name'] = 'get_weather'", .traces)
        XCTAssertTrue(compiled.sql.hasPrefix("EXISTS (SELECT 1 FROM spans AS s2 WHERE s2.workspace_id = t.workspace_id AND s2.trace_id = t.trace_id"))
        let errors = try compile("error_message ILIKE '%TIMEOUT%'", .traces)
        XCTAssertTrue(errors.sql.contains("s2.status_code = 'Error'"))
        XCTAssertEqual(errors.arguments, [.text("*timeout*")])
    }

    func testTenantColumnsAreTheCallersValues() throws {
        let compiled = try compile("workspace_id = 'w'")
        XCTAssertEqual(compiled.arguments, [.text(tenant.workspaceID), .text("w")])
    }

    func testLikePatternsBecomeCaseSensitiveGlobs() {
        XCTAssertEqual(LikePattern.glob("chat%"), "chat*")
        XCTAssertEqual(LikePattern.glob("a_c"), "a?c")
        XCTAssertEqual(LikePattern.glob(#"100\%"#), "100%")
        XCTAssertEqual(LikePattern.glob("[x]*?"), "[[]x][*][?]")
        XCTAssertEqual(LikePattern.glob(#"trailing\"#), #"trailing\"#)
    }

    func testAttributeNumbersAreJSONNumbersOnly() {
        XCTAssertEqual(AttributeNumber.parse("42"), 42)
        XCTAssertEqual(AttributeNumber.parse("-0.5e2"), -50)
        for text in ["", " 1", "+1", "01", "1.", ".5", "0x10", "NaN", "inf", "1e", "12abc"] {
            XCTAssertNil(AttributeNumber.parse(text), text)
        }
    }

    func testHasTokenMatchesWholeWords() {
        XCTAssertTrue(HasToken.contains("refund my order, please", token: "order"))
        XCTAssertTrue(HasToken.contains("x:error", token: "error"))
        XCTAssertFalse(HasToken.contains("errors happen", token: "error"))
        XCTAssertTrue(HasToken.contains("café au lait", token: "café"))
        XCTAssertFalse(HasToken.contains("", token: "a"))
    }
}

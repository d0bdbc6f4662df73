import EmulatorStore
import XCTest
@testable import ObservabilityEmulator

/// The query layer's refusals answer as they did when the compilers threw HTTP errors: a parse
/// error 400 TRACES_FILTER_QUERY_PARSE_ERROR with its column, anything else 400 SEARCH_BAD_REQUEST.
final class QueryErrorTests: XCTestCase {
    let tenant = TelemetryTenant(Workspace(token: "query-error-tests"))

    func refusal(_ body: () throws -> Any) -> APIError? {
        do { _ = try body(); return nil } catch let error as QueryError { return APIError(error) } catch { return nil }
    }

    func testAParseErrorNamesItsColumn() {
        let error = refusal { try QueryCompiler(.telemetry(.spans, tenant: tenant)).compile(expression: "span_name = ") }
        XCTAssertEqual(error?.status, 400)
        XCTAssertEqual(error?.code, "TRACES_FILTER_QUERY_PARSE_ERROR")
        XCTAssertTrue(error?.message.hasPrefix("search_expression: column 13: ") == true, error?.message ?? "")
    }

    func testAnUnknownFieldNamesWhereTheFieldsAreListed() {
        let spans = refusal { try QueryCompiler(.telemetry(.spans, tenant: tenant)).compile(expression: "nope = 'x'") }
        XCTAssertEqual(spans?.code, "SEARCH_BAD_REQUEST")
        XCTAssertEqual(spans?.message, "search_expression: column 1: unknown field 'nope'; the fields are listed by GET /v1/observability/spans/fields")
        let events = refusal {
            try QueryCompiler(.events(workspaceID: "w", judgeOutputType: { _ in nil }))
                .compile(.condition(field: "nope", op: .eq, value: "x", path: "search_params.filters"))
        }
        XCTAssertEqual(events?.message, "search_params.filters.field: unknown field 'nope'; GET /v1/observability/chat-completion-fields lists the fields")
    }

    func testAggregateOperandsReadTheCompilersOperands() throws {
        let catalogue = FieldCatalogue.telemetry(.spans, tenant: tenant)
        var args: [DatabaseValue] = []
        let entry = try AggregateOperand("span_attributes['gen_ai.system']", catalogue, role: "dimensions[0]")
        XCTAssertEqual(entry.sql(&args), "json_extract(t.span_attributes, ?)")
        XCTAssertEqual(args, [.text(#"$."gen_ai.system""#)])
        let refused = refusal { try AggregateOperand("span_name['k']", catalogue, role: "metric.measure") }
        XCTAssertEqual(refused?.message, "metric.measure: span_name is not a map; only maps take a ['key']")
    }
}

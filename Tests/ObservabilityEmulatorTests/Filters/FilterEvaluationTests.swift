import EmulatorJSON
import EmulatorStore
import XCTest
@testable import ObservabilityEmulator

/// Compiled filters run against a real store (the application `buildApplication` makes), over a
/// handful of crafted events whose every answer is known: SQL null semantics, Unicode case
/// folding, tools, metadata, timestamps, groups, paging, and hostile values that stay data.
final class FilterEvaluationTests: XCTestCase {
    static let workspace = Workspace(token: "filter-evaluation").id

    // Newest first: e5 and e4 share a timestamp, so the event_id breaks the tie (e5 first).
    static let e1 = "00000000-0000-4000-8000-000000000001"
    static let e2 = "00000000-0000-4000-8000-000000000002"
    static let e3 = "00000000-0000-4000-8000-000000000003"
    static let e4 = "00000000-0000-4000-8000-000000000004"
    static let e5 = "00000000-0000-4000-8000-000000000005"
    static let hostile = "Robert'); DROP TABLE events; --"

    private var app: EmulatorApplication!

    override func setUpWithError() throws {
        app = try buildApplication(.make(seed: false), logger: .quiet)
        try app.store.insertEvents([
            .make(id: Self.e1, createdAt: "2025-01-01T00:00:00.000Z", model: "mistral-large-latest", system: "You are a support bot.",
                  user: "How do I reset my password?", assistant: "Open Settings, then Security.", toolCalls: ["search_docs"],
                  enabledTools: ["search_docs", "create_ticket"], metadata: JSONObject([("team", "support"), ("env", "prod")]),
                  agent: "ag_support", timeElapsed: 1.5, inputTokens: 10),
            .make(id: Self.e2, createdAt: "2025-01-02T00:00:00.000Z", model: "mistral-small-latest", user: "Wie spät ist es?",
                  assistant: "Es ist ÉCOLE-Zeit.", metadata: JSONObject([("team", "sales")]), timeElapsed: 0.25, inputTokens: 5),
            .make(id: Self.e3, createdAt: "2025-01-03T00:00:00.000Z", model: nil, user: Self.hostile,
                  assistant: "I'm sorry, I can't help with that.", timeElapsed: nil, inputTokens: 3),
            .make(id: Self.e4, createdAt: "2025-01-04T00:00:00.000Z", model: "codestral-latest", system: "You write Python.",
                  user: "Write a loop", assistant: "for i in range(3): print(i)", toolCalls: ["run_code", "search_docs"],
                  enabledTools: ["run_code", "search_docs"], metadata: JSONObject([("team", "support"), ("env", "staging")]),
                  timeElapsed: 3, inputTokens: 100),
            .make(id: Self.e5, createdAt: "2025-01-04T00:00:00.000Z", model: "mistral-large-latest", system: "You handle refunds.",
                  user: "refund please", assistant: "Refund issued.", toolCalls: ["create_ticket"], enabledTools: ["create_ticket"],
                  metadata: JSONObject([("env", "prod")]), timeElapsed: 0.75, inputTokens: 8),
        ], workspaceID: nil, seeded: true)
    }

    override func tearDown() {
        app?.shutdown()
        app = nil
        super.tearDown()
    }

    func ids(_ filters: JSON?, workspace: String = FilterEvaluationTests.workspace, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        do {
            return try app.store.searchEventIDs(filter: try Filter.parse(filters, path: "search_params.filters"), workspaceID: workspace)
        } catch {
            XCTFail("\(filters?.text ?? "nil"): \(error)", file: file, line: line)
            return []
        }
    }

    func condition(_ field: String, _ op: String, _ value: JSON) -> JSON {
        .object(JSONObject([("field", .string(field)), ("op", .string(op)), ("value", value)]))
    }

    func assertMatches(_ field: String, _ op: String, _ value: JSON, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ids(condition(field, op, value), file: file, line: line), expected, "\(field) \(op) \(value.text)", file: file, line: line)
    }

    var all: [String] { [Self.e5, Self.e4, Self.e3, Self.e2, Self.e1] }

    func testNoFilterMatchesEverythingNewestFirst() {
        XCTAssertEqual(ids(nil), all)
        XCTAssertEqual(ids([:]), all)
    }

    func testEnumOperators() {
        assertMatches("model_name", "eq", "mistral-large-latest", [Self.e5, Self.e1])
        assertMatches("model_name", "istartswith", "MISTRAL", [Self.e5, Self.e2, Self.e1])
        assertMatches("model_name", "startswith", "MISTRAL", [])
        assertMatches("model_name", "contains", "stral", [Self.e5, Self.e4, Self.e2, Self.e1])
        assertMatches("model_name", "icontains", "LARGE", [Self.e5, Self.e1])
        assertMatches("model_name", "includes", ["codestral-latest", "mistral-small-latest"], [Self.e4, Self.e2])
        assertMatches("model_name", "includes", [], [])
        assertMatches("model_name", "isnull", true, [Self.e3])
        assertMatches("model_name", "isnull", false, [Self.e5, Self.e4, Self.e2, Self.e1])
    }

    func testNegationsFollowSQLNullSemantics() {
        // e3 has no model: it matches no condition on model_name except isnull.
        assertMatches("model_name", "neq", "mistral-large-latest", [Self.e4, Self.e2])
        assertMatches("model_name", "excludes", ["codestral-latest", "mistral-small-latest"], [Self.e5, Self.e1])
        assertMatches("model_name", "excludes", [], [Self.e5, Self.e4, Self.e2, Self.e1])
        assertMatches("first_system_message", "notcontains", "refunds", [Self.e4, Self.e1])
        assertMatches("first_system_message", "inotcontains", "REFUNDS", [Self.e4, Self.e1])
        assertMatches("metadata.team", "neq", "support", [Self.e2])
        assertMatches("api_agent_id", "neq", "ag_support", [])
        assertMatches("total_time_elapsed", "neq", 1.5, [Self.e5, Self.e4, Self.e2])
    }

    func testTextOperatorsAreCaseSensitiveUnlessPrefixedWithI() {
        assertMatches("response_messages_preview", "contains", "Refund", [Self.e5])
        assertMatches("response_messages_preview", "contains", "refund", [])
        assertMatches("response_messages_preview", "icontains", "REFUND", [Self.e5])
        assertMatches("last_user_message_preview", "startswith", "Write", [Self.e4])
        assertMatches("last_user_message_preview", "istartswith", "wRITE", [Self.e4])
        assertMatches("last_user_message_preview", "endswith", "?", [Self.e2, Self.e1])
        assertMatches("last_user_message_preview", "iendswith", "PASSWORD?", [Self.e1])
        assertMatches("last_user_message_preview", "eq", "Write a loop", [Self.e4])
        assertMatches("last_user_message_preview", "eq", "write a loop", [])
    }

    func testCaseFoldingIsUnicode() {
        assertMatches("response_messages_preview", "icontains", "école", [Self.e2])
        assertMatches("response_messages_preview", "contains", "école", [])
        assertMatches("last_user_message_preview", "istartswith", "WIE SPÄT", [Self.e2])
        assertMatches("last_user_message_preview", "iendswith", "SPÄT IST ES?", [Self.e2])
    }

    func testMatchesIsARegularExpression() {
        assertMatches("last_user_message_preview", "matches", "^[A-Z][a-z]+ a loop$", [Self.e4])
        assertMatches("response_messages_preview", "matches", "(?i)^refund", [Self.e5])
        assertMatches("response_messages_preview", "matches", "range\\(\\d\\)", [Self.e4])
        assertMatches("first_system_message", "matches", ".*", [Self.e5, Self.e4, Self.e1])
    }

    func testMetadataFields() {
        assertMatches("metadata.team", "eq", "support", [Self.e4, Self.e1])
        assertMatches("metadata.team", "isnull", true, [Self.e5, Self.e3])
        assertMatches("metadata.env", "icontains", "PRO", [Self.e5, Self.e1])
        assertMatches("metadata.missing", "isnull", false, [])
    }

    func testArrayOperators() {
        assertMatches("invoked_tools", "includes", "search_docs", [Self.e4, Self.e1])
        assertMatches("invoked_tools", "excludes", "search_docs", [Self.e5, Self.e3, Self.e2])
        assertMatches("invoked_tools", "len_eq", 0, [Self.e3, Self.e2])
        assertMatches("invoked_tools", "len_eq", 2, [Self.e4])
        assertMatches("invoked_tools", "isnull", true, [])
        assertMatches("invoked_tools", "isnull", false, all)
        assertMatches("enabled_tools", "includes", "create_ticket", [Self.e5, Self.e1])
        assertMatches("enabled_tools", "len_eq", 0, [Self.e3, Self.e2])
    }

    func testNumericOperators() {
        assertMatches("input_tokens", "gt", 5, [Self.e5, Self.e4, Self.e1])
        assertMatches("input_tokens", "gte", 5, [Self.e5, Self.e4, Self.e2, Self.e1])
        assertMatches("input_tokens", "lt", 5, [Self.e3])
        assertMatches("input_tokens", "lte", 3, [Self.e3])
        assertMatches("input_tokens", "eq", 100, [Self.e4])
        assertMatches("input_tokens", "neq", 100, [Self.e5, Self.e3, Self.e2, Self.e1])
        assertMatches("total_time_elapsed", "lt", 1, [Self.e5, Self.e2])
        assertMatches("total_time_elapsed", "gte", 1.5, [Self.e4, Self.e1])
        assertMatches("total_time_elapsed", "eq", 3, [Self.e4])
        assertMatches("total_time_elapsed", "isnull", true, [Self.e3])
        assertMatches("nb_messages", "eq", 2, [Self.e3, Self.e2])
        assertMatches("nb_messages", "eq", 3, [Self.e5, Self.e4, Self.e1])
    }

    func testTimestampOperators() {
        assertMatches("timestamp", "gte", "2025-01-03T00:00:00Z", [Self.e5, Self.e4, Self.e3])
        assertMatches("timestamp", "gt", "2025-01-03T00:00:00Z", [Self.e5, Self.e4])
        assertMatches("timestamp", "lt", "2025-01-02", [Self.e1])
        assertMatches("timestamp", "lte", "2025-01-02T00:00:00.000Z", [Self.e2, Self.e1])
        assertMatches("timestamp", "eq", "2025-01-04T01:00:00+01:00", [Self.e5, Self.e4])
        assertMatches("timestamp", "neq", "2025-01-04T00:00:00Z", [Self.e3, Self.e2, Self.e1])
    }

    func testGroups() {
        let group: JSON = ["AND": [condition("model_name", "isnull", false)],
                           "OR": [condition("invoked_tools", "len_eq", 0), condition("metadata.env", "eq", "staging")]]
        XCTAssertEqual(ids(group), [Self.e4, Self.e2])
        let nested: JSON = ["OR": [
            ["AND": [condition("model_name", "eq", "mistral-large-latest"), condition("input_tokens", "lt", 9)]],
            ["AND": [condition("model_name", "isnull", true)]],
        ]]
        XCTAssertEqual(ids(nested), [Self.e5, Self.e3])
        XCTAssertEqual(ids(["AND": [condition("input_tokens", "gt", 1000)], "OR": []]), [])
    }

    func testHostileValuesAreMatchedAsPlainText() throws {
        assertMatches("last_user_message_preview", "eq", .string(Self.hostile), [Self.e3])
        assertMatches("last_user_message_preview", "contains", "'); DROP", [Self.e3])
        assertMatches("last_user_message_preview", "eq", "x' OR '1'='1", [])
        assertMatches("metadata.x') OR 1=1 --", "eq", "x", [])
        assertMatches("metadata.x') OR 1=1 --", "isnull", true, all)
        let remaining = try app.store.pool.read { db in try db.queryOne("SELECT COUNT(*) FROM events") { $0.int(0) } }
        XCTAssertEqual(remaining, 5, "the events table must be intact")
    }

    func testEventsOfAnotherWorkspaceAreInvisible() throws {
        let other = Workspace(token: "someone-else").id
        let privateID = "00000000-0000-4000-8000-0000000000ff"
        try app.store.insertEvents([.make(id: privateID, createdAt: "2025-02-01T00:00:00Z", user: "private question")], workspaceID: other, seeded: false)
        XCTAssertEqual(ids(nil), all)
        XCTAssertEqual(ids(nil, workspace: other), [privateID] + all)
        XCTAssertEqual(ids(condition("last_user_message_preview", "contains", "private")), [])
    }

    func testKeysetPagingVisitsEveryMatchOnceInOrder() throws {
        var seen: [String] = []
        var after: EventPosition?
        var pages = 0
        repeat {
            let page = try app.store.searchEvents(filter: .all, workspaceID: Self.workspace, after: after, limit: 2, extraFieldNames: [])
            seen += page.previews.compactMap { $0["event_id"]?.stringValue }
            pages += 1
            XCTAssertEqual(page.hasMore, pages < 3)
            after = page.hasMore ? page.last : nil
        } while after != nil && pages < 10
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(seen, all)
    }

    func testPagingWithTiedTimestampsAcrossThePageBoundary() throws {
        // e5 and e4 share created_at; a page that ends on e5 must continue with e4, not skip it.
        let first = try app.store.searchEvents(filter: .all, workspaceID: Self.workspace, after: nil, limit: 1, extraFieldNames: [])
        XCTAssertEqual(first.previews.compactMap { $0["event_id"]?.stringValue }, [Self.e5])
        let second = try app.store.searchEvents(filter: .all, workspaceID: Self.workspace, after: first.last, limit: 1, extraFieldNames: [])
        XCTAssertEqual(second.previews.compactMap { $0["event_id"]?.stringValue }, [Self.e4])
    }

    func testExtraFieldsInPreviews() throws {
        let filter = try Filter.parse(condition("event_id", "eq", .string(Self.e1)), path: "f")
        let page = try app.store.searchEvents(filter: filter, workspaceID: Self.workspace, after: nil, limit: 10,
                                              extraFieldNames: ["model_name", "invoked_tools", "metadata.team", "total_time_elapsed", "timestamp"])
        let extra = try XCTUnwrap(page.previews.first?["extra_fields"])
        XCTAssertEqual(extra.objectValue?.keys, ["model_name", "invoked_tools", "metadata.team", "total_time_elapsed", "timestamp"])
        XCTAssertEqual(extra["model_name"], "mistral-large-latest")
        XCTAssertEqual(extra["invoked_tools"], ["search_docs"])
        XCTAssertEqual(extra["metadata.team"], "support")
        XCTAssertEqual(extra["total_time_elapsed"], .double(1.5))
        XCTAssertEqual(extra["timestamp"], "2025-01-01T00:00:00.000Z")
        assertAPIError(400, .some("SEARCH_BAD_REQUEST"), messageContains: ["extra_fields[1]", "nope"]) {
            try app.store.searchEvents(filter: .all, workspaceID: Self.workspace, after: nil, limit: 1, extraFieldNames: ["model_name", "nope"])
        }
    }
}

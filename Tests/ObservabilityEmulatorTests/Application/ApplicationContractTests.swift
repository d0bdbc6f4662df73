import EmulatorJSON
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// Behaviour SPEC.md promises beyond the basic routes: the error shape of server-level
/// refusals, page-number links, the field catalogue and options, similar events, faults,
/// reproducible ids and clocks, and keyset paging while events are ingested.
final class ApplicationContractTests: ApplicationTestCase {
    func assertServerError(_ reply: Reply, closed: Bool, _ status: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(reply.status, status, reply.text, file: file, line: line)
        XCTAssertEqual(reply.errorCode, .null, "error_code must be null for \(status): \(reply.text)", file: file, line: line)
        XCTAssertFalse(reply.errorMessage.isEmpty, reply.text, file: file, line: line)
        XCTAssertEqual(reply.header("Connection"), "close", file: file, line: line)
        XCTAssertTrue(closed, "the connection must close after \(status)", file: file, line: line)
    }

    // MARK: Server-level refusals carry the API's error shape

    func testParseErrorsAreAnsweredInTheErrorShape() throws {
        let (badRequest, closed400) = try raw("GET /v1/observability/judges HTTP/1.1\nHost: x\n\n")
        assertServerError(badRequest, closed: closed400, 400)
        let (tooLarge, closed413) = try raw("POST /v1/observability/judges HTTP/1.1\r\nHost: localhost\r\nContent-Length: 52428800\r\n\r\n")
        assertServerError(tooLarge, closed: closed413, 413)
        let (headers, closed431) = try raw("GET /v1/observability/judges HTTP/1.1\r\nHost: localhost\r\nX-Big: \(String(repeating: "b", count: 9000))\r\n\r\n")
        assertServerError(headers, closed: closed431, 431)
        let (version, closed505) = try raw("GET /v1/observability/judges HTTP/2.0\r\nHost: localhost\r\n\r\n")
        assertServerError(version, closed: closed505, 505)
    }

    func testReadTimeoutIsAnswered408InTheErrorShape() throws {
        try restart(with: .make(configure: { $0.limits.readTimeout = 1 }))
        let (reply, closed) = try raw("POST /v1/observability/judges HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n{\"na", timeout: 4)
        assertServerError(reply, closed: closed, 408)
    }

    // MARK: Page-number pagination

    func testPageNumberLinksAreAbsoluteAndBuiltFromHost() throws {
        try restart(with: .make(configure: { $0.allowedHosts = ["emulator.test"] }))
        let host = [("Host", "emulator.test:9999")]
        let fresh = Auth.token("pagination-\(UUID().uuidString)")
        let first = try call("GET", "\(v1)/judges?page_size=1", auth: fresh, headers: host)
        XCTAssertEqual(first.status, 200, first.text)
        let page = try XCTUnwrap(first.json["judges"])
        XCTAssertEqual(page.objectValue?.keys, ["count", "results", "next", "previous"])
        XCTAssertEqual(page["count"]?.intValue, Int64(Self.fixtureJudgeCount))
        XCTAssertEqual(page["results"]?.arrayValue?.count, 1)
        XCTAssertEqual(page["previous"], .null)
        let next = try XCTUnwrap(page["next"]?.stringValue)
        XCTAssertTrue(next.hasPrefix("http://emulator.test:9999/v1/observability/judges?"), next)
        XCTAssertTrue(next.contains("page=2") && next.contains("page_size=1"), next)

        let lastPage = Self.fixtureJudgeCount
        let last = try call("GET", "\(v1)/judges?page_size=1&page=\(lastPage)", auth: fresh, headers: host)
        XCTAssertEqual(last.json["judges"]?["next"], .null)
        let previous = try XCTUnwrap(last.json["judges"]?["previous"]?.stringValue)
        XCTAssertTrue(previous.hasPrefix("http://emulator.test:9999/") && previous.contains("page=\(lastPage - 1)"), previous)

        // Following the links visits every judge once, newest first.
        var seen: [JSON] = []
        var target: String? = "\(v1)/judges?page_size=1"
        while let current = target, seen.count < 20 {
            let reply = try call("GET", current.replacingOccurrences(of: "http://emulator.test:9999", with: ""), auth: fresh, headers: host)
            seen += reply.json["judges"]?["results"]?.arrayValue ?? []
            target = reply.json["judges"]?["next"]?.stringValue
        }
        XCTAssertEqual(seen.count, Self.fixtureJudgeCount)
        XCTAssertEqual(Set(seen.compactMap { $0["id"]?.stringValue }).count, seen.count)
        let created = seen.compactMap { $0["created_at"]?.stringValue }
        XCTAssertEqual(created, created.sorted(by: >), "newest first")
    }

    func testPageParametersAreValidated() throws {
        assertError(try call("GET", "\(v1)/judges?page_size=101"), 422, "VALIDATION_ERROR", ["page_size"])
        assertError(try call("GET", "\(v1)/judges?page=0"), 422, "VALIDATION_ERROR", ["page"])
        assertError(try call("GET", "\(v1)/judges?page=two"), 422, "VALIDATION_ERROR", ["page"])
        let empty = try call("GET", "\(v1)/judges?page_size=0")
        XCTAssertEqual(empty.status, 200)
        XCTAssertEqual(empty.json["judges"]?["results"], [])
        XCTAssertEqual(empty.json["judges"]?["next"], .null)
    }

    // MARK: Fields

    func testFieldCatalogueListsEveryFieldWithItsOperators() throws {
        let reply = try call("GET", "\(v1)/chat-completion-fields")
        XCTAssertEqual(reply.status, 200, reply.text)
        let definitions = reply.json["field_definitions"]?.arrayValue ?? []
        var byName: [String: JSON] = [:]
        for definition in definitions { if let name = definition["name"]?.stringValue { byName[name] = definition } }
        let expectedTypes = [
            "event_id": "TEXT", "correlation_id": "TEXT", "timestamp": "TIMESTAMP", "model_name": "ENUM",
            "first_system_message": "TEXT", "last_user_message_preview": "TEXT", "response_messages_preview": "TEXT",
            "invoked_tools": "ARRAY", "enabled_tools": "ARRAY", "input_tokens": "INT", "output_tokens": "INT", "nb_messages": "INT",
            "total_time_elapsed": "FLOAT", "api_agent_id": "TEXT",
        ]
        let operators = [
            "TEXT": ["eq", "neq", "contains", "icontains", "notcontains", "inotcontains", "startswith", "istartswith", "endswith", "iendswith", "matches", "isnull"],
            "ENUM": ["eq", "neq", "startswith", "istartswith", "contains", "icontains", "isnull", "includes", "excludes"],
            "INT": ["eq", "neq", "lt", "lte", "gt", "gte", "isnull"], "FLOAT": ["eq", "neq", "lt", "lte", "gt", "gte", "isnull"],
            "TIMESTAMP": ["eq", "neq", "lt", "lte", "gt", "gte", "isnull"], "ARRAY": ["includes", "excludes", "len_eq", "isnull"],
        ]
        for (name, type) in expectedTypes {
            let definition = try XCTUnwrap(byName[name], "missing field \(name)")
            XCTAssertEqual(definition["type"]?.stringValue, type, name)
            XCTAssertEqual(Set(definition["supported_operators"]?.arrayValue?.compactMap(\.stringValue) ?? []), Set(operators[type] ?? []), name)
            XCTAssertFalse(definition["label"]?.stringValue?.isEmpty ?? true, name)
            XCTAssertNotNil(definition["group"]?.stringValue, name)
        }
        let metadataKeys = Set(Self.fixtureEvents.flatMap { $0["extra_fields"]?["metadata"]?.objectValue?.keys ?? [] })
        for key in metadataKeys {
            XCTAssertEqual(byName["metadata.\(key)"]?["type"], "TEXT", "metadata.\(key)")
        }
        let groups = Set(reply.json["field_groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
        for definition in definitions {
            XCTAssertTrue(groups.contains(definition["group"]?.stringValue ?? ""), "group of \(definition.text) is not in field_groups")
        }
    }

    func testFieldOptionsAreTheSortedDistinctValues() throws {
        let models = Set(Self.fixtureEvents.compactMap { $0["extra_fields"]?["model_name"]?.stringValue }).sorted()
        let reply = try call("GET", "\(v1)/chat-completion-fields/model_name/options?operator=eq")
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.json["options"]?.arrayValue?.compactMap(\.stringValue), models)
        assertError(try call("GET", "\(v1)/chat-completion-fields/last_user_message_preview/options?operator=eq"), 400, "FIELDS_BAD_REQUEST")
        assertError(try call("GET", "\(v1)/chat-completion-fields/no_such_field/options?operator=eq"), 404, "FIELDS_NOT_FOUND")
        assertError(try call("GET", "\(v1)/chat-completion-fields/model_name/options?operator=like"), 422, "VALIDATION_ERROR", ["operator"])
        assertError(try call("GET", "\(v1)/chat-completion-fields/model_name/options?operator=lt"), 400, "FIELDS_BAD_REQUEST", ["lt"])
    }

    func testOptionCountsMatchTheFixturesMostFrequentFirst() throws {
        var expected: [String: Int] = [:]
        for event in Self.fixtureEvents {
            if let model = event["extra_fields"]?["model_name"]?.stringValue { expected[model, default: 0] += 1 }
        }
        let reply = try call("POST", "\(v1)/chat-completion-fields/model_name/options-counts", json: [:])
        XCTAssertEqual(reply.status, 200, reply.text)
        let counts = reply.json["counts"]?.arrayValue ?? []
        var actual: [String: Int] = [:]
        for item in counts { actual[item["value"]?.stringValue ?? "?"] = Int(item["count"]?.intValue ?? -1) }
        XCTAssertEqual(actual, expected)
        let numbers = counts.compactMap { $0["count"]?.intValue }
        XCTAssertEqual(numbers, numbers.sorted(by: >), "most frequent first")

        let filtered = try call("POST", "\(v1)/chat-completion-fields/model_name/options-counts",
                                json: ["filter_params": ["filters": ["field": "model_name", "op": "eq", "value": "codestral-latest"]]])
        XCTAssertEqual(filtered.json["counts"], [["value": "codestral-latest", "count": .int(Int64(expected["codestral-latest"] ?? 0))]])
    }

    // MARK: Similar events

    func testSimilarEventsExcludeTheEventAndAreDeterministic() throws {
        let id = try XCTUnwrap(Self.fixtureEvents.first?["event_id"]?.stringValue)
        let first = try call("GET", "\(v1)/chat-completion-events/\(id)/similar-events")
        XCTAssertEqual(first.status, 200, first.text)
        let results = first.json["completion_events"]?["results"]?.arrayValue ?? []
        XCTAssertFalse(results.isEmpty, "a Python question among 320 events should have similar ones")
        XCTAssertLessThanOrEqual(results.count, 10)
        XCTAssertFalse(results.contains { $0["event_id"]?.stringValue == id }, "an event is not similar to itself")
        XCTAssertEqual(try call("GET", "\(v1)/chat-completion-events/\(id)/similar-events").body, first.body)
        assertError(try call("GET", "\(v1)/chat-completion-events/00000000-0000-4000-8000-000000000000/similar-events"), 404, "SEARCH_NOT_FOUND")
    }

    // MARK: Faults

    func testFaultHeaderAppliesToThatRequestOnly() throws {
        let faulted = try call("GET", "\(v1)/judges", headers: [("X-Emulator-Fault", "status=503")])
        XCTAssertEqual(faulted.status, 503)
        XCTAssertNotNil(faulted.json["detail"]?["message"]?.stringValue)
        XCTAssertEqual(try call("GET", "\(v1)/judges").status, 200)
        assertError(try call("GET", "\(v1)/judges", headers: [("X-Emulator-Fault", "status=abc")]), 400, nil, ["X-Emulator-Fault"])
    }

    func testFaultRuleCountsDown() throws {
        let rule = try call("POST", "/__emulator/faults", auth: Auth.none,
                            json: ["method": "GET", "path": "/v1/observability/judges*", "status": 429, "error_code": "RATE_LIMITED", "count": 2])
        XCTAssertEqual(rule.status, 201, rule.text)
        XCTAssertEqual(try call("GET", "\(v1)/judges").status, 429)
        XCTAssertEqual(try call("GET", "\(v1)/judges/00000000-0000-4000-8000-000000000000").errorCode, "RATE_LIMITED")
        XCTAssertEqual(try call("GET", "\(v1)/judges").status, 200, "the rule is used up")
        XCTAssertEqual(try call("POST", "\(v1)/chat-completion-events/search-ids", json: ["search_params": ["filters": nil]]).status, 200)
        // The faulted answers are in the caller's journal, beside the answered ones.
        let journal = try call("GET", "/__emulator/requests?path_prefix=/v1/observability/judges&workspace_id=\(Workspace(token: token).id)", auth: Auth.none)
        XCTAssertEqual(journal.json["requests"]?.arrayValue?.compactMap { $0["status"]?.intValue }, [200, 429, 429], journal.text)
    }

    /// A rule added under a Bearer token faults only that workspace's requests; its list and
    /// clear see that workspace's rules and everyone's; a workspace reset drops its own.
    func testFaultRuleUnderATokenIsThatWorkspacesOnly() throws {
        let other = "other-\(UUID().uuidString)"
        let mine = try call("POST", "/__emulator/faults", json: ["path": "/v1/observability/judges", "status": 503])
        XCTAssertEqual(mine.status, 201, mine.text)
        let everyone = try call("POST", "/__emulator/faults", auth: Auth.none, json: ["path": "/v1/observability/campaigns", "status": 429])
        XCTAssertEqual(everyone.status, 201, everyone.text)
        XCTAssertEqual(try call("GET", "\(v1)/judges").status, 503)
        XCTAssertEqual(try call("GET", "\(v1)/judges", auth: .token(other)).status, 200, "another workspace is not faulted")
        XCTAssertEqual(try call("GET", "\(v1)/campaigns", auth: .token(other)).status, 429, "a rule without a token is everyone's")

        let listed = try call("GET", "/__emulator/faults", auth: .token(other)).json["faults"]?.arrayValue ?? []
        XCTAssertEqual(listed.compactMap { $0["id"]?.stringValue }, [everyone.json["id"]?.stringValue].compactMap { $0 })
        XCTAssertEqual(listed.first?["workspace_id"], .null)
        let all = try call("GET", "/__emulator/faults", auth: Auth.none).json["faults"]?.arrayValue ?? []
        XCTAssertEqual(all.first?["workspace_id"]?.stringValue, Workspace(token: token).id)
        XCTAssertEqual(all.count, 2)

        // Clearing under another token leaves this workspace's rule and everyone's.
        XCTAssertEqual(try call("DELETE", "/__emulator/faults", auth: .token(other)).status, 204)
        XCTAssertEqual(try call("GET", "/__emulator/faults", auth: Auth.none).json["faults"]?.arrayValue?.count, 2)
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        XCTAssertEqual(try call("GET", "\(v1)/judges").status, 200, "a workspace reset drops its rules")
        XCTAssertEqual(try call("GET", "/__emulator/faults", auth: Auth.none).json["faults"]?.arrayValue?.count, 1)
    }

    // MARK: Reproducibility

    func createJudge(named name: String = "Seeded id judge") throws -> JSON {
        let body: JSON = .object(JSONObject([
            ("name", .string(name)), ("description", "d"), ("model_name", "mistral-large-latest"),
            ("output", ["type": "REGRESSION", "min": 0, "max": 1, "min_description": "low", "max_description": "high"]),
            ("instructions", "Rate."), ("tools", []),
        ]))
        let reply = try call("POST", "\(v1)/judges", json: body)
        XCTAssertEqual(reply.status, 201, reply.text)
        return reply.json
    }

    func testIDSeedAndFixedClockMakeRunsReproducible() throws {
        let configuration = EmulatorConfiguration.make(idSeed: 7, configure: { $0.clock = "fixed:2025-10-07T20:56:01.974Z" })
        try restart(with: configuration)
        let first = try createJudge()
        XCTAssertEqual(first["created_at"], "2025-10-07T20:56:01.974Z")
        XCTAssertEqual(first["output"]?["type"], "REGRESSION")
        let firstID = try XCTUnwrap(first["id"]?.stringValue)
        XCTAssertTrue(UUIDText.isValid(firstID) && firstID == firstID.lowercased(), firstID)

        // After a reset the generator starts over; a second emulator with the same seed agrees.
        XCTAssertEqual(try call("POST", "/__emulator/reset", auth: Auth.none).status, 204)
        XCTAssertEqual(try createJudge()["id"]?.stringValue, firstID)
        try restart(with: configuration)
        XCTAssertEqual(try createJudge()["id"]?.stringValue, firstID)
        // Health checks and other reads draw nothing from the generator.
        try restart(with: configuration)
        _ = try call("GET", "/__emulator/health", auth: Auth.none)
        _ = try call("GET", "\(v1)/judges")
        XCTAssertEqual(try createJudge()["id"]?.stringValue, firstID)
    }

    func testTimestampsAreRFC3339UTCWithMilliseconds() throws {
        let judge = try createJudge()
        let pattern = try NSRegularExpression(pattern: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#)
        for key in ["created_at", "updated_at"] {
            let value = judge[key]?.stringValue ?? ""
            XCTAssertNotNil(pattern.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)), "\(key): \(value)")
        }
    }

    // MARK: Paging during ingestion

    func testPagingDuringIngestionYieldsEveryOriginalEventOnce() throws {
        let all = try searchIDs(.null)
        var seen: [String] = []
        var target = "\(v1)/chat-completion-events/search?page_size=100"
        var ingested = 0
        while true {
            let reply = try call("POST", target, json: searchBody(.null))
            XCTAssertEqual(reply.status, 200, reply.text)
            seen += reply.json["completion_events"]?["results"]?.arrayValue?.compactMap { $0["event_id"]?.stringValue } ?? []
            // Newer events arrive between pages.
            let event: JSON = ["created_at": .string(String(format: "2031-01-%02dT00:00:00.000Z", ingested + 1)),
                               "request_messages": [["role": "user", "content": "late"]], "response_messages": [["role": "assistant", "content": "yes"]]]
            XCTAssertEqual(try call("POST", "/__emulator/events", json: event).status, 201)
            ingested += 1
            guard let next = reply.json["completion_events"]?["next"]?.stringValue, ingested < 20 else { break }
            target = next
        }
        XCTAssertEqual(seen, all)
    }

    // MARK: Ingestion formats

    func testJSONLIngestionIsAllOrNothingWithLineNumbers() throws {
        let line = #"{"request_messages":[{"role":"user","content":"q"}],"response_messages":[{"role":"assistant","content":"a"}]}"#
        let ok = try call("POST", "/__emulator/events", body: line + "\n\n" + line + "\n", headers: [("Content-Type", "application/x-ndjson")])
        XCTAssertEqual(ok.status, 201, ok.text)
        XCTAssertEqual(ok.json["event_ids"]?.arrayValue?.count, 2)
        let bad = try call("POST", "/__emulator/events", body: line + "\n{oops\n", headers: [("Content-Type", "application/x-ndjson")])
        assertError(bad, 422, "VALIDATION_ERROR", ["line 2"])
        XCTAssertEqual(try searchIDs(.null).count, Self.fixtureEvents.count + 2)
    }
}

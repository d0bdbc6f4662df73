import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// The real application (`buildApplication` + `start()`, port 0, the repository's fixtures)
/// exercised over HTTP as a client would: auth, search and paging, errors, judges, ingestion
/// and reset. Expected values come from reading `Fixtures/` independently.
final class ApplicationIntegrationTests: ApplicationTestCase {
    // MARK: Control plane and auth

    func testHealth() throws {
        XCTAssertFalse(Self.fixtureEvents.isEmpty, "fixtures not found at \(TestPaths.fixturesDirectory)")
        let reply = try call("GET", "/__emulator/health", auth: Auth.none)
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.json["status"], "ok")
        XCTAssertEqual(reply.json["events"]?.intValue, Int64(Self.fixtureEvents.count))
        XCTAssertEqual(reply.json["version"]?.stringValue, EmulatorConfiguration.version)
        let head = try call("HEAD", "/__emulator/health", auth: Auth.none, isHead: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length").flatMap(Int.init) ?? 0 > 0, true)
        XCTAssertEqual(head.body, [])
    }

    func testAPIRoutesNeedABearerToken() throws {
        for auth: Auth in [.none, .raw("Bearer "), .raw("Bearer"), .raw("Basic dXNlcjpwYXNz"), .raw("")] {
            let reply = try call("GET", "\(v1)/judges", auth: auth)
            assertError(reply, 401, "AUTH_UNAUTHORIZED", ["Bearer"])
            XCTAssertEqual(reply.header("WWW-Authenticate"), "Bearer")
        }
        XCTAssertEqual(try call("GET", "\(v1)/judges", auth: .raw("bearer lower-case-scheme")).status, 200)
    }

    func testAPIKeysRestrictTokens() throws {
        try restart(with: .make(configure: { $0.apiKeys = ["good-key"] }))
        assertError(try call("GET", "\(v1)/judges", auth: .token("other-key")), 401, "AUTH_UNAUTHORIZED")
        XCTAssertEqual(try call("GET", "\(v1)/judges", auth: .token("good-key")).status, 200)
    }

    func testUnknownRouteIs404WithNullCode() throws {
        assertError(try call("GET", "/v1/observability/nothing-here"), 404, nil, ["/v1/observability/nothing-here"])
        assertError(try call("GET", "/"), 404, nil)
    }

    func testWrongMethodIs405WithAllow() throws {
        let reply = try call("DELETE", "\(v1)/chat-completion-events/search")
        assertError(reply, 405, nil, ["DELETE"])
        XCTAssertEqual(reply.header("Allow"), "GET, HEAD, POST")
        let judges = try call("PATCH", "\(v1)/judges")
        assertError(judges, 405, nil)
        XCTAssertEqual(judges.header("Allow"), "GET, HEAD, POST")
    }

    // MARK: Search

    func testSearchPagesThroughEveryEventOnceInOrder() throws {
        let all = try searchIDs(.null)
        XCTAssertEqual(all.count, Self.fixtureEvents.count)
        XCTAssertEqual(Set(all).count, all.count)

        var seen: [String] = []
        var target = "\(v1)/chat-completion-events/search?page_size=64"
        var pages = 0
        while pages < 50 {
            let reply = try call("POST", target, json: searchBody(.null))
            XCTAssertEqual(reply.status, 200, reply.text)
            let page = try XCTUnwrap(reply.json["completion_events"])
            let results = page["results"]?.arrayValue ?? []
            XCTAssertLessThanOrEqual(results.count, 64)
            seen += results.compactMap { $0["event_id"]?.stringValue }
            pages += 1
            guard let cursor = page["cursor"]?.stringValue else {
                XCTAssertEqual(page["next"], .null)
                break
            }
            let next = try XCTUnwrap(page["next"]?.stringValue)
            XCTAssertTrue(next.contains(cursor), next)
            target = next
        }
        XCTAssertEqual(pages, (Self.fixtureEvents.count + 63) / 64)
        XCTAssertEqual(seen, all, "paging must yield every event exactly once, in the search-ids order")
    }

    func testSearchPreviewShapeAndExtraFields() throws {
        let reply = try call("POST", "\(v1)/chat-completion-events/search?page_size=3", json: searchBody(.null, extraFields: ["model_name", "input_tokens"]))
        XCTAssertEqual(reply.status, 200, reply.text)
        let results = reply.json["completion_events"]?["results"]?.arrayValue ?? []
        XCTAssertEqual(results.count, 3)
        let first = try XCTUnwrap(results.first?.objectValue)
        XCTAssertEqual(first.keys, ["event_id", "correlation_id", "created_at", "extra_fields", "nb_input_tokens", "nb_output_tokens"])
        XCTAssertEqual(first["extra_fields"]?.objectValue?.keys, ["model_name", "input_tokens"])
        XCTAssertEqual(first["extra_fields"]?["input_tokens"], first["nb_input_tokens"])
        let created = results.compactMap { $0["created_at"]?.stringValue }
        XCTAssertEqual(created, created.sorted(by: >), "newest first")
    }

    func testFilteredSearchMatchesTheFixtures() throws {
        func model(_ event: JSON) -> String? { event["extra_fields"]?["model_name"]?.stringValue }
        let expected = Self.fixtureEvents.filter { model($0) == "codestral-latest" }.compactMap { $0["event_id"]?.stringValue }
        XCTAssertFalse(expected.isEmpty)
        let found = try searchIDs(condition("model_name", "eq", "codestral-latest"))
        XCTAssertEqual(Set(found), Set(expected))

        let withAgent = Self.fixtureEvents.filter { ($0["extra_fields"]?["api_agent_id"]?.stringValue).map { !$0.isEmpty } ?? false }
        XCTAssertEqual(try searchIDs(condition("api_agent_id", "isnull", false)).count, withAgent.count)

        let big = Self.fixtureEvents.filter { ($0["nb_input_tokens"]?.intValue ?? 0) > 1000 }
        XCTAssertEqual(try searchIDs(condition("input_tokens", "gt", 1000)).count, big.count)
    }

    func testTamperedCursorIs400() throws {
        let first = try call("POST", "\(v1)/chat-completion-events/search?page_size=1", json: searchBody(.null))
        let cursor = try XCTUnwrap(first.json["completion_events"]?["cursor"]?.stringValue)
        var characters = Array(cursor)
        characters[2] = characters[2] == "A" ? "B" : "A"
        let reply = try call("POST", "\(v1)/chat-completion-events/search?page_size=1&cursor=\(String(characters))", json: searchBody(.null))
        assertError(reply, 400, "SEARCH_BAD_REQUEST", ["cursor"])
    }

    func testSearchValidationErrors() throws {
        let search = "\(v1)/chat-completion-events/search"
        assertError(try call("POST", search, json: searchBody(condition("no_such_field", "eq", "x"))), 400, "SEARCH_BAD_REQUEST",
                    ["search_params.filters.field", "no_such_field"])
        assertError(try call("POST", search, json: searchBody(["AND": [condition("input_tokens", "gt", "many")]])), 400, "SEARCH_BAD_REQUEST",
                    ["search_params.filters.AND[0].value", "input_tokens"])
        assertError(try call("POST", search, json: searchBody(condition("response_messages_preview", "matches", "(a+)+$"))), 400, "SEARCH_BAD_REQUEST")
        assertError(try call("POST", search, json: searchBody(condition("model_name", "like", "x"))), 422, "VALIDATION_ERROR", ["search_params.filters.op"])
        assertError(try call("POST", search, json: ["search_params": [:]]), 422, "VALIDATION_ERROR", ["search_params.filters"])
        assertError(try call("POST", search, body: "{not json"), 422, "VALIDATION_ERROR", ["body"])
        assertError(try call("POST", search + "?page_size=101", json: searchBody(.null)), 422, "VALIDATION_ERROR", ["page_size"])
        assertError(try call("POST", search, json: searchBody(.null, extraFields: ["nope"])), 400, "SEARCH_BAD_REQUEST", ["extra_fields[0]"])
    }

    func testHostileFilterValuesChangeNothing() throws {
        for value in ["'; DROP TABLE events; --", "x' OR '1'='1"] {
            XCTAssertEqual(try searchIDs(condition("last_user_message_preview", "eq", .string(value))), [])
            XCTAssertEqual(try searchIDs(condition("metadata.x') OR 1=1 --", "eq", .string(value))), [])
        }
        XCTAssertEqual(try call("GET", "/__emulator/health", auth: Auth.none).json["events"]?.intValue, Int64(Self.fixtureEvents.count))
    }

    // MARK: Events

    func testFetchEventById() throws {
        let fixture = try XCTUnwrap(Self.fixtureEvents.first)
        let id = try XCTUnwrap(fixture["event_id"]?.stringValue)
        let reply = try call("GET", "\(v1)/chat-completion-events/\(id)")
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.json["event_id"]?.stringValue, id)
        XCTAssertEqual(reply.json["request_messages"], fixture["request_messages"])
        XCTAssertEqual(reply.json["response_messages"], fixture["response_messages"])
        assertError(try call("GET", "\(v1)/chat-completion-events/not-a-uuid"), 422, "VALIDATION_ERROR", ["event_id"])
        assertError(try call("GET", "\(v1)/chat-completion-events/00000000-0000-4000-8000-000000000000"), 404, "SEARCH_NOT_FOUND")
    }

    /// Event details are served from a cache; a campaign's annotations must still show at once.
    func testEventDetailShowsAnnotationsWrittenAfterItWasFirstServed() throws {
        let id = try XCTUnwrap(try searchIDs(.null).first)
        let before = try call("GET", "\(v1)/chat-completion-events/\(id)")
        XCTAssertEqual(before.status, 200, before.text)
        let judges = try call("GET", "\(v1)/judges")
        let judgeID = try XCTUnwrap(judges.json["judges"]?["results"]?.arrayValue?.first?["id"]?.stringValue, judges.text)
        let field = "__judge_\(judgeID)"
        XCTAssertNil(before.json["extra_fields"]?[field])

        let campaign = try call("POST", "\(v1)/campaigns", json: .object(JSONObject([
            ("search_params", ["filters": .null]), ("judge_id", .string(judgeID)), ("name", "cache"),
            ("description", "detail cache"), ("max_nb_events", 1),
        ])))
        XCTAssertEqual(campaign.status, 201, campaign.text)
        let campaignID = try XCTUnwrap(campaign.json["id"]?.stringValue)
        let deadline = Date().addingTimeInterval(10)
        var status = ""
        while Date() < deadline {
            status = try call("GET", "\(v1)/campaigns/\(campaignID)/status").json["status"]?.stringValue ?? ""
            if status != "RUNNING" { break }
            usleep(20_000)
        }
        XCTAssertEqual(status, "COMPLETED")
        let selected = try call("GET", "\(v1)/campaigns/\(campaignID)/selected-events")
        XCTAssertEqual(selected.json["completion_events"]?["results"]?.arrayValue?.first?["event_id"]?.stringValue, id, selected.text)

        let after = try call("GET", "\(v1)/chat-completion-events/\(id)")
        XCTAssertEqual(after.status, 200, after.text)
        XCTAssertNotNil(after.json["extra_fields"]?[field], "the cached detail hid the new annotation: \(after.text)")
    }

    /// Queued work whose client hung up is not run; the journal records it as 499, as nginx does.
    func testQueuedRequestOfAClientThatHungUpIsAbandoned() throws {
        let client = try RawHTTPClient(port: port)
        try client.send("GET \(v1)/judges?abandoned=1 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\nX-Emulator-Fault: delay=300\r\n\r\n")
        client.closeWrite()
        XCTAssertTrue(client.waitForClose(timeout: 5), "the server kept the connection of a client that hung up")
        let journal = try call("GET", "/__emulator/requests?path_prefix=\(v1)/judges")
        let entry = journal.json["requests"]?.arrayValue?.first { $0["query"]?.stringValue == "abandoned=1" }
        XCTAssertEqual(entry?["status"], 499, journal.text)
    }

    func testIngestThenFetchInTheOwningWorkspaceOnly() throws {
        let event: JSON = .object(JSONObject([
            ("created_at", "2030-01-01T00:00:00.000Z"),
            ("extra_fields", ["model_name": "ingested-model", "metadata": ["suite": "integration"]]),
            ("request_messages", [["role": "user", "content": "ingested question"]]),
            ("response_messages", [["role": "assistant", "content": "ingested answer"]]),
        ]))
        let created = try call("POST", "/__emulator/events", json: event)
        XCTAssertEqual(created.status, 201, created.text)
        let id = try XCTUnwrap(created.json["event_ids"]?.arrayValue?.first?.stringValue)

        let fetched = try call("GET", "\(v1)/chat-completion-events/\(id)")
        XCTAssertEqual(fetched.status, 200, fetched.text)
        XCTAssertEqual(fetched.json["created_at"], "2030-01-01T00:00:00.000Z")
        XCTAssertEqual(fetched.json["response_messages"]?.arrayValue?.first?["content"], "ingested answer")
        XCTAssertEqual(try searchIDs(condition("metadata.suite", "eq", "integration")), [id])
        XCTAssertEqual(try searchIDs(.null).first, id, "the newest event comes first")

        assertError(try call("GET", "\(v1)/chat-completion-events/\(id)", auth: .token("another-suite")), 404, "SEARCH_NOT_FOUND")
        XCTAssertEqual(try searchIDs(condition("metadata.suite", "eq", "integration"), auth: .token("another-suite")), [])
    }

    func testRejectedIngestBatchStoresNothing() throws {
        let good: JSON = ["request_messages": [["role": "user", "content": "a"]], "response_messages": [["role": "assistant", "content": "b"]]]
        let bad: JSON = ["event_id": "not-a-uuid", "request_messages": [], "response_messages": []]
        let reply = try call("POST", "/__emulator/events", json: [good, bad])
        assertError(reply, 422, "VALIDATION_ERROR", ["[1]", "event_id"])
        XCTAssertEqual(try searchIDs(.null).count, Self.fixtureEvents.count)
        assertError(try call("POST", "/__emulator/events", auth: Auth.none, json: good), 401, "AUTH_UNAUTHORIZED")
    }

    // MARK: Judges

    func judgeBody(name: String = "Integration judge", instructions: String = "when assistant icontains \"sorry\" -> no\notherwise -> yes") -> JSON {
        .object(JSONObject([
            ("name", .string(name)), ("description", "Checks answers"), ("model_name", "mistral-large-latest"),
            ("output", ["type": "CLASSIFICATION", "options": [["value": "yes", "description": "answered"], ["value": "no", "description": "did not"]]]),
            ("instructions", .string(instructions)), ("tools", []),
        ]))
    }

    func testSeededJudgesAreMaterialisedPerWorkspace() throws {
        let reply = try call("GET", "\(v1)/judges", auth: .token("fresh-workspace"))
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.json["judges"]?["count"]?.intValue, Int64(Self.fixtureJudgeCount))
        let again = try call("GET", "\(v1)/judges", auth: .token("fresh-workspace"))
        XCTAssertEqual(again.json["judges"]?["results"], reply.json["judges"]?["results"], "seeded judge ids are stable")
    }

    func testJudgeCreateUpdateConflictsAndDelete() throws {
        let created = try call("POST", "\(v1)/judges", json: judgeBody())
        XCTAssertEqual(created.status, 201, created.text)
        let id = try XCTUnwrap(created.json["id"]?.stringValue)
        XCTAssertEqual(created.json["base_revision"]?.stringValue, id)
        XCTAssertEqual(created.json["down_revision"], .null)
        XCTAssertEqual(created.json["name"], "Integration judge")

        assertError(try call("POST", "\(v1)/judges", json: judgeBody()), 409, "JUDGE_NAME_ALREADY_EXISTS", ["name"])
        assertError(try call("PUT", "\(v1)/judges/\(id)", json: judgeBody()), 409, "JUDGE_DID_NOT_CHANGE")

        let updated = try call("PUT", "\(v1)/judges/\(id)", json: judgeBody(instructions: "otherwise -> yes"))
        XCTAssertEqual(updated.status, 204, updated.text)
        XCTAssertEqual(updated.body, [])

        let old = try call("GET", "\(v1)/judges/\(id)")
        XCTAssertEqual(old.status, 200)
        let newID = try XCTUnwrap(old.json["up_revision"]?.stringValue)
        XCTAssertNotEqual(newID, id)
        let new = try call("GET", "\(v1)/judges/\(newID)")
        XCTAssertEqual(new.json["down_revision"]?.stringValue, id)
        XCTAssertEqual(new.json["base_revision"]?.stringValue, id)
        XCTAssertEqual(new.json["instructions"], "otherwise -> yes")

        assertError(try call("PUT", "\(v1)/judges/\(id)", json: judgeBody(instructions: "otherwise -> no")), 409, "JUDGE_ALREADY_HAS_NEW_VERSION")

        let listed = try call("GET", "\(v1)/judges?q=integration")
        XCTAssertEqual(listed.json["judges"]?["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [newID], "lists show only the newest revision")

        XCTAssertEqual(try call("DELETE", "\(v1)/judges/\(id)").status, 204)
        assertError(try call("GET", "\(v1)/judges/\(newID)"), 404, "JUDGE_NOT_FOUND")
        assertError(try call("DELETE", "\(v1)/judges/\(newID)"), 404, "JUDGE_NOT_FOUND")
        // The name is free again once the judge is deleted.
        XCTAssertEqual(try call("POST", "\(v1)/judges", json: judgeBody()).status, 201)
    }

    func testJudgeValidationErrors() throws {
        var missingName = judgeBody().objectValue!
        missingName["name"] = nil
        assertError(try call("POST", "\(v1)/judges", json: .object(missingName)), 422, "VALIDATION_ERROR", ["name", "field required"])
        assertError(try call("POST", "\(v1)/judges", json: judgeBody(name: "abc")), 422, "VALIDATION_ERROR", ["name"])
        assertError(try call("POST", "\(v1)/judges", json: judgeBody(instructions: "Rate.\nwhen assistant contains \"x\" -> maybe")),
                    422, "VALIDATION_ERROR", ["instructions line 2"])
        assertError(try call("GET", "\(v1)/judges/123"), 422, "VALIDATION_ERROR", ["judge_id"])
        assertError(try call("GET", "\(v1)/judges/00000000-0000-4000-8000-000000000000"), 404, "JUDGE_NOT_FOUND")
    }

    func testJudgeWithoutOutputTypeIsInferred() throws {
        var body = judgeBody(name: "Inferred output", instructions: "Rate the answer.").objectValue!
        body["output"] = ["options": [["value": "ok", "description": "fine"]]]
        let reply = try call("POST", "\(v1)/judges", json: .object(body))
        XCTAssertEqual(reply.status, 201, reply.text)
        XCTAssertEqual(reply.json["output"]?["type"], "CLASSIFICATION")
    }

    func testJudgesAreIsolatedBetweenWorkspaces() throws {
        let created = try call("POST", "\(v1)/judges", json: judgeBody(name: "Private judge"))
        let id = try XCTUnwrap(created.json["id"]?.stringValue)
        assertError(try call("GET", "\(v1)/judges/\(id)", auth: .token("someone-else")), 404, "JUDGE_NOT_FOUND")
        XCTAssertEqual(try call("POST", "\(v1)/judges", auth: .token("someone-else"), json: judgeBody(name: "Private judge")).status, 201,
                       "names are unique per workspace only")
    }

    func testLiveJudgingFollowsTheRules() throws {
        let created = try call("POST", "\(v1)/judges", json: judgeBody())
        let id = try XCTUnwrap(created.json["id"]?.stringValue)
        let sorry: JSON = ["messages": [["role": "user", "content": "Help?"], ["role": "assistant", "content": "I'm Sorry, no."]]]
        let reply = try call("POST", "\(v1)/judges/\(id)/live-judging", json: sorry)
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.json["answer"], "no")
        XCTAssertEqual(reply.json.objectValue?.keys, ["analysis", "answer"])
        let again = try call("POST", "\(v1)/judges/\(id)/live-judging", json: sorry)
        XCTAssertEqual(again.body, reply.body, "same judge and conversation give byte-identical answers")
        let fine: JSON = ["messages": [["role": "user", "content": "Help?"], ["role": "assistant", "content": "Sure."]]]
        XCTAssertEqual(try call("POST", "\(v1)/judges/\(id)/live-judging", json: fine).json["answer"], "yes")
        let noAnswer: JSON = ["messages": [["role": "user", "content": "Help?"]]]
        assertError(try call("POST", "\(v1)/judges/\(id)/live-judging", json: noAnswer), 400, "JUDGE_CONVERSATION_FORMAT_ERROR")
    }

    func testInlineJudgeOnAStoredEvent() throws {
        let fixture = try XCTUnwrap(Self.fixtureEvents.first)
        let id = try XCTUnwrap(fixture["event_id"]?.stringValue)
        var definition = judgeBody(name: "Inline judge", instructions: "Rate it.").objectValue!
        definition["instructions"] = "when conversation icontains \"python\" -> yes\notherwise -> no"
        let reply = try call("POST", "\(v1)/chat-completion-events/\(id)/live-judging", json: ["judge_definition": .object(definition)])
        XCTAssertEqual(reply.status, 200, reply.text)
        let mentionsPython = (fixture["request_messages"]?.text ?? "").lowercased().contains("python")
            || (fixture["response_messages"]?.text ?? "").lowercased().contains("python")
        XCTAssertEqual(reply.json["answer"]?.stringValue, mentionsPython ? "yes" : "no")
        assertError(try call("POST", "\(v1)/chat-completion-events/\(id)/live-judging", json: [:]), 422, "VALIDATION_ERROR", ["judge_definition"])
        assertError(try call("POST", "\(v1)/chat-completion-events/00000000-0000-4000-8000-000000000000/live-judging",
                             json: ["judge_definition": .object(definition)]), 404, "SEARCH_NOT_FOUND")
    }

    // MARK: Reset

    func testResetRestoresTheSeededState() throws {
        let event: JSON = ["request_messages": [["role": "user", "content": "q"]], "response_messages": [["role": "assistant", "content": "a"]]]
        let eventID = try XCTUnwrap(try call("POST", "/__emulator/events", json: event).json["event_ids"]?.arrayValue?.first?.stringValue)
        let judgeID = try XCTUnwrap(try call("POST", "\(v1)/judges", json: judgeBody()).json["id"]?.stringValue)
        XCTAssertEqual(try call("GET", "/__emulator/health", auth: Auth.none).json["events"]?.intValue, Int64(Self.fixtureEvents.count + 1))

        let reset = try call("POST", "/__emulator/reset", auth: Auth.none)
        XCTAssertEqual(reset.status, 204, reset.text)

        assertError(try call("GET", "\(v1)/chat-completion-events/\(eventID)"), 404, "SEARCH_NOT_FOUND")
        assertError(try call("GET", "\(v1)/judges/\(judgeID)"), 404, "JUDGE_NOT_FOUND")
        XCTAssertEqual(try call("GET", "/__emulator/health", auth: Auth.none).json["events"]?.intValue, Int64(Self.fixtureEvents.count))
        let judges = try call("GET", "\(v1)/judges")
        XCTAssertEqual(judges.json["judges"]?["count"]?.intValue, Int64(Self.fixtureJudgeCount), "seeded judges come back")
        XCTAssertEqual(try call("POST", "\(v1)/judges", json: judgeBody()).status, 201, "the name is free again")
    }

    func testWorkspaceResetLeavesOtherWorkspacesAlone() throws {
        let mine = try XCTUnwrap(try call("POST", "\(v1)/judges", json: judgeBody()).json["id"]?.stringValue)
        let theirs = try XCTUnwrap(try call("POST", "\(v1)/judges", auth: .token("other-suite"), json: judgeBody()).json["id"]?.stringValue)
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        assertError(try call("GET", "\(v1)/judges/\(mine)"), 404, "JUDGE_NOT_FOUND")
        XCTAssertEqual(try call("GET", "\(v1)/judges/\(theirs)", auth: .token("other-suite")).status, 200)
    }
}

import XCTest
@testable import EmulatorHTTP

/// Routing decides between 200, 404 and 405 for every request the emulator receives.
final class RouterTests: XCTestCase {
    enum Outcome: Equatable {
        case found(String, [String: String])
        case methodNotAllowed([String])
        case notFound
    }

    func outcome(_ router: Router<String>, _ method: String, _ path: String) -> Outcome {
        switch router.match(method: method, path: path) {
        case .found(let route, let parameters): return .found(route, parameters)
        case .methodNotAllowed(let allowed): return .methodNotAllowed(allowed)
        case .notFound: return .notFound
        }
    }

    func makeRouter() -> Router<String> {
        var router = Router<String>()
        router.add("GET", "/v1/observability/judges", "judges.list")
        router.add("POST", "/v1/observability/judges", "judges.create")
        router.add("GET", "/v1/observability/judges/{judge_id}", "judges.fetch")
        router.add("PUT", "/v1/observability/judges/{judge_id}", "judges.update")
        router.add("DELETE", "/v1/observability/judges/{judge_id}", "judges.delete")
        router.add("POST", "/v1/observability/judges/{judge_id}/live-judging", "judges.judge")
        // Registered before the literal route on purpose: the literal must still win.
        router.add("GET", "/v1/observability/dataset-records/{record_id}", "records.fetch")
        router.add("DELETE", "/v1/observability/dataset-records/{record_id}", "records.delete")
        router.add("POST", "/v1/observability/dataset-records/bulk-delete", "records.bulk_delete")
        router.add("POST", "/v1/observability/chat-completion-events/search", "events.search")
        router.add("GET", "/v1/observability/chat-completion-events/{event_id}", "events.fetch")
        router.add("GET", "/v1/observability/datasets/{dataset_id}/records/{record_id}", "nested")
        return router
    }

    func testLiteralTemplates() {
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/judges"), .found("judges.list", [:]))
        XCTAssertEqual(outcome(router, "POST", "/v1/observability/judges"), .found("judges.create", [:]))
    }

    func testParametersAreBound() {
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/judges/0b5e"), .found("judges.fetch", ["judge_id": "0b5e"]))
        XCTAssertEqual(outcome(router, "POST", "/v1/observability/judges/abc/live-judging"), .found("judges.judge", ["judge_id": "abc"]))
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/datasets/d1/records/r2"), .found("nested", ["dataset_id": "d1", "record_id": "r2"]))
    }

    func testLiteralSegmentBeatsParameter() {
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "POST", "/v1/observability/dataset-records/bulk-delete"), .found("records.bulk_delete", [:]))
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/dataset-records/abc"), .found("records.fetch", ["record_id": "abc"]))
    }

    func testLiteralPathWithOtherMethodFallsBackToTheParameterRoute() {
        // GET /dataset-records/bulk-delete is a record fetch with id "bulk-delete" (a 422 later, not a 405).
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/dataset-records/bulk-delete"), .found("records.fetch", ["record_id": "bulk-delete"]))
    }

    func testMethodNotAllowedListsAllowedMethodsWithHEADForGET() {
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "PATCH", "/v1/observability/judges"), .methodNotAllowed(["GET", "HEAD", "POST"]))
        XCTAssertEqual(outcome(router, "POST", "/v1/observability/judges/x"), .methodNotAllowed(["DELETE", "GET", "HEAD", "PUT"]))
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/chat-completion-events/search"), .found("events.fetch", ["event_id": "search"]))
        XCTAssertEqual(outcome(router, "DELETE", "/v1/observability/chat-completion-events/search"), .methodNotAllowed(["GET", "HEAD", "POST"]))
    }

    func testMethodNotAllowedWithoutGETHasNoHEAD() {
        var router = Router<String>()
        router.add("POST", "/only-post", "p")
        XCTAssertEqual(outcome(router, "GET", "/only-post"), .methodNotAllowed(["POST"]))
    }

    func testHEADIsServedByTheGETRoute() {
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "HEAD", "/v1/observability/judges/j1"), .found("judges.fetch", ["judge_id": "j1"]))
    }

    func testMethodsAreCaseSensitive() {
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "get", "/v1/observability/judges"), .methodNotAllowed(["GET", "HEAD", "POST"]))
    }

    func testParametersArePercentDecoded() {
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/judges/a%20b%2Fc%C3%A9"), .found("judges.fetch", ["judge_id": "a b/cé"]))
        // '+' is only a space in queries, not in paths; a malformed escape is kept as is.
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/judges/a+b%zz%4"), .found("judges.fetch", ["judge_id": "a+b%zz%4"]))
    }

    func testUnknownPathsAreNotFound() {
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/unknown"), .notFound)
        XCTAssertEqual(outcome(router, "GET", "/"), .notFound)
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/judges/a/b"), .notFound)
        XCTAssertEqual(outcome(router, "GET", "/v1/observability"), .notFound)
        XCTAssertEqual(outcome(router, "GET", "/V1/observability/judges"), .notFound)
    }

    func testTrailingSlashIsTheSameResourceButEmptySegmentsAreNot() {
        let router = makeRouter()
        XCTAssertEqual(outcome(router, "GET", "/v1/observability/judges/"), .found("judges.list", [:]))
        XCTAssertEqual(outcome(router, "GET", "/v1/observability//judges"), .notFound)
        XCTAssertEqual(outcome(router, "POST", "/v1/observability/judges//live-judging"), .notFound)
    }

    func testHTTPRequestQueryItemsKeepOrderAndRepeats() {
        let request = HTTPRequest(method: "GET", target: "/v1/judges?type_filter=A&type_filter=B&q=caf%C3%A9+bar&flag&=x")
        XCTAssertEqual(request.path, "/v1/judges")
        XCTAssertEqual(request.queryItems.map(\.name), ["type_filter", "type_filter", "q", "flag", ""])
        XCTAssertEqual(request.queryItems.map(\.value), ["A", "B", "café bar", "", "x"])
    }

    func testPercentEncodingRoundTrip() {
        let text = "a b/c?d=é&~._-"
        let encoded = PercentDecoding.encode(text)
        XCTAssertEqual(encoded, "a%20b%2Fc%3Fd%3D%C3%A9%26~._-")
        XCTAssertEqual(PercentDecoding.decode(encoded), text)
    }
}

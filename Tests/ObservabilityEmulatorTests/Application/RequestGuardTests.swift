import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// What a web page in the developer's browser can and cannot do to an emulator on loopback.
final class RequestGuardTests: ApplicationTestCase {
    func testARebindingHostIsRefusedAndNamesTheFlag() throws {
        let reply = try call("GET", "/__emulator/requests", headers: [("Host", "attacker.example:8080")])
        assertError(reply, 403, "HOST_NOT_ALLOWED", ["--allowed-host attacker.example"])
        for host in ["localhost:1234", "127.0.0.1", "[::1]:8080", "LOCALHOST"] {
            XCTAssertEqual(try call("GET", "/__emulator/health", headers: [("Host", host)]).status, 200, host)
        }
    }

    func testAllowedHostsServeNamesAndSubdomains() throws {
        try restart(with: .make(configure: { $0.allowedHosts = ["emulator.internal", ".corp.example"] }))
        XCTAssertEqual(try call("GET", "/__emulator/health", headers: [("Host", "emulator.internal:80")]).status, 200)
        XCTAssertEqual(try call("GET", "/__emulator/health", headers: [("Host", "ci.corp.example")]).status, 200)
        XCTAssertEqual(try call("GET", "/__emulator/health", headers: [("Host", "corp.example.evil")]).status, 403)
    }

    func testAWildcardBindServesAnyHostUnlessNarrowed() throws {
        try restart(with: .make(configure: { $0.host = "0.0.0.0" }))
        XCTAssertEqual(try call("GET", "/__emulator/health", headers: [("Host", "emulator:8080")]).status, 200)
        try restart(with: .make(configure: { $0.host = "0.0.0.0"; $0.allowedHosts = ["emulator"] }))
        XCTAssertEqual(try call("GET", "/__emulator/health", headers: [("Host", "emulator:8080")]).status, 200)
        XCTAssertEqual(try call("GET", "/__emulator/health", headers: [("Host", "other:8080")]).status, 403)
    }

    /// The reset a page could send as a CORS simple request: refused, and nothing is reset.
    func testACrossSitePostChangesNothing() throws {
        let created = try call("POST", "\(v1)/judges", json: judgeBody("kept-judge"))
        XCTAssertEqual(created.status, 201, created.text)
        let reset = try call("POST", "/__emulator/reset", body: "", headers: [("Origin", "https://evil.example"), ("Content-Type", "text/plain")])
        assertError(reset, 403, "ORIGIN_NOT_ALLOWED", ["--cors-origin https://evil.example"])
        let write = try call("POST", "\(v1)/judges", json: judgeBody("cross-site"), headers: [("Origin", "https://evil.example")])
        XCTAssertEqual(write.status, 403, write.text)
        let judges = try call("GET", "\(v1)/judges?page_size=100")
        let names = judges.json["judges"]?["results"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        XCTAssertTrue(names.contains("kept-judge"), judges.text)
        XCTAssertFalse(names.contains("cross-site"), judges.text)
    }

    func testTheConsolesOwnOriginMayWrite() throws {
        let reply = try call("POST", "\(v1)/judges", json: judgeBody("from-console"), headers: [("Origin", "http://127.0.0.1:\(port)")])
        XCTAssertEqual(reply.status, 201, reply.text)
        XCTAssertNil(reply.header("Access-Control-Allow-Origin"), "CORS stays off without --cors-origin")
    }

    func testAFormOrTextBodyOnAJSONRouteIs415() throws {
        let reply = try call("POST", "\(v1)/judges", body: judgeBody("form-judge").text, headers: [("Content-Type", "text/plain")])
        assertError(reply, 415, "UNSUPPORTED_MEDIA_TYPE", ["application/json"])
        let form = try call("POST", "\(v1)/judges", body: "a=b", headers: [("Content-Type", "application/x-www-form-urlencoded")])
        XCTAssertEqual(form.status, 415, form.text)
        let charset = try call("POST", "\(v1)/judges", json: judgeBody("charset"), headers: [("Content-Type", "application/json; charset=utf-8")])
        XCTAssertEqual(charset.status, 201, charset.text)
    }

    func testCORSOriginsGetHeadersAndPreflights() throws {
        try restart(with: .make(configure: { $0.corsOrigins = ["http://localhost:5173"] }))
        let preflight = try call("OPTIONS", "\(v1)/judges", auth: Auth.none, headers: [
            ("Origin", "http://localhost:5173"), ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "authorization, content-type"),
        ])
        XCTAssertEqual(preflight.status, 204, preflight.text)
        XCTAssertEqual(preflight.header("Access-Control-Allow-Origin"), "http://localhost:5173")
        XCTAssertEqual(preflight.header("Access-Control-Allow-Headers"), "authorization, content-type")
        XCTAssertTrue(preflight.header("Access-Control-Allow-Methods")?.contains("POST") ?? false, preflight.headers.description)
        let write = try call("POST", "\(v1)/judges", json: judgeBody("from-app"), headers: [("Origin", "http://localhost:5173")])
        XCTAssertEqual(write.status, 201, write.text)
        XCTAssertEqual(write.header("Access-Control-Allow-Origin"), "http://localhost:5173")
        let other = try call("OPTIONS", "\(v1)/judges", auth: Auth.none, headers: [("Origin", "http://evil.example"), ("Access-Control-Request-Method", "POST")])
        XCTAssertEqual(other.status, 403, other.text)
        XCTAssertNil(other.header("Access-Control-Allow-Origin"))
    }

    /// Links carry the Host only when it is allowed and shaped like a host name.
    func testLinksNeverCarryAnUncheckedHost() throws {
        try restart(with: .make(configure: { $0.host = "0.0.0.0" }))
        let reply = try call("GET", "\(v1)/judges?page_size=1", headers: [("Host", "evil.example/<script>")])
        XCTAssertEqual(reply.status, 200, reply.text)
        let next = reply.json["judges"]?["next"]?.stringValue ?? ""
        XCTAssertTrue(next.hasPrefix("http://127.0.0.1:\(port)/"), next)
    }

    func testAFaultIsNotAppliedToAnUnauthenticatedRequest() throws {
        try restart(with: .make(configure: { $0.apiKeys = ["good"] }))
        let reply = try call("GET", "\(v1)/judges", auth: .token("bad"), headers: [("X-Emulator-Fault", "status=503")])
        assertError(reply, 401, "AUTH_UNAUTHORIZED")
        let responders = try call("GET", "/__emulator/responders", auth: .token("bad"))
        XCTAssertEqual(responders.status, 401, "a control route acting for a workspace takes --api-key too: \(responders.text)")
        XCTAssertEqual(try call("GET", "/__emulator/responders", auth: .token("good")).status, 200)
    }

    func testConstantTimeEquality() {
        XCTAssertTrue(ConstantTime.equals("secret", "secret"))
        XCTAssertFalse(ConstantTime.equals("secret", "secreT"))
        XCTAssertFalse(ConstantTime.equals("secret", "secret2"))
        XCTAssertFalse(ConstantTime.equals("", "x"))
        XCTAssertTrue(ConstantTime.equals("", ""))
    }

    private func judgeBody(_ name: String) -> JSON {
        ["name": .string(name), "description": "d", "model_name": "mistral-small-latest", "instructions": "Answer yes.", "tools": [],
         "output": ["type": "CLASSIFICATION", "options": [["value": "yes", "description": "y"], ["value": "no", "description": "n"]]]]
    }
}

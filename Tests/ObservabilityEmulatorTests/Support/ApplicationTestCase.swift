import EmulatorTestSupport
import EmulatorJSON
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// A running application per test (`buildApplication` + `start()` on port 0, the repository's
/// fixtures), a small HTTP client for it, and the fixtures read independently as the oracle.
class ApplicationTestCase: XCTestCase {
    var app: EmulatorApplication!
    var port = 0
    let token = "integration-token"
    let v1 = "/v1/observability"

    /// The configuration each test's application starts with; subclasses may override.
    func makeConfiguration() -> EmulatorConfiguration { .make() }

    override func setUpWithError() throws {
        try restart(with: makeConfiguration())
    }

    /// Replaces the running application with one built from `configuration`.
    func restart(with configuration: EmulatorConfiguration) throws {
        app?.shutdown()
        app = try buildApplication(configuration, logger: .quiet)
        port = try app.start()
        XCTAssertGreaterThan(port, 0)
    }

    override func tearDown() {
        app?.shutdown()
        app = nil
        super.tearDown()
    }

    // MARK: Client

    struct Reply {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        var json: JSON { (try? JSON.parse(body)) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        var errorCode: JSON? { json["detail"]?["error_code"] }
        var errorMessage: String { json["detail"]?["message"]?.stringValue ?? "" }
    }

    enum Auth { case token(String), none, raw(String) }

    func call(_ method: String, _ target: String, auth: Auth? = nil, json: JSON? = nil, body: String? = nil,
              headers: [(String, String)] = [], isHead: Bool = false) throws -> Reply {
        let client = try RawHTTPClient(port: port)
        let payload = json.map { $0.serialized() } ?? body.map { Array($0.utf8) } ?? []
        var head = "\(method) \(target) HTTP/1.1\r\nConnection: close\r\n"
        switch auth ?? .token(token) {
        case .token(let value): head += "Authorization: Bearer \(value)\r\n"
        case .raw(let value): head += "Authorization: \(value)\r\n"
        case .none: break
        }
        if !payload.isEmpty || method == "POST" || method == "PUT" {
            head += "Content-Length: \(payload.count)\r\n"
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { head += "Content-Type: application/json\r\n" }
        }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !headers.contains(where: { $0.0.lowercased() == "host" }) { head += "Host: 127.0.0.1:\(port)\r\n" }
        try client.send(Array((head + "\r\n").utf8) + payload)
        let response = try client.readResponse(isHead: isHead, timeout: 10)
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// Sends raw bytes on a new connection; returns the response and whether the server then closed.
    func raw(_ text: String, timeout: TimeInterval = 5) throws -> (reply: Reply, closed: Bool) {
        let client = try RawHTTPClient(port: port)
        try client.send(text)
        let response = try client.readResponse(timeout: timeout)
        return (Reply(status: response.status, headers: response.headers, body: response.body), client.waitForClose())
    }

    func assertError(_ reply: Reply, _ status: Int, _ code: String?, _ fragments: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(reply.status, status, reply.text, file: file, line: line)
        XCTAssertEqual(reply.errorCode, code.map { .string($0) } ?? .null, reply.text, file: file, line: line)
        XCTAssertFalse(reply.errorMessage.isEmpty, "an error must explain itself: \(reply.text)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(reply.errorMessage.contains(fragment), "'\(reply.errorMessage)' lacks '\(fragment)'", file: file, line: line)
        }
        XCTAssertEqual(reply.header("Content-Type"), "application/json", file: file, line: line)
    }

    // MARK: Fixtures, read independently

    static let fixtureEvents: [JSON] = {
        let text = (try? String(contentsOfFile: TestPaths.fixturesDirectory + "/events.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.compactMap { try? JSON.parse(String($0)) }
    }()

    static let fixtureJudgeCount: Int = {
        guard let data = FileManager.default.contents(atPath: TestPaths.fixturesDirectory + "/judges.json"),
              let judges = try? JSON.parse(Array(data)) else { return -1 }
        return judges.arrayValue?.count ?? -1
    }()

    func searchBody(_ filters: JSON, extraFields: [String] = []) -> JSON {
        .object(JSONObject([("search_params", .object(JSONObject([("filters", filters)]))), ("extra_fields", .array(extraFields.map { .string($0) }))]))
    }

    func condition(_ field: String, _ op: String, _ value: JSON) -> JSON {
        .object(JSONObject([("field", .string(field)), ("op", .string(op)), ("value", value)]))
    }

    func searchIDs(_ filters: JSON, auth: Auth? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let reply = try call("POST", "\(v1)/chat-completion-events/search-ids", auth: auth, json: searchBody(filters))
        XCTAssertEqual(reply.status, 200, reply.text, file: file, line: line)
        return reply.json["completion_event_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

import Dispatch
import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// Chat completions sent at once share the writer (group commit), yet each is an event as soon
/// as its answer is out: a search sent right after the answer finds it, and none is lost.
final class ConcurrentChatTests: ApplicationTestCase {
    /// What the threads saw, collected under a lock and asserted on the test's thread.
    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var problems: [String] = []
        func add(_ problem: String) { lock.withLock { problems.append(problem) } }
        var all: [String] { lock.withLock { problems } }
    }

    /// One POST on a connection of its own (the test case itself is not shared between threads).
    static func post(port: Int, token: String, _ path: String, _ body: JSON, headers: String = "") throws -> (status: Int, json: JSON) {
        let client = try RawHTTPClient(port: port)
        let payload = body.serialized()
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(payload.count)\r\n\(headers)\r\n"
        try client.send(Array(head.utf8) + payload)
        let response = try client.readResponse(timeout: 30)
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    func testEveryConcurrentChatIsAnEventFoundRightAfterItsAnswer() throws {
        let outcomes = Outcomes()
        let chats = 96
        let (port, token, search) = (port, token, "\(v1)/chat-completion-events/search-ids")
        DispatchQueue.concurrentPerform(iterations: chats) { index in
            do {
                let body: JSON = ["model": "mistral-small-latest", "messages": [["role": "user", "content": .string("Concurrent question \(index)")]]]
                let reply = try Self.post(port: port, token: token, "/v1/chat/completions", body, headers: "X-Correlation-Id: concurrent-\(index)\r\n")
                guard reply.status == 200 else { return outcomes.add("chat \(index): \(reply.status) \(reply.json)") }
                let filter: JSON = ["field": "correlation_id", "op": "eq", "value": .string("concurrent-\(index)")]
                let found = try Self.post(port: port, token: token, search, ["search_params": ["filters": filter]])
                let ids = found.json["completion_event_ids"]?.arrayValue ?? []
                if ids.count != 1 { outcomes.add("chat \(index): \(ids.count) events right after the answer") }
            } catch {
                outcomes.add("chat \(index): \(error)")
            }
        }
        XCTAssertEqual(outcomes.all, [])
        XCTAssertEqual(try searchIDs(condition("last_user_message_preview", "contains", "Concurrent question")).count, chats)
    }
}

import EmulatorHTTP
import EmulatorJSON
import Foundation
import Synchronization

/// The last N requests the emulator answered, for tests that assert on what their code sent.
/// A ring: memory stays bounded however long a CI run lasts.
final class RequestJournal: Sendable {
    struct Entry {
        let id: Int64
        /// Wall time in Unix milliseconds; formatted only when the journal is read.
        let timeMs: Int64
        let method: String
        let path: String
        let query: String
        let status: Int
        let durationMs: Double
        let workspaceID: String?
        let requestBody: String?
        let responseBody: String?

        var time: String { Timestamp.format(timeMs) }
    }

    /// The ring and the id of the last entry.
    private struct Ring {
        var entries: [Entry] = []
        var nextIndex = 0
        var counter: Int64 = 0
    }

    private let ring = Mutex(Ring())
    let capacity: Int
    let keepBodies: Bool
    static let bodyLimit = 64 * 1024

    init(capacity: Int, keepBodies: Bool) {
        self.capacity = max(0, capacity)
        self.keepBodies = keepBodies
    }

    func record(request: HTTPRequest, response: HTTPResponse, durationMs: Double, workspaceID: String?, timeMs: Int64) {
        guard capacity > 0 else { return }
        func text(_ bytes: [UInt8]) -> String? {
            guard keepBodies, !bytes.isEmpty else { return nil }
            return String(decoding: bytes.prefix(Self.bodyLimit), as: UTF8.self)
        }
        // A streamed answer is journaled as the events it sends, joined.
        let requestBody = text(request.body), responseBody = text(response.stream.map { $0.parts.flatMap(\.bytes) } ?? response.body)
        ring.withLock { ring in
            ring.counter += 1
            let entry = Entry(id: ring.counter, timeMs: timeMs, method: request.method, path: request.path, query: request.rawQuery,
                              status: response.status, durationMs: (durationMs * 1000).rounded() / 1000,
                              workspaceID: workspaceID, requestBody: requestBody, responseBody: responseBody)
            if ring.entries.count < capacity { ring.entries.append(entry) } else { ring.entries[ring.nextIndex] = entry }
            ring.nextIndex = (ring.nextIndex + 1) % capacity
        }
    }

    /// Newest first.
    func snapshot() -> [Entry] {
        ring.withLock { $0.entries }.sorted { $0.id > $1.id }
    }

    func clear() {
        ring.withLock { $0.entries.removeAll(); $0.nextIndex = 0 }
    }
}

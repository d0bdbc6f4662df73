import EmulatorHTTP
import EmulatorJSON
import Foundation

/// The last N requests the emulator answered, for tests that assert on what their code sent.
/// A ring: memory stays bounded however long a CI run lasts.
final class RequestJournal: @unchecked Sendable {
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

    private let lock = NSLock()
    private var entries: [Entry] = []
    private var nextIndex = 0
    private var counter: Int64 = 0
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
        lock.lock()
        defer { lock.unlock() }
        counter += 1
        let entry = Entry(id: counter, timeMs: timeMs, method: request.method, path: request.path, query: request.rawQuery,
                          status: response.status, durationMs: (durationMs * 1000).rounded() / 1000,
                          workspaceID: workspaceID, requestBody: text(request.body), responseBody: text(response.body))
        if entries.count < capacity { entries.append(entry) } else { entries[nextIndex] = entry }
        nextIndex = (nextIndex + 1) % capacity
    }

    /// Newest first.
    func snapshot() -> [Entry] {
        lock.lock()
        defer { lock.unlock() }
        return entries.sorted { $0.id > $1.id }
    }

    func clear() {
        lock.lock()
        entries.removeAll()
        nextIndex = 0
        lock.unlock()
    }
}

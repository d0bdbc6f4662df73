import Dispatch
import EmulatorJSON
import Foundation

/// Parsed fixture events on their way from the parsing thread to the thread that stores them.
final class DraftChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[EventDraft]] = []
    private var outcome: Result<Void, Error>?

    /// Parses the events of `directory` on another thread into a new channel.
    static func parsing(_ directory: String?) -> DraftChannel {
        let channel = DraftChannel()
        guard let directory else {
            channel.finish(.success(()))
            return channel
        }
        DispatchQueue.global(qos: .userInitiated).async {
            channel.finish(Result { try Fixtures.loadEvents(from: directory, send: channel.send) })
        }
        return channel
    }

    func send(_ batch: [EventDraft]) {
        condition.lock()
        batches.append(batch)
        condition.signal()
        condition.unlock()
    }

    func finish(_ result: Result<Void, Error>) {
        condition.lock()
        outcome = result
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, waiting for it; nil after the last. Throws what the parser threw.
    func next() throws -> [EventDraft]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && outcome == nil { condition.wait() }
        if !batches.isEmpty { return batches.removeFirst() }
        try outcome?.get()
        return nil
    }
}

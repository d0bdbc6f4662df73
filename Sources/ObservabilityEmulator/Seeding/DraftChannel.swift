import Dispatch
import EmulatorJSON
import Foundation

/// Parsed fixture events on their way from the parsing thread to the thread that stores them.
///
/// `@unchecked Sendable`: `batches` and `outcome` are read and written only while `condition`
/// is held.
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
        condition.withLock {
            batches.append(batch)
            condition.signal()
        }
    }

    func finish(_ result: Result<Void, Error>) {
        condition.withLock {
            outcome = result
            condition.broadcast()
        }
    }

    /// The next batch, waiting for it; nil after the last. Throws what the parser threw.
    func next() throws -> [EventDraft]? {
        try condition.withLock {
            while batches.isEmpty && outcome == nil { condition.wait() }
            if !batches.isEmpty { return batches.removeFirst() }
            try outcome?.get()
            return nil
        }
    }
}

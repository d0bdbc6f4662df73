import Dispatch
import EmulatorJSON
import Foundation

/// Batches on their way from the thread that makes them to the thread that stores them: parsed
/// fixture events, generated synthetic traces. With a capacity, the producer waits while that
/// many batches are queued, so a fast producer cannot fill the memory.
///
/// `@unchecked Sendable`: `batches` and `outcome` are read and written only while `condition`
/// is held.
final class BatchChannel<Batch>: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [Batch] = []
    private var outcome: Result<Void, Error>?
    private let capacity: Int

    init(capacity: Int = .max) { self.capacity = capacity }

    /// Runs `produce` on another thread, handing its batches to a new channel.
    static func producing(capacity: Int = .max, _ produce: @escaping @Sendable (BatchChannel<Batch>) throws -> Void) -> BatchChannel<Batch> {
        let channel = BatchChannel(capacity: capacity)
        DispatchQueue.global(qos: .userInitiated).async {
            channel.finish(Result { try produce(channel) })
        }
        return channel
    }

    /// A channel of this one's batches, each transformed on yet another thread: a second stage,
    /// so that making batches and transforming them run side by side, in order.
    func map<Output>(capacity: Int = 2, _ transform: @escaping @Sendable (Batch) throws -> Output) -> BatchChannel<Output> {
        .producing(capacity: capacity) { output in
            while let batch = try self.next() { output.send(try transform(batch)) }
        }
    }

    func send(_ batch: Batch) {
        condition.withLock {
            while batches.count >= capacity { condition.wait() }
            batches.append(batch)
            condition.broadcast()
        }
    }

    func finish(_ result: Result<Void, Error>) {
        condition.withLock {
            outcome = result
            condition.broadcast()
        }
    }

    /// The next batch, waiting for it; nil after the last. Throws what the producer threw.
    func next() throws -> Batch? {
        try condition.withLock {
            while batches.isEmpty && outcome == nil { condition.wait() }
            if !batches.isEmpty {
                condition.broadcast()
                return batches.removeFirst()
            }
            try outcome?.get()
            return nil
        }
    }
}

/// Parsed fixture events.
typealias DraftChannel = BatchChannel<[EventDraft]>

extension BatchChannel where Batch == [EventDraft] {
    /// Parses the events of `directory` on another thread into a new channel.
    static func parsing(_ directory: String?) -> DraftChannel {
        guard let directory else {
            let channel = DraftChannel()
            channel.finish(.success(()))
            return channel
        }
        return .producing { channel in try Fixtures.loadEvents(from: directory, send: channel.send) }
    }
}

import Dispatch
import EmulatorStore
import Foundation
import Synchronization

/// The full-text index of ingested events (`events_fts`, read only by similar-events), filled
/// off the answer's path: an ingested event's text is queued once its row is committed, and
/// stored in batches by a thread of its own.
///
/// Why: FTS5 writes a new index segment per transaction (sqlite.org/fts5.html#the_automerge_option),
/// so indexing one chat completion per transaction cost several times its row and its five
/// B-tree indexes together; in batches of 64 it costs a fraction of it.
///
/// Read-your-writes holds for similar-events as for the rest: it calls `flush()` first, which
/// stores everything queued before it (an answer is sent after its event was queued). A
/// snapshot, a restore and a reset flush first too. A queued text whose event is gone by then
/// (a reset, retention) is dropped: each is stored only while the row with that rowid still
/// has that event id.
final class EventTextIndexer: Sendable {
    struct Entry {
        let rowID: Int64
        let eventID: String
        let userText: String
        let assistantText: String
    }

    /// Texts stored per writer transaction: the writer is held about a millisecond per batch.
    static let batchSize = 64
    /// How long a queued text may wait for a batch to fill.
    static let maximumDelay = DispatchTimeInterval.milliseconds(50)

    private let queue = Mutex<[Entry]>([])
    /// Held while a batch taken from the queue is being stored, so that `flush` returns only
    /// after the texts queued before it are in the index.
    private let storing = Mutex<Void>(())
    private let wake = DispatchSemaphore(value: 0)
    private let pool: DatabasePool
    /// Why storing a batch failed last (health then reports the search index as failed).
    let lastError = Mutex<String?>(nil)

    init(pool: DatabasePool) {
        self.pool = pool
        // The thread holds the indexer only while it works: it ends once the store is gone.
        let thread = Thread { [weak self] in
            while let indexer = self { indexer.cycle() }
        }
        thread.name = "event-text-index"
        thread.start()
    }

    /// Queues committed events' text; wakes the thread once a batch is full.
    func enqueue(_ entries: [Entry]) {
        guard !entries.isEmpty else { return }
        let count = queue.withLock { queue in
            queue.append(contentsOf: entries)
            return queue.count
        }
        if count >= Self.batchSize && count - entries.count < Self.batchSize { wake.signal() }
    }

    /// Stores every text queued so far.
    func flush() {
        storing.withLock { _ in
            while storeBatch() {}
        }
    }

    /// Stores one batch; false when the queue was empty. The caller holds `storing`.
    private func storeBatch() -> Bool {
        let batch = queue.withLock { queue -> [Entry] in
            let count = min(queue.count, Self.batchSize)
            defer { queue.removeFirst(count) }
            return Array(queue.prefix(count))
        }
        if batch.isEmpty { return false }
        do {
            try pool.writeTransaction { db in
                for entry in batch {
                    try db.run("""
                        INSERT INTO events_fts (rowid, user_text, assistant_text)
                        SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM events WHERE rowid = ?1 AND event_id = ?4)
                        """, [entry.rowID, entry.userText, entry.assistantText, entry.eventID])
                }
            }
        } catch {
            lastError.withLock { $0 = "\(error)" }
        }
        return true
    }

    /// Waits for a full batch or the maximum delay, then stores what is queued.
    private func cycle() {
        _ = wake.wait(timeout: .now() + Self.maximumDelay)
        // One batch at a time, taking `storing` afresh for each: a flush waits for one batch at
        // most, and the group-committed writes get the writer between batches.
        while storing.withLock({ _ in storeBatch() }) {}
    }
}

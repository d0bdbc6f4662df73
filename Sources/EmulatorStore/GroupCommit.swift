import Dispatch
import Synchronization

/// Group commit: concurrent small writes (one chat completion's event each) share one writer
/// transaction instead of each paying for its own.
///
/// Each write joins a queue. The first to find no leader leads: it takes the writer, runs every
/// write queued by then in one transaction, each inside its own savepoint (a write that throws
/// rolls back alone and gets its own error), commits, and only then wakes the writers of the
/// batch, which return. If more writes queued meanwhile, it hands the lead to the oldest of them
/// and returns: no caller leads more than one batch, so none waits behind more than the batch in
/// progress and its own. Every caller returns after its write is committed, as with `write`.
///
/// Why it pays: a commit writes every page the transaction changed to the WAL; the events table,
/// its indexes, the full-text index and the retention counter are each one page or a few, shared
/// by all the rows of a batch. With N writes waiting, the WAL write and the commit are paid once.
final class GroupCommit: Sendable {
    /// One queued write. `@unchecked Sendable`: `error` and `done` are written by the leader
    /// before it signals `wake`, and read by the owner only after `wake` returned (the semaphore
    /// orders the two); `body` is run by the leader while the owner waits.
    final class Write: @unchecked Sendable {
        let body: (Database) throws -> Void
        var error: Error?
        var done = false
        let wake = DispatchSemaphore(value: 0)
        init(_ body: @escaping (Database) throws -> Void) { self.body = body }
    }

    private struct State {
        var queue: [Write] = []
        var leading = false
    }
    private let state = Mutex(State())

    /// Queues `write`; true when the caller is to lead (there was no leader).
    func enqueue(_ write: Write) -> Bool {
        state.withLock { state in
            state.queue.append(write)
            if state.leading { return false }
            state.leading = true
            return true
        }
    }

    /// Takes every queued write (the leader's own among them).
    func takeBatch() -> [Write] {
        state.withLock { state in
            defer { state.queue.removeAll(keepingCapacity: true) }
            return state.queue
        }
    }

    /// Passes the lead to the oldest write queued since the batch was taken, or ends it.
    func handOff() {
        let next: Write? = state.withLock { state in
            guard let first = state.queue.first else {
                state.leading = false
                return nil
            }
            return first
        }
        next?.wake.signal()
    }

    /// Runs a batch in one transaction on `db` (the writer, held by the caller).
    static func run(_ batch: [Write], on db: Database) {
        do {
            try db.transaction {
                for write in batch {
                    // "The SAVEPOINT command starts a new transaction with a name"; ROLLBACK TO
                    // undoes what followed it and leaves it open, RELEASE closes it
                    // (sqlite.org/lang_savepoint.html).
                    try db.run("SAVEPOINT grouped_write")
                    do {
                        try write.body(db)
                    } catch {
                        write.error = error
                        try db.run("ROLLBACK TO grouped_write")
                    }
                    try db.run("RELEASE grouped_write")
                }
            }
        } catch {
            // The commit (or a savepoint statement) failed: the whole batch is rolled back.
            for write in batch where write.error == nil { write.error = error }
        }
        for write in batch { write.done = true }
    }
}

extension DatabasePool {
    /// Runs `body` in a writer transaction shared with the writes queued at the same moment (see
    /// `GroupCommit`); returns once that transaction is committed. A `body` that throws is rolled
    /// back alone and its error rethrown here; a failed commit fails every write of the batch.
    public func groupedWriteTransaction<T>(_ body: @escaping (Database) throws -> T) throws -> T {
        // `body` escapes into the queue: the leader that runs it may still hold the batch for a
        // moment after this caller has returned.
        var result: T?
        let mine = GroupCommit.Write { db in result = try body(db) }
        if !groupCommit.enqueue(mine) {
            // Woken when a leader has committed it, or when the lead passes to it.
            mine.wake.wait()
        }
        if !mine.done {
            let batch = groupCommit.takeBatch()
            writeGroup { db in GroupCommit.run(batch, on: db) }
            for other in batch where other !== mine { other.wake.signal() }
            groupCommit.handOff()
        }
        if let error = mine.error { throw error }
        guard let result else { throw DatabaseError.rowNotFound("grouped write has no result", sql: nil) }
        return result
    }
}

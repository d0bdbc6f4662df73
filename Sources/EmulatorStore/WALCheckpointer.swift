import CSQLite
import Foundation
import Synchronization

/// Checkpoints the WAL on a thread and a connection of its own, so that no write pays for it.
///
/// By default SQLite checkpoints inside the commit that takes the WAL past 1 000 pages
/// ("the COMMIT that causes the WAL to exceed the threshold runs the checkpoint",
/// sqlite.org/wal.html#automatic_checkpoint): one chat completion in a few hundred waited for
/// 8 MiB to be copied into the main file, with the writer held, and the chats queued behind it
/// too. Here the writer's WAL hook (which replaces the automatic checkpoint,
/// sqlite.org/c3ref/wal_hook.html) only wakes this thread, which runs a PASSIVE checkpoint
/// ("as many frames as possible without waiting for any database readers or writers to
/// finish") while the writer goes on appending. The WAL is still restarted from its beginning
/// by the first write after a complete checkpoint, as with the automatic one.
final class WALCheckpointer: Sendable {
    /// WAL size, in pages, past which a commit wakes the checkpointer (SQLite's default).
    static let thresholdPages: Int32 = 1_000

    private struct State {
        var requested = false
        var stopping = false
        /// The WAL's size when a checkpoint was last asked for: the next is asked for once
        /// another `thresholdPages` were appended (or the WAL restarted), as SQLite's own
        /// checkpoint runs once per threshold, not after every commit past it.
        var requestedAtPages: Int32 = 0
    }
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    /// Signalled once the thread has closed its connection and ended.
    private let finished = DispatchSemaphore(value: 0)
    /// Held by the thread only (`@unchecked`: one thread uses it, after `init` hands it over).
    private final class Connection: @unchecked Sendable {
        let database: Database
        init(_ database: Database) { self.database = database }
    }

    init(path: String) throws {
        var options = Database.Options()
        options.cacheKiB = 256
        let connection = Connection(try Database(path: path, options: options))
        let thread = Thread { [self] in run(connection) }
        thread.name = "wal-checkpoint"
        thread.start()
    }

    /// Installs the hook on the writer: after each commit, past the threshold, wake the thread.
    func attach(to writer: Database) {
        sqlite3_wal_hook(writer.handle, { context, _, _, pages in
            if pages >= WALCheckpointer.thresholdPages, let context {
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().walGrew(to: pages)
            }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// After a commit that left `pages` in the WAL: asks for a checkpoint once per threshold;
    /// requests made while one is pending are one request.
    func walGrew(to pages: Int32) {
        let signal = state.withLock { state -> Bool in
            guard pages < state.requestedAtPages || pages - state.requestedAtPages >= Self.thresholdPages else { return false }
            state.requestedAtPages = pages
            if state.requested { return false }
            state.requested = true
            return true
        }
        if signal { wake.signal() }
    }

    /// Ends the thread (after the checkpoint in progress, if any).
    func stop() {
        state.withLock { $0.stopping = true }
        wake.signal()
    }

    /// Ends the thread and waits until its connection is closed.
    func stopAndWait() {
        stop()
        finished.wait()
    }

    private func run(_ connection: Connection) {
        while true {
            wake.wait()
            let stopping = state.withLock { state -> Bool in
                state.requested = false
                return state.stopping
            }
            if stopping {
                connection.database.close()
                finished.signal()
                return
            }
            _ = sqlite3_wal_checkpoint_v2(connection.database.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
    }
}

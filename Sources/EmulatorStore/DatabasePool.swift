import CSQLite
import Dispatch
import Foundation
import Synchronization

/// One writer connection and a few reader connections on the same WAL database file.
///
/// As in GRDB's DatabasePool: writes are serialised on the writer's queue; reads run on whichever
/// reader is free, concurrently with the writer, each seeing a consistent snapshot.
///
/// `@unchecked Sendable`: the writer connection is used only while `writerLock` is held, the
/// list of idle readers only under `readersLock`, and each reader by one thread at a time (taken
/// from the list, given back after).
public final class DatabasePool: @unchecked Sendable {
    public let path: String
    private let writer: Database
    private let writerLock = NSLock()
    private var readers: [Database]
    private let readersLock = NSLock()
    private let readerSemaphore: DispatchSemaphore
    /// The queue of `groupedWriteTransaction` (GroupCommit.swift).
    let groupCommit = GroupCommit()
    /// Set by `startBackgroundCheckpoints`.
    private let checkpointer = Mutex<WALCheckpointer?>(nil)

    /// Opens the pool; `prepare` runs on each connection once (functions, pragmas).
    public init(path: String, readerCount: Int = 2, writerOptions: Database.Options = Database.Options(), migrations: [Migration], prepare: (Database) throws -> Void = { _ in }) throws {
        self.path = path
        writer = try Database(path: path, options: writerOptions)
        try prepare(writer)
        try Migrator(migrations).migrate(writer)
        var readers: [Database] = []
        for _ in 0..<max(1, readerCount) {
            var options = Database.Options()
            options.readOnly = true
            let reader = try Database(path: path, options: options)
            try prepare(reader)
            readers.append(reader)
        }
        self.readers = readers
        readerSemaphore = DispatchSemaphore(value: readers.count)
    }

    deinit {
        checkpointer.withLock { $0?.stop() }
    }

    /// From now on the WAL is checkpointed by a thread of its own instead of inside the commit
    /// that takes it past 1 000 pages (see `WALCheckpointer`). Called once start-up's bulk
    /// writes are done, so that seeding keeps SQLite's own checkpoints.
    public func startBackgroundCheckpoints() throws {
        let started = try WALCheckpointer(path: path)
        _ = try write { db in started.attach(to: db) }
        checkpointer.withLock { $0 = started }
    }

    /// Called after every `write`, once its changes are committed (or rolled back), still
    /// holding the writer: caches of query results drop what may have changed. Set it before
    /// the pool is shared.
    public var didWrite: (@Sendable () -> Void)?

    /// Runs `body` with exclusive use of the writer connection.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try writerLock.withLock {
            defer {
                writes.add(1, ordering: .releasing)
                didWrite?()
            }
            return try body(writer)
        }
    }

    /// Counts `write`s, each after its commit; group-committed writes (`groupedWriteTransaction`)
    /// are not counted. A cache of what only ordinary writes change (a workspace's responders
    /// and model cards, not its events) is current while this number is the one it was read at.
    public var writeGeneration: UInt64 { writes.load(ordering: .acquiring) }
    private let writes = Atomic<UInt64>(0)

    /// The writer for a batch of group-committed writes: `didWrite` runs, the generation stays.
    func writeGroup(_ body: (Database) -> Void) {
        writerLock.withLock {
            defer { didWrite?() }
            body(writer)
        }
    }

    /// Runs `body` in a transaction on the writer.
    public func writeTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try write { db in try db.transaction { try body(db) } }
    }

    /// Runs `body` on a free reader connection, inside a read transaction (one snapshot).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        readerSemaphore.wait()
        let reader = readersLock.withLock { readers.removeLast() }
        defer {
            readersLock.withLock { readers.append(reader) }
            readerSemaphore.signal()
        }
        // Cached statements: sqlite3_exec would parse BEGIN and COMMIT again on every read.
        try reader.run("BEGIN DEFERRED")
        defer { _ = try? reader.run("COMMIT") }
        return try body(reader)
    }

    /// Releases the writer's page cache (`sqlite3_db_release_memory`), for after a bulk load.
    public func shrinkWriterMemory() {
        _ = try? write { db in try db.execute("PRAGMA shrink_memory") }
    }

    /// Gives the disk back after a large delete: when at least `minimumBytes` of the main file
    /// are free pages, frees them (on a database created with incremental auto-vacuum) and
    /// truncates the WAL to zero bytes. A smaller delete leaves its few pages for the next
    /// inserts (SQLite reuses free pages before it grows the file) and the WAL to the automatic
    /// checkpoint: truncating it copies every page written since the last checkpoint into the
    /// main file and waits for the readers, which made each small reset cost 0.3–1.4 s after a
    /// large restore. Errors are ignored: a reader still inside a snapshot only makes the
    /// truncation wait. Returns whether it reclaimed.
    @discardableResult
    public func reclaimSpace(minimumBytes: Int64 = 1 << 20) -> Bool {
        (try? write { db -> Bool in
            let free = (try db.scalarInt64("PRAGMA freelist_count") ?? 0) * (try db.scalarInt64("PRAGMA page_size") ?? 0)
            guard free >= minimumBytes else { return false }
            try db.execute("PRAGMA incremental_vacuum")
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return true
        }) ?? false
    }

    /// Checkpoints the WAL into the main file and closes nothing (connections close on deinit).
    public func checkpoint() {
        _ = try? write { db in try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}

// MARK: Copies of the whole database

extension DatabasePool {
    /// Writes a consistent copy of the database to `path` with SQLite's online backup API,
    /// holding the writer so no write lands half-way; the copy is a standalone database file
    /// (its WAL checkpointed into it). An existing file at `path` is replaced.
    public func saveCopy(to path: String) throws {
        let temporary = path + ".partial"
        try write { db in
            unlink(temporary)
            do {
                let copy = try Database(path: temporary)
                try Database.backup(from: db, to: copy)
                try copy.execute("PRAGMA journal_mode = DELETE")
            }   // the copy is closed here, before the rename
            guard rename(temporary, path) == 0 else {
                throw DatabaseError(code: SQLITE_CANTOPEN, message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Replaces every page of the database with those of the database file at `path`, in one
    /// step under the writer: readers see the old content or the new, never a mix of both
    /// within one read.
    public func restoreCopy(from path: String) throws {
        var options = Database.Options()
        options.readOnly = true
        let source = try Database(path: path, options: options)
        try write { db in
            try Database.backup(from: source, to: db)
            // Every page just went through the WAL: copy them into the main file now, in the
            // restore, rather than in the automatic checkpoint of whichever write comes next
            // (a chat completion would pay for the whole database).
            _ = try? db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}

extension Database {
    /// Copies every page of `source` into `destination` (sqlite3_backup, all pages in one step).
    static func backup(from source: Database, to destination: Database) throws {
        guard let backup = sqlite3_backup_init(destination.rawHandle, "main", source.rawHandle, "main") else {
            throw destination.error(sqlite3_errcode(destination.rawHandle), sql: nil)
        }
        let step = sqlite3_backup_step(backup, -1)
        let finish = sqlite3_backup_finish(backup)
        guard step == SQLITE_DONE, finish == SQLITE_OK else {
            throw destination.error(step == SQLITE_DONE ? finish : step, sql: nil)
        }
    }
}

import CLinux
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
    private let opener: Opener
    private var writer: Database
    private let writerLock = NSLock()
    private var readers: [Database]
    private let readersLock = NSLock()
    private let readerSemaphore: DispatchSemaphore
    /// The queue of `groupedWriteTransaction` (GroupCommit.swift).
    let groupCommit = GroupCommit()
    /// Set by `startBackgroundCheckpoints`.
    private let checkpointer = Mutex<WALCheckpointer?>(nil)

    /// How the pool opens its connections: at start, and again after `replaceFile(with:)`.
    private struct Opener {
        let readerCount: Int
        let writerOptions: Database.Options
        let migrations: [Migration]
        let prepare: (Database) throws -> Void

        func writer(at path: String) throws -> Database {
            let writer = try Database(path: path, options: writerOptions)
            try prepare(writer)
            try Migrator(migrations).migrate(writer)
            return writer
        }

        func readers(at path: String) throws -> [Database] {
            var options = Database.Options()
            options.readOnly = true
            return try (0..<readerCount).map { _ in
                let reader = try Database(path: path, options: options)
                try prepare(reader)
                return reader
            }
        }
    }

    /// Opens the pool; `prepare` runs on each connection once (functions, pragmas).
    public init(path: String, readerCount: Int = 2, writerOptions: Database.Options = Database.Options(), migrations: [Migration],
                prepare: @escaping (Database) throws -> Void = { _ in }) throws {
        self.path = path
        opener = Opener(readerCount: max(1, readerCount), writerOptions: writerOptions, migrations: migrations, prepare: prepare)
        writer = try opener.writer(at: path)
        readers = try opener.readers(at: path)
        readerSemaphore = DispatchSemaphore(value: readers.count)
    }

    deinit {
        checkpointer.withLock { $0?.stop() }
    }

    /// From now on the WAL is checkpointed by a thread of its own instead of inside the commit
    /// that takes it past 1 000 pages (see `WALCheckpointer`). Called once start-up's bulk
    /// writes are done, so that seeding keeps SQLite's own checkpoints.
    public func startBackgroundCheckpoints() throws {
        try writerLock.withLock { try startCheckpoints() }
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

    /// Releases the page cache of every connection not in use (`sqlite3_db_release_memory`),
    /// for after start-up or a bulk load.
    public func shrinkMemory() {
        _ = try? write { db in try db.execute("PRAGMA shrink_memory") }
        readersLock.withLock {
            for reader in readers { _ = try? reader.execute("PRAGMA shrink_memory") }
        }
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
            try db.checkpointTruncate()
            return true
        }) ?? false
    }

    /// Checkpoints the WAL into the main file and closes nothing (connections close on deinit).
    public func checkpoint() {
        _ = try? write { db in try db.checkpointTruncate() }
    }
}

// MARK: Replacing the whole database

extension DatabasePool {
    /// Where `prepareReplacement(copying:)` leaves its copy: beside the database, on the same
    /// file system, so that `replaceFile(with:)` is a rename.
    public var replacementPath: String { path + "-next" }

    /// Copies the standalone database file at `source` to `replacementPath` (in the kernel) and
    /// brings the copy to this pool's schema and journal mode, without touching the pool's own
    /// file: the slow half of a restore, which can run ahead of it.
    @discardableResult
    public func prepareReplacement(copying source: String) throws -> String {
        let destination = replacementPath
        let partial = destination + ".partial"
        try FileCopy.copy(from: source, to: partial, durable: !opener.writerOptions.synchronousOff)
        do {
            // Migrated and in WAL mode now, so the swap has nothing left to do but open it.
            _ = try opener.writer(at: partial)
        } catch {
            unlink(partial)
            throw error
        }
        for suffix in ["-wal", "-shm"] { unlink(partial + suffix) }
        guard rename(partial, destination) == 0 else { throw FileCopy.error("cannot rename \(partial)") }
        return destination
    }

    /// Makes the prepared file at `replacement` (from `prepareReplacement(copying:)`) the pool's
    /// database in one step under the writer, once every read in flight has finished: readers
    /// see the old content or the new, never a mix of both within one read.
    ///
    /// On disk the switch is one rename, after the old file has taken its WAL back: a crash at any
    /// moment leaves either the old database whole or the new one.
    public func replaceFile(with replacement: String) throws {
        try writerLock.withLock {
            defer { didWrite?() }
            var held = 0
            defer { for _ in 0..<held { readerSemaphore.signal() } }
            while held < opener.readerCount {
                guard readerSemaphore.wait(timeout: .now() + 10) == .success else {
                    throw DatabaseError(code: SQLITE_BUSY, message: "reads still running after 10 s; the database was not replaced")
                }
                held += 1
            }
            // The checkpoint thread's connection closes first and for good: its checkpoints would
            // make the one below busy, and the last connection to close deletes the WAL by its
            // name, which is about to be the new database's.
            let checkpointed = checkpointer.withLock { running -> Bool in
                guard let thread = running else { return false }
                thread.stopAndWait()
                running = nil
                return true
            }
            // (Skipped when an earlier swap could not reopen the database: nothing to keep then.)
            if !writer.isClosed, try !writer.checkpointTruncate() {
                if checkpointed { try startCheckpoints() }
                throw DatabaseError(code: SQLITE_BUSY, message: "the WAL could not be checkpointed; the database was not replaced")
            }
            readersLock.withLock {
                for reader in readers { reader.close() }
            }
            writer.close()
            for suffix in ["-wal", "-shm"] { unlink(path + suffix) }
            let swapped = rename(replacement, path) == 0
            let failure = swapped ? nil : FileCopy.error("cannot rename \(replacement) to \(path)")
            // The old file on failure, else the new one. Should opening fail (a disk full to the
            // last byte), the closed connections fail every use with SQLITE_IOERR until a later
            // restore opens a database again.
            writer = try opener.writer(at: path)
            let opened = try opener.readers(at: path)
            readersLock.withLock { readers = opened }
            if checkpointed { try startCheckpoints() }
            if let failure { throw failure }
        }
    }

    /// A checkpoint thread on the current file and writer, with the writer held.
    private func startCheckpoints() throws {
        let started = try WALCheckpointer(path: path)
        started.attach(to: writer)
        checkpointer.withLock { $0 = started }
    }

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
            guard rename(temporary, path) == 0 else { throw FileCopy.error("cannot write \(path)") }
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

/// Whole-file copies in the kernel (`sendfile`: page cache to page cache, no pass through user
/// space).
enum FileCopy {
    /// `durable`: flushed to the disk before it returns, for a database that must survive the
    /// operating system (not for a temporary one).
    static func copy(from source: String, to destination: String, durable: Bool) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw error("cannot open \(source)") }
        defer { close(input) }
        unlink(destination)
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw error("cannot create \(destination)") }
        var failure: DatabaseError?
        var status = stat()
        if fstat(input, &status) != 0 { failure = error("cannot stat \(source)") }
        var remaining = Int(status.st_size)
        while failure == nil, remaining > 0 {
            let copied = sendfile(output, input, nil, remaining)
            if copied > 0 { remaining -= copied } else if copied == 0 || errno != EINTR { failure = error("cannot copy \(source)") }
        }
        if failure == nil, durable, fsync(output) != 0 { failure = error("cannot write \(destination)") }
        close(output)
        if let failure {
            unlink(destination)
            throw failure
        }
    }

    /// The failed call's errno as a DatabaseError: a full disk is SQLITE_FULL, as SQLite's own.
    static func error(_ what: String) -> DatabaseError {
        let code = errno
        return DatabaseError(code: code == ENOSPC || code == EDQUOT ? SQLITE_FULL : SQLITE_CANTOPEN,
                             message: "\(what): \(String(cString: strerror(code)))")
    }
}

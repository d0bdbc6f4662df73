import Dispatch
import Foundation

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

    /// Called after every `write`, once its changes are committed (or rolled back), still
    /// holding the writer: caches of query results drop what may have changed. Set it before
    /// the pool is shared.
    public var didWrite: (@Sendable () -> Void)?

    /// Runs `body` with exclusive use of the writer connection.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try writerLock.withLock {
            defer { didWrite?() }
            return try body(writer)
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

    /// Gives the disk back after a large delete: frees the main file's empty pages (on a
    /// database created with incremental auto-vacuum) and truncates the WAL to zero bytes.
    /// Errors are ignored: a reader still inside a snapshot only makes the truncation wait.
    public func reclaimSpace() {
        _ = try? write { db in try db.execute("PRAGMA incremental_vacuum") }
        checkpoint()
    }

    /// Checkpoints the WAL into the main file and closes nothing (connections close on deinit).
    public func checkpoint() {
        _ = try? write { db in try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}

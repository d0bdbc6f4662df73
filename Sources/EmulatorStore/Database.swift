import CSQLite
import Foundation

/// One SQLite connection with a statement cache. Not thread-safe: use it from one queue at a time
/// (see `DatabasePool`), which is why it is opened with SQLITE_OPEN_NOMUTEX.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    private var cache: [String: Statement] = [:]
    public private(set) var isInTransaction = false

    public struct Options: Sendable {
        public var readOnly = false
        public var busyTimeoutMilliseconds: Int32 = 5_000
        public var synchronousNormal = true
        /// Skip fsync entirely: for a throw-away database that is deleted at exit anyway.
        public var synchronousOff = false
        /// Page cache in KiB (SQLite's default is 2 000 KiB).
        public var cacheKiB = 2_000
        public init() {}
    }

    public init(path: String, options: Options = Options()) throws {
        var connection: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        flags |= options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            if let connection { sqlite3_close_v2(connection) }
            throw DatabaseError(code: code, message: "cannot open database at \(path): \(message)")
        }
        handle = connection
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        // "Sets a busy handler that sleeps for a specified amount of time when a table is locked"
        // (sqlite.org/c3ref/busy_timeout.html): writers wait for each other instead of failing.
        sqlite3_busy_timeout(handle, options.busyTimeoutMilliseconds)
        if !options.readOnly {
            // 8 KiB pages for a new database (an existing one keeps its size): telemetry rows are
            // about 1 KiB, and larger pages halve the pages, and so the WAL writes, per batch.
            try execute("PRAGMA page_size = 8192")
            // A new database gives freed pages back to the file system on request
            // (`PRAGMA incremental_vacuum`, after a reset); "auto-vacuuming must be turned on
            // before any tables are created" (sqlite.org/pragma.html#pragma_auto_vacuum), so an
            // existing database keeps its mode.
            try execute("PRAGMA auto_vacuum = INCREMENTAL")
            // WAL: "readers do not block writers and a writer does not block readers"
            // (sqlite.org/wal.html), which is what lets the reader pool serve while the writer works.
            try execute("PRAGMA journal_mode = WAL")
            // In WAL mode NORMAL is durable across application crashes; only an OS crash or power
            // loss can roll back the last transactions (sqlite.org/pragma.html#pragma_synchronous).
            // After a checkpoint the WAL is truncated to at most 64 MiB instead of keeping the size
            // of its largest transaction (sqlite.org/pragma.html#pragma_journal_size_limit).
            try execute("PRAGMA journal_size_limit = 67108864")
            try execute(options.synchronousOff ? "PRAGMA synchronous = OFF" : options.synchronousNormal ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL")
            // The main file grows (and shrinks) 1 MiB at a time instead of a page at a time
            // (sqlite.org/c3ref/c_fcntl_begin_atomic_write.html#sqlitefcntlchunksize): each time
            // its size changes, every reader remaps its memory map of it (munmap, mmap, page
            // faults) on its next read, which under a stream of inserts was once per write.
            var chunk: Int32 = 1 << 20
            sqlite3_file_control(handle, "main", SQLITE_FCNTL_CHUNK_SIZE, &chunk)
        }
        // A negative cache_size is in KiB (sqlite.org/pragma.html#pragma_cache_size).
        try execute("PRAGMA cache_size = -\(options.cacheKiB)")
        try execute("PRAGMA foreign_keys = ON")
        // Keep sorting and temporary indexes in memory.
        try execute("PRAGMA temp_store = MEMORY")
        // Readers read pages through a memory map (up to 1 GiB): scans of large tables and
        // indexes skip a read(2) and a copy per page. (Not the writer: seeding would map the
        // whole file into its resident set.)
        if options.readOnly { try execute("PRAGMA mmap_size = 1073741824") }
    }

    public private(set) var isClosed = false

    deinit { close() }

    /// Finalizes the cached statements and closes the connection; the object is unusable after.
    /// (Statements live only in the cache, so the connection really closes here.)
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// A closed connection (a restore that could not reopen the database, see `DatabasePool`)
    /// fails as an unreadable disk does, never touches the freed handle.
    private func checkOpen() throws {
        guard !isClosed else { throw DatabaseError(code: SQLITE_IOERR, message: "the database is closed: it could not be reopened after a restore") }
    }

    func error(_ code: Int32, sql: String?) -> DatabaseError {
        DatabaseError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements without arguments (schema, pragmas).
    public func execute(_ sql: String) throws {
        try checkOpen()
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "error \(code)"
            sqlite3_free(message)
            throw DatabaseError(code: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// A cached prepared statement for this SQL text, reset and ready to bind.
    public func cachedStatement(_ sql: String) throws -> Statement {
        try checkOpen()
        if let statement = cache[sql] {
            statement.reset()
            return statement
        }
        let statement = try Statement(database: self, sql: sql, persistent: true)
        if cache.count > 256 { cache.removeAll() }
        cache[sql] = statement
        return statement
    }

    /// Runs a statement that returns no rows; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: [DatabaseValueConvertible] = []) throws -> Int {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Calls `body` for every row.
    public func forEach(_ sql: String, _ arguments: [DatabaseValueConvertible] = [], _ body: (Row) throws -> Void) throws {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        let row = Row(statement)
        while try statement.step() { try body(row) }
    }

    /// Calls `body` for every row with the result column positions `columns` resolved from the
    /// statement's names once, before the first step: a loop over many rows reads by name
    /// without a lookup per row (and a missing name fails even when no row matches).
    public func forEach<Columns>(_ sql: String, _ arguments: [DatabaseValueConvertible] = [], columns: (Row) throws -> Columns,
                                 _ body: (Row, Columns) throws -> Void) throws {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        let row = Row(statement)
        let resolved = try columns(row)
        while try statement.step() { try body(row, resolved) }
    }

    /// Maps every row, with column positions resolved once (see `forEach(_:_:columns:_:)`).
    public func query<Columns, T>(_ sql: String, _ arguments: [DatabaseValueConvertible] = [], columns: (Row) throws -> Columns,
                                  _ transform: (Row, Columns) throws -> T) throws -> [T] {
        var results: [T] = []
        try forEach(sql, arguments, columns: columns) { results.append(try transform($0, $1)) }
        return results
    }

    /// Maps every row.
    public func query<T>(_ sql: String, _ arguments: [DatabaseValueConvertible] = [], _ transform: (Row) throws -> T) throws -> [T] {
        var results: [T] = []
        try forEach(sql, arguments) { results.append(try transform($0)) }
        return results
    }

    /// Maps the first row, if any.
    public func queryOne<T>(_ sql: String, _ arguments: [DatabaseValueConvertible] = [], _ transform: (Row) throws -> T) throws -> T? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        return try transform(Row(statement))
    }

    /// One row that must exist (read back after an insert or update in the same transaction);
    /// its absence is a `DatabaseError` (SQLITE_NOTFOUND) rather than a trap.
    public func queryExisting<T>(_ sql: String, _ arguments: [DatabaseValueConvertible] = [], _ transform: (Row) throws -> T) throws -> T {
        guard let value = try queryOne(sql, arguments, transform) else {
            throw DatabaseError.rowNotFound("expected row not found", sql: sql)
        }
        return value
    }

    // One-column queries (`SELECT COUNT(*)`, `SELECT EXISTS(...)`, `... RETURNING n`): the
    // value of the first row's only column; nil when there is no row or the value is NULL.
    public func scalarInt64(_ sql: String, _ arguments: [DatabaseValueConvertible] = []) throws -> Int64? {
        try scalar(sql, arguments) { $0.int64(0) }
    }
    public func scalarInt(_ sql: String, _ arguments: [DatabaseValueConvertible] = []) throws -> Int? {
        try scalar(sql, arguments) { $0.int(0) }
    }
    public func scalarString(_ sql: String, _ arguments: [DatabaseValueConvertible] = []) throws -> String? {
        try scalar(sql, arguments) { $0.string(0) }
    }
    public func scalarBytes(_ sql: String, _ arguments: [DatabaseValueConvertible] = []) throws -> [UInt8]? {
        try scalar(sql, arguments) { $0.bytes(0) }
    }

    private func scalar<T>(_ sql: String, _ arguments: [DatabaseValueConvertible], _ read: (Row) -> T) throws -> T? {
        try queryOne(sql, arguments) { $0.isNull(0) ? nil : read($0) } ?? nil
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in a transaction (BEGIN IMMEDIATE: take the write lock up front, so a busy
    /// database is waited for at BEGIN rather than failing half-way). Rolls back on error.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        try execute("BEGIN IMMEDIATE")
        isInTransaction = true
        do {
            let result = try body()
            try execute("COMMIT")
            isInTransaction = false
            return result
        } catch {
            try? execute("ROLLBACK")
            isInTransaction = false
            throw error
        }
    }

    /// Copies the whole WAL into the main file and truncates it to zero bytes
    /// (SQLITE_CHECKPOINT_TRUNCATE). Another connection's checkpoint in progress (the pool's
    /// checkpoint thread) makes it busy: it is tried again for up to `patienceMs`. Returns
    /// whether it completed; a failure other than busy throws.
    @discardableResult
    public func checkpointTruncate(patienceMs: Int = 2_000) throws -> Bool {
        try checkOpen()
        var waited = 0
        while true {
            let code = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
            if code == SQLITE_OK { return true }
            guard code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED else { throw error(code, sql: "wal_checkpoint(TRUNCATE)") }
            if waited >= patienceMs { return false }
            usleep(5_000)
            waited += 5
        }
    }

    /// The raw connection, for registering SQL functions.
    public var rawHandle: OpaquePointer { handle }
}

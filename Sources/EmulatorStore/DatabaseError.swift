import CSQLite

/// An SQLite failure: extended result code, SQLite's message, and the SQL (never bound values).
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// A row the code had just written was not there to read back: a bug or a concurrent reset,
    /// reported as an error (a 500 at the edge) instead of a trap.
    public static func rowNotFound(_ message: String, sql: String? = nil) -> DatabaseError {
        DatabaseError(code: SQLITE_NOTFOUND, message: message, sql: sql)
    }

    /// SQLITE_BUSY or SQLITE_LOCKED, primary code: another connection holds the lock.
    public var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
    public var isConstraint: Bool { code & 0xFF == SQLITE_CONSTRAINT }
    /// SQLITE_INTERRUPT: a statement stopped before its end (a function of ours gave up on a
    /// value past its time budget).
    public var isInterrupted: Bool { code & 0xFF == SQLITE_INTERRUPT }
    /// SQLITE_FULL or SQLITE_IOERR: the disk is full or failing. The transaction was rolled
    /// back, nothing of it is stored, and the next write may succeed once space is back.
    public var isStorageFailure: Bool { code & 0xFF == SQLITE_FULL || code & 0xFF == SQLITE_IOERR }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " — while executing: \(sql)" }
        return text
    }
}

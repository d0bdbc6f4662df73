import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A prepared statement. Finalized in `deinit`; reset before every use by `Database`.
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    unowned let database: Database

    init(database: Database, sql: String, persistent: Bool) throws {
        self.database = database
        self.sql = sql
        var statement: OpaquePointer?
        // SQLITE_PREPARE_PERSISTENT: "a hint to the query planner that the prepared statement will
        // be retained for a long time and probably reused many times" (sqlite.org/c3ref/prepare.html).
        let flags: UInt32 = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sqlite3_prepare_v3(database.handle, sql, -1, flags, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(code: sqlite3_extended_errcode(database.handle), message: String(cString: sqlite3_errmsg(database.handle)), sql: sql)
        }
        handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    /// Result column positions by name (`AS` alias or the column's own name), read once per
    /// prepared statement, as GRDB's `Statement` does: a row reader pays a hash lookup per
    /// column, not a scan of the names. The first of two equal names wins.
    private(set) lazy var columnIndexes: [String: Int] = {
        var indexes: [String: Int] = [:]
        for index in 0..<Int(sqlite3_column_count(handle)) {
            if let cName = sqlite3_column_name(handle, Int32(index)) {
                let name = String(cString: cName)
                if indexes[name] == nil { indexes[name] = index }
            }
        }
        return indexes
    }()

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ arguments: [DatabaseValueConvertible]) throws {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == arguments.count else {
            throw DatabaseError(code: SQLITE_RANGE, message: "expected \(expected) arguments, got \(arguments.count)", sql: sql)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch argument.databaseValue {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
            case .real(let v): code = sqlite3_bind_double(handle, index, v)
            case .text(let v):
                // With its byte length: a NUL inside the text is kept, not taken for the end.
                var text = v
                code = text.withUTF8 { bytes -> Int32 in
                    guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, csqlite_transient()) }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(handle, index, $0, Int32(bytes.count), csqlite_transient())
                    }
                }
            case .blob(let v):
                code = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), csqlite_transient()) }
            }
            guard code == SQLITE_OK else { throw database.error(code, sql: sql) }
        }
    }

    /// Steps once: true while a row is available.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(code, sql: sql)
        }
    }
}

/// The current row of a stepping statement. Valid only inside the row callback.
public struct Row {
    let statement: Statement
    var handle: OpaquePointer { statement.handle }

    init(_ statement: Statement) { self.statement = statement }

    public var count: Int { Int(sqlite3_column_count(handle)) }

    /// The position of the result column called `name` (its `AS` alias, or the column's own
    /// name), from the statement's index. A missing column is a programming error, reported as
    /// a `DatabaseError` naming the column and the query.
    public func index(of name: String) throws -> Int {
        guard let index = statement.columnIndexes[name] else {
            throw DatabaseError(code: SQLITE_RANGE, message: "no result column named \(name)", sql: statement.sql)
        }
        return index
    }

    // Columns read by name, as a row reader should: positions change with the SELECT list.
    public func int(_ name: String) throws -> Int { int(try index(of: name)) }
    public func int64(_ name: String) throws -> Int64 { int64(try index(of: name)) }
    public func double(_ name: String) throws -> Double { double(try index(of: name)) }
    public func string(_ name: String) throws -> String { string(try index(of: name)) }
    public func optionalString(_ name: String) throws -> String? { optionalString(try index(of: name)) }
    public func optionalDouble(_ name: String) throws -> Double? { optionalDouble(try index(of: name)) }
    public func optionalInt(_ name: String) throws -> Int? { optionalInt(try index(of: name)) }
    public func bytes(_ name: String) throws -> [UInt8] { bytes(try index(of: name)) }
    public func isNull(_ name: String) throws -> Bool { isNull(try index(of: name)) }
    public func value(_ name: String) throws -> DatabaseValue { value(try index(of: name)) }
    public func type(_ name: String) throws -> Int32 { type(try index(of: name)) }
    public func withTextBytes<T>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) throws -> T {
        withTextBytes(try index(of: name), body)
    }

    public func isNull(_ index: Int) -> Bool { sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL }

    public func int(_ index: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(index))) }
    public func int64(_ index: Int) -> Int64 { sqlite3_column_int64(handle, Int32(index)) }
    public func double(_ index: Int) -> Double { sqlite3_column_double(handle, Int32(index)) }

    public func string(_ index: Int) -> String {
        guard let pointer = sqlite3_column_text(handle, Int32(index)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    public func optionalString(_ index: Int) -> String? { isNull(index) ? nil : string(index) }

    /// The storage class of a column: SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL.
    public func type(_ index: Int) -> Int32 { sqlite3_column_type(handle, Int32(index)) }

    /// A text column's bytes without copying them; valid only inside the row callback.
    public func withTextBytes<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let pointer = sqlite3_column_text(handle, Int32(index))
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return body(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }
    public func optionalDouble(_ index: Int) -> Double? { isNull(index) ? nil : double(index) }
    public func optionalInt(_ index: Int) -> Int? { isNull(index) ? nil : int(index) }

    public func bytes(_ index: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        guard count > 0, let pointer = sqlite3_column_blob(handle, Int32(index)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func value(_ index: Int) -> DatabaseValue {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(string(index))
        case SQLITE_BLOB: return .blob(bytes(index))
        default: return .null
        }
    }
}

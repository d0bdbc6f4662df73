import CSQLite

/// One row of statement arguments, packed to be bound without copying: its text and blob values
/// lie side by side in one buffer, bound with SQLITE_STATIC while that buffer is pinned, so
/// SQLite neither allocates nor copies per value. Built where time is cheap (a handler thread,
/// before the write lock is taken), bound where it is not (inside the write transaction).
public struct PackedRow: Sendable {
    enum Slot: Sendable {
        case null
        case integer(Int64)
        case real(Double)
        /// Offset and length in `bytes`.
        case text(Int, Int)
        case blob(Int, Int)
    }

    private(set) var slots: [Slot] = []
    private(set) var bytes: [UInt8] = []

    public init(_ values: some Sequence<DatabaseValue>) {
        for value in values { append(value) }
    }

    /// An empty row with room for `slots` values and `bytes` bytes of text.
    public init(reservingSlots slots: Int, bytes: Int) {
        self.slots.reserveCapacity(slots)
        self.bytes.reserveCapacity(bytes)
    }

    public var count: Int { slots.count }

    public mutating func append(_ value: DatabaseValue) {
        switch value {
        case .null: slots.append(.null)
        case .integer(let number): slots.append(.integer(number))
        case .real(let number): slots.append(.real(number))
        case .text(let text):
            let start = bytes.count
            bytes.append(contentsOf: text.utf8)
            slots.append(.text(start, bytes.count - start))
        case .blob(let blob):
            let start = bytes.count
            bytes.append(contentsOf: blob)
            slots.append(.blob(start, blob.count))
        }
    }

    /// Replaces a numeric or null argument (a value only known inside the transaction).
    public mutating func set(_ value: DatabaseValue, at index: Int) {
        switch value {
        case .null: slots[index] = .null
        case .integer(let number): slots[index] = .integer(number)
        case .real(let number): slots[index] = .real(number)
        case .text, .blob: preconditionFailure("PackedRow.set takes numbers or null; append text when building the row")
        }
    }
}

extension Statement {
    /// Binds `row`, whose buffer is `buffer` (pinned by the caller until the statement is reset).
    func bind(_ row: PackedRow, buffer: UnsafeBufferPointer<UInt8>) throws {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == row.count else {
            throw DatabaseError(code: SQLITE_RANGE, message: "expected \(expected) arguments, got \(row.count)", sql: sql)
        }
        for (offset, slot) in row.slots.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch slot {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
            case .real(let v): code = sqlite3_bind_double(handle, index, v)
            case .text(let start, let length):
                if length == 0 {
                    // An empty text, not NULL (a nil pointer would bind NULL).
                    code = sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
                } else {
                    code = UnsafeRawPointer(buffer.baseAddress! + start).withMemoryRebound(to: CChar.self, capacity: length) {
                        sqlite3_bind_text(handle, index, $0, Int32(length), csqlite_static())
                    }
                }
            case .blob(let start, let length):
                code = length == 0 ? sqlite3_bind_zeroblob(handle, index, 0)
                    : sqlite3_bind_blob(handle, index, buffer.baseAddress! + start, Int32(length), csqlite_static())
            }
            guard code == SQLITE_OK else { throw database.error(code, sql: sql) }
        }
    }
}

extension Database {
    /// Runs one statement once per row (a bulk insert). Each row's values are bound in place and
    /// the statement is reset before its buffer is let go, as SQLITE_STATIC requires.
    public func run(_ sql: String, rows: some Sequence<PackedRow>) throws {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        for row in rows {
            try row.bytes.withUnsafeBufferPointer { buffer in
                defer { statement.reset() }
                try statement.bind(row, buffer: buffer)
                while try statement.step() {}
            }
        }
    }
}

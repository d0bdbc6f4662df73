import Foundation
import XCTest
@testable import EmulatorStore

/// One SQLite connection: pragmas, migrations, the statement cache, transactions and errors.
final class DatabaseTests: TemporaryDatabaseTestCase {

    func makeDatabase(migrations: [Migration] = Migration.testSchema) throws -> Database {
        let db = try Database(path: file.path)
        try Migrator(migrations).migrate(db)
        return db
    }

    struct Boom: Error, Equatable {}

    // MARK: Opening

    func testOpensAFileInWALModeWithForeignKeysOn() throws {
        let db = try Database(path: file.path)
        XCTAssertEqual(try db.queryOne("PRAGMA journal_mode") { $0.string(0) }, "wal")
        XCTAssertEqual(try db.queryOne("PRAGMA foreign_keys") { $0.int(0) }, 1)
        XCTAssertEqual(try db.queryOne("PRAGMA synchronous") { $0.int(0) }, 1, "synchronous should be NORMAL")
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.path))
        XCTAssertEqual(db.path, file.path)
    }

    func testOpeningAnUnreachablePathFailsWithTheError() {
        XCTAssertThrowsError(try Database(path: "/nonexistent-dir-\(UUID().uuidString)/db.sqlite")) { error in
            guard let error = error as? DatabaseError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code & 0xFF, 14, "SQLITE_CANTOPEN")
            XCTAssertTrue(error.message.contains("nonexistent-dir"), error.message)
        }
    }

    // MARK: Migrations

    func testMigrationsApplyOnceAndSetUserVersion() throws {
        let db = try makeDatabase()
        XCTAssertEqual(try db.userVersion(), 2)
        try db.run("INSERT INTO items (name) VALUES (?)", ["kept"])
        // Running again must not re-run version 1 (its CREATE TABLE would fail) nor lose data.
        try Migrator(Migration.testSchema).migrate(db)
        XCTAssertEqual(try db.userVersion(), 2)
        XCTAssertEqual(try db.count("items"), 1)
    }

    func testOnlyPendingMigrationsRunOnReopen() throws {
        do { _ = try makeDatabase() }
        let extended = Migration.testSchema + [Migration(version: 3, sql: "ALTER TABLE items ADD COLUMN color TEXT")]
        let db = try Database(path: file.path)
        try Migrator(extended).migrate(db)
        XCTAssertEqual(try db.userVersion(), 3)
        try db.run("INSERT INTO items (name, color) VALUES (?, ?)", ["a", "red"])
        // A second run would fail on the duplicate column if version 3 were applied again.
        try Migrator(extended).migrate(db)
        XCTAssertEqual(try db.userVersion(), 3)
    }

    func testMigrationsRunInVersionOrderWhateverTheListOrder() throws {
        let db = try makeDatabase(migrations: Migration.testSchema.reversed())
        XCTAssertEqual(try db.userVersion(), 2)
        XCTAssertEqual(try db.count("notes"), 0)
    }

    func testFailingMigrationRollsBackAndKeepsTheVersion() throws {
        let db = try Database(path: file.path)
        let migrations = [
            Migration(version: 1, sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)"),
            Migration(version: 2, sql: "CREATE TABLE half (a); INSERT INTO missing_table VALUES (1);"),
        ]
        XCTAssertThrowsError(try Migrator(migrations).migrate(db)) { error in
            XCTAssertTrue((error as? DatabaseError)?.message.contains("missing_table") ?? false, "\(error)")
        }
        XCTAssertEqual(try db.userVersion(), 1)
        XCTAssertFalse(db.isInTransaction)
        let halfExists = try db.queryOne("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'") { $0.int(0) }
        XCTAssertEqual(halfExists, 0, "the failed migration's first statement must be rolled back")
    }

    func testADatabaseNewerThanTheMigrationsIsRefused() throws {
        let db = try Database(path: file.path)
        try db.execute("PRAGMA user_version = 7")
        XCTAssertThrowsError(try Migrator(Migration.testSchema).migrate(db)) { error in
            XCTAssertTrue("\(error)".contains("newer"), "\(error)")
        }
        XCTAssertEqual(try db.userVersion(), 7)
    }

    // MARK: Statements

    func testStatementCacheReusesPreparedStatements() throws {
        let db = try makeDatabase()
        let sql = "SELECT name FROM items WHERE id = ?"
        let first = try db.cachedStatement(sql)
        let second = try db.cachedStatement(sql)
        XCTAssertTrue(first === second, "the same SQL text must give the same prepared statement")
        XCTAssertEqual(first.sql, sql)
        let other = try db.cachedStatement("SELECT weight FROM items WHERE id = ?")
        XCTAssertFalse(first === other)
    }

    func testCachedStatementIsResetBetweenUses() throws {
        let db = try makeDatabase()
        for name in ["a", "b", "c"] { try db.run("INSERT INTO items (name) VALUES (?)", [name]) }
        let sql = "SELECT name FROM items ORDER BY id"
        // queryOne leaves the statement mid-iteration; the next use must start from the top.
        XCTAssertEqual(try db.queryOne(sql) { $0.string(0) }, "a")
        XCTAssertEqual(try db.query(sql) { $0.string(0) }, ["a", "b", "c"])
        XCTAssertEqual(try db.queryOne(sql) { $0.string(0) }, "a")
        // Bindings from one use do not leak into the next.
        let byName = "SELECT id FROM items WHERE name = ?"
        XCTAssertEqual(try db.queryOne(byName, ["b"]) { $0.int(0) }, 2)
        XCTAssertEqual(try db.queryOne(byName, ["c"]) { $0.int(0) }, 3)
    }

    func testRunReturnsChangedRows() throws {
        let db = try makeDatabase()
        for name in ["a", "b", "c"] { try db.run("INSERT INTO items (name, weight) VALUES (?, ?)", [name, 1.0]) }
        XCTAssertEqual(try db.run("UPDATE items SET weight = 2 WHERE name <> ?", ["a"]), 2)
        XCTAssertEqual(try db.run("DELETE FROM items WHERE name = ?", ["zzz"]), 0)
        XCTAssertEqual(db.lastInsertRowID, 3)
    }

    func testValuesRoundTripWithTheirTypes() throws {
        let db = try makeDatabase()
        try db.run("CREATE TABLE v (a, b, c, d, e, f, g)")
        let blob: [UInt8] = [0, 1, 2, 0xFF, 0]
        let missing: String? = nil
        try db.run("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [missing, Int64.max, 2.5, "héllo 😀 'quoted' \"x\"", DatabaseValue.blob(blob), true, DatabaseValue.blob([])])
        let values = try db.queryOne("SELECT a, b, c, d, e, f, g FROM v") { row in (0..<row.count).map { row.value($0) } }
        XCTAssertEqual(values, [.null, .integer(Int64.max), .real(2.5), .text("héllo 😀 'quoted' \"x\""), .blob(blob), .integer(1), .blob([])])
        let typed = try db.queryOne("SELECT a, b, c, d, e FROM v") { row in
            (row.isNull(0), row.optionalString(0), row.int64(1), row.optionalDouble(2), row.string(3), row.bytes(4))
        }
        XCTAssertEqual(typed?.0, true)
        XCTAssertNil(typed?.1)
        XCTAssertEqual(typed?.2, Int64.max)
        XCTAssertEqual(typed?.3, 2.5)
        XCTAssertEqual(typed?.4, "héllo 😀 'quoted' \"x\"")
        XCTAssertEqual(typed?.5, blob)
    }

    func testBoundTextIsNeverInterpretedAsSQL() throws {
        let db = try makeDatabase()
        let hostile = "x'); DROP TABLE items; --"
        try db.run("INSERT INTO items (name) VALUES (?)", [hostile])
        XCTAssertEqual(try db.query("SELECT name FROM items") { $0.string(0) }, [hostile])
    }

    // MARK: Transactions

    func testTransactionCommits() throws {
        let db = try makeDatabase()
        let result = try db.transaction { () -> Int in
            XCTAssertTrue(db.isInTransaction)
            try db.run("INSERT INTO items (name) VALUES (?)", ["a"])
            try db.run("INSERT INTO items (name) VALUES (?)", ["b"])
            return 42
        }
        XCTAssertEqual(result, 42)
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.count("items"), 2)
    }

    func testTransactionRollsBackOnAThrownError() throws {
        let db = try makeDatabase()
        try db.run("INSERT INTO items (name) VALUES (?)", ["before"])
        XCTAssertThrowsError(try db.transaction {
            try db.run("INSERT INTO items (name) VALUES (?)", ["inside"])
            try db.run("UPDATE items SET weight = 9")
            throw Boom()
        }) { error in
            XCTAssertEqual(error as? Boom, Boom(), "the body's own error is rethrown")
        }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.query("SELECT name, weight FROM items") { "\($0.string(0))/\($0.optionalDouble(1).map { String($0) } ?? "nil")" }, ["before/nil"])
        // The connection is usable afterwards.
        try db.transaction { _ = try db.run("INSERT INTO items (name) VALUES (?)", ["after"]) }
        XCTAssertEqual(try db.count("items"), 2)
    }

    func testTransactionRollsBackOnADatabaseError() throws {
        let db = try makeDatabase()
        XCTAssertThrowsError(try db.transaction {
            try db.run("INSERT INTO items (name) VALUES (?)", ["dup"])
            try db.run("INSERT INTO items (name) VALUES (?)", ["other"])
            try db.run("INSERT INTO items (name) VALUES (?)", ["dup"])
        }) { error in
            XCTAssertTrue((error as? DatabaseError)?.isConstraint ?? false, "\(error)")
        }
        XCTAssertEqual(try db.count("items"), 0, "a batch that fails half-way stores nothing")
    }

    func testNestedTransactionJoinsTheOuterOne() throws {
        let db = try makeDatabase()
        XCTAssertThrowsError(try db.transaction {
            try db.run("INSERT INTO items (name) VALUES (?)", ["outer"])
            try db.transaction { _ = try db.run("INSERT INTO items (name) VALUES (?)", ["inner"]) }
            XCTAssertTrue(db.isInTransaction)
            throw Boom()
        })
        XCTAssertEqual(try db.count("items"), 0)
    }

    // MARK: Errors

    func testConstraintErrorCarriesExtendedCodeAndSQLButNotTheValues() throws {
        let db = try makeDatabase()
        let sql = "INSERT INTO items (name) VALUES (?)"
        try db.run(sql, ["secret-value"])
        XCTAssertThrowsError(try db.run(sql, ["secret-value"])) { error in
            guard let error = error as? DatabaseError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, 2067, "SQLITE_CONSTRAINT_UNIQUE")
            XCTAssertEqual(error.code & 0xFF, 19, "SQLITE_CONSTRAINT")
            XCTAssertTrue(error.isConstraint)
            XCTAssertFalse(error.isBusy)
            XCTAssertEqual(error.sql, sql)
            XCTAssertTrue(error.message.contains("UNIQUE constraint failed: items.name"), error.message)
            XCTAssertTrue(error.description.contains(sql), error.description)
            XCTAssertFalse(error.description.contains("secret-value"), "bound values must not appear in errors")
        }
    }

    func testForeignKeysAreEnforced() throws {
        let db = try makeDatabase()
        XCTAssertThrowsError(try db.run("INSERT INTO notes (item_id) VALUES (?)", [999])) { error in
            guard let error = error as? DatabaseError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, 787, "SQLITE_CONSTRAINT_FOREIGNKEY")
            XCTAssertTrue(error.isConstraint)
        }
    }

    func testSyntaxErrorCarriesTheSQL() throws {
        let db = try makeDatabase()
        XCTAssertThrowsError(try db.run("SELEC name FROM items")) { error in
            guard let error = error as? DatabaseError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, 1, "SQLITE_ERROR")
            XCTAssertEqual(error.sql, "SELEC name FROM items")
            XCTAssertTrue(error.message.contains("syntax error"), error.message)
        }
        XCTAssertThrowsError(try db.execute("CREATE TABLE items (x)")) { error in
            XCTAssertEqual((error as? DatabaseError)?.sql, "CREATE TABLE items (x)")
            XCTAssertTrue((error as? DatabaseError)?.message.contains("already exists") ?? false)
        }
    }

    func testWrongArgumentCountIsAnError() throws {
        let db = try makeDatabase()
        let sql = "INSERT INTO items (name, weight) VALUES (?, ?)"
        XCTAssertThrowsError(try db.run(sql, ["only one"])) { error in
            guard let error = error as? DatabaseError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, 25, "SQLITE_RANGE")
            XCTAssertEqual(error.sql, sql)
        }
        XCTAssertEqual(try db.count("items"), 0)
    }

    func testBusyWriterIsReportedAsBusyAfterTheTimeout() throws {
        let holder = try makeDatabase()
        var options = Database.Options()
        options.busyTimeoutMilliseconds = 50
        let waiter = try Database(path: file.path, options: options)
        try holder.execute("BEGIN IMMEDIATE")
        let started = Date()
        XCTAssertThrowsError(try waiter.transaction { _ = try waiter.run("INSERT INTO items (name) VALUES (?)", ["w"]) }) { error in
            guard let error = error as? DatabaseError else { return XCTFail("\(error)") }
            XCTAssertTrue(error.isBusy, "\(error)")
        }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.04, "the busy timeout must be waited out")
        XCTAssertFalse(waiter.isInTransaction)
        try holder.execute("COMMIT")
        try waiter.transaction { _ = try waiter.run("INSERT INTO items (name) VALUES (?)", ["w"]) }
        XCTAssertEqual(try holder.count("items"), 1)
    }

    func testReadOnlyConnectionRefusesWrites() throws {
        _ = try makeDatabase()
        var options = Database.Options()
        options.readOnly = true
        let reader = try Database(path: file.path, options: options)
        XCTAssertEqual(try reader.count("items"), 0)
        XCTAssertThrowsError(try reader.run("INSERT INTO items (name) VALUES (?)", ["x"])) { error in
            XCTAssertEqual(((error as? DatabaseError)?.code ?? 0) & 0xFF, 8, "SQLITE_READONLY: \(error)")
        }
    }
}

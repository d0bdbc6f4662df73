/// One numbered schema change. Applied once, in order, recorded in `PRAGMA user_version`.
public struct Migration: Sendable {
    public let version: Int
    public let sql: String
    public init(version: Int, sql: String) {
        self.version = version
        self.sql = sql
    }
}

/// Applies pending migrations in one transaction each.
public struct Migrator {
    let migrations: [Migration]
    public init(_ migrations: [Migration]) { self.migrations = migrations.sorted { $0.version < $1.version } }

    public func migrate(_ db: Database) throws {
        let current = try db.queryOne("PRAGMA user_version") { $0.int(0) } ?? 0
        if let newest = migrations.last?.version, current > newest {
            throw DatabaseError(code: 1, message: "database schema version \(current) is newer than this emulator supports (\(newest))")
        }
        for migration in migrations where migration.version > current {
            try db.transaction {
                try db.execute(migration.sql)
                try db.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}

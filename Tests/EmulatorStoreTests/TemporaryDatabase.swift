import Foundation
import XCTest
@testable import EmulatorStore

/// A fresh database file path per test, removed (with its WAL and shared-memory files) afterwards.
final class TemporaryDatabasePath {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("emulator-store-tests-\(UUID().uuidString).sqlite").path
    }

    func remove() {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

extension Migration {
    /// The schema the store tests use: `items(id, name UNIQUE, weight)` and `notes`.
    static let testSchema: [Migration] = [
        Migration(version: 1, sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, weight REAL)"),
        Migration(version: 2, sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id), body BLOB)"),
    ]
}

extension Database {
    func count(_ table: String) throws -> Int {
        try queryOne("SELECT COUNT(*) FROM \(table)") { $0.int(0) } ?? -1
    }

    func userVersion() throws -> Int {
        try queryOne("PRAGMA user_version") { $0.int(0) } ?? -1
    }
}

/// A test case with a fresh temporary database path per test, removed afterwards.
class TemporaryDatabaseTestCase: XCTestCase {
    var file = TemporaryDatabasePath()

    override func setUp() {
        super.setUp()
        file = TemporaryDatabasePath()
    }

    override func tearDown() {
        file.remove()
        super.tearDown()
    }
}

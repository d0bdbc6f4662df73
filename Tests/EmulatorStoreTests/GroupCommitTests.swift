import Dispatch
import Foundation
import XCTest
@testable import EmulatorStore

/// Group-committed writes: every write that returns is committed and visible to a read right
/// after it; one that throws is rolled back alone; the writes waiting together share commits.
final class GroupCommitTests: TemporaryDatabaseTestCase {

    func testConcurrentGroupedWritesAreEachCommittedBeforeTheyReturn() throws {
        let pool = try DatabasePool(path: file.path, readerCount: 2, migrations: Migration.testSchema)
        let failures = Counter()
        let unseen = Counter()
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            do {
                let rowID = try pool.groupedWriteTransaction { db -> Int64 in
                    try db.run("INSERT INTO items (name, weight) VALUES (?, ?)", ["item\(index)", Double(index)])
                    return db.lastInsertRowID
                }
                // Read-your-writes: a reader sees the row as soon as the write has returned.
                let name = try pool.read { try $0.queryOne("SELECT name FROM items WHERE id = ?", [rowID]) { $0.string(0) } }
                if name != "item\(index)" { unseen.increment() }
            } catch {
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertEqual(unseen.value, 0, "a returned write was not visible to the next read")
        XCTAssertEqual(try pool.read { try $0.count("items") }, 400)
    }

    func testAFailingWriteRollsBackAloneAndGetsItsOwnError() throws {
        let pool = try DatabasePool(path: file.path, readerCount: 2, migrations: Migration.testSchema)
        try pool.write { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["taken"]) }
        let constraintErrors = Counter()
        let otherErrors = Counter()
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            do {
                try pool.groupedWriteTransaction { db in
                    try db.run("INSERT INTO notes (item_id, body) VALUES (1, ?)", [DatabaseValue.blob([UInt8(index & 0xFF)])])
                    // Every tenth write fails after its first statement: that statement goes too.
                    try db.run("INSERT INTO items (name) VALUES (?)", [index % 10 == 0 ? "taken" : "item\(index)"])
                }
            } catch let error as DatabaseError where error.isConstraint {
                constraintErrors.increment()
            } catch {
                otherErrors.increment()
            }
        }
        XCTAssertEqual(constraintErrors.value, 20)
        XCTAssertEqual(otherErrors.value, 0)
        XCTAssertEqual(try pool.read { try $0.count("items") }, 181, "the 180 good writes and the first row")
        XCTAssertEqual(try pool.read { try $0.count("notes") }, 180, "a failed write's first statement is rolled back with it")
    }

    func testAGroupedWriteReturnsItsOwnResultAndRunsOutsideAnyOpenTransaction() throws {
        let pool = try DatabasePool(path: file.path, readerCount: 1, migrations: Migration.testSchema)
        let names = try (0..<3).map { index in
            try pool.groupedWriteTransaction { db -> String in
                XCTAssertTrue(db.isInTransaction)
                try db.run("INSERT INTO items (name) VALUES (?)", ["solo\(index)"])
                return "solo\(index)"
            }
        }
        XCTAssertEqual(names, ["solo0", "solo1", "solo2"])
        try pool.write { db in XCTAssertFalse(db.isInTransaction) }
        XCTAssertEqual(try pool.read { try $0.count("items") }, 3)
    }
}

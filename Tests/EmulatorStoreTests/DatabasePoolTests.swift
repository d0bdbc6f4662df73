import Dispatch
import Foundation
import XCTest
@testable import EmulatorStore

/// The writer plus readers on one WAL file: readers see committed writes, never uncommitted ones,
/// and are not blocked by a writer holding a transaction.
final class DatabasePoolTests: TemporaryDatabaseTestCase {

    func makePool(readers: Int = 2) throws -> DatabasePool {
        try DatabasePool(path: file.path, readerCount: readers, migrations: Migration.testSchema)
    }

    func testPoolAppliesMigrationsAndPreparesEveryConnection() throws {
        let prepared = Counter()
        let pool = try DatabasePool(path: file.path, readerCount: 3, migrations: Migration.testSchema) { _ in prepared.increment() }
        XCTAssertEqual(prepared.value, 4, "one writer and three readers")
        XCTAssertEqual(try pool.read { try $0.userVersion() }, 2)
        XCTAssertEqual(pool.path, file.path)
    }

    func testReadsSeeCommittedWrites() throws {
        let pool = try makePool()
        try pool.writeTransaction { db in
            try db.run("INSERT INTO items (name) VALUES (?)", ["a"])
            try db.run("INSERT INTO items (name) VALUES (?)", ["b"])
        }
        XCTAssertEqual(try pool.read { try $0.query("SELECT name FROM items ORDER BY id") { $0.string(0) } }, ["a", "b"])
        try pool.write { db in _ = try db.run("DELETE FROM items WHERE name = ?", ["a"]) }
        XCTAssertEqual(try pool.read { try $0.count("items") }, 1)
    }

    func testFailedWriteTransactionLeavesNothingForReaders() throws {
        let pool = try makePool()
        XCTAssertThrowsError(try pool.writeTransaction { db in
            try db.run("INSERT INTO items (name) VALUES (?)", ["x"])
            try db.run("INSERT INTO items (name) VALUES (?)", ["x"])
        })
        XCTAssertEqual(try pool.read { try $0.count("items") }, 0)
    }

    func testReadRunsWhileTheWriterHoldsATransaction() throws {
        let pool = try makePool()
        try pool.write { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["committed"]) }
        let inTransaction = DispatchSemaphore(value: 0)
        let mayCommit = DispatchSemaphore(value: 0)
        let writerDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? pool.writeTransaction { db in
                try db.run("INSERT INTO items (name) VALUES (?)", ["pending"])
                inTransaction.signal()
                _ = mayCommit.wait(timeout: .now() + 10)
            }
            writerDone.signal()
        }
        XCTAssertEqual(inTransaction.wait(timeout: .now() + 5), .success)
        // The writer holds its transaction open: a read must neither wait for it nor see its row.
        let started = Date()
        let during = try pool.read { try $0.query("SELECT name FROM items") { $0.string(0) } }
        XCTAssertEqual(during, ["committed"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 1, "the read waited for the writer")
        mayCommit.signal()
        XCTAssertEqual(writerDone.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(try pool.read { try $0.query("SELECT name FROM items ORDER BY id") { $0.string(0) } }, ["committed", "pending"])
    }

    func testReadFromInsideAWriteTransactionSeesTheLastCommit() throws {
        let pool = try makePool()
        try pool.writeTransaction { db in
            try db.run("INSERT INTO items (name) VALUES (?)", ["uncommitted"])
            XCTAssertEqual(try pool.read { try $0.count("items") }, 0)
        }
        XCTAssertEqual(try pool.read { try $0.count("items") }, 1)
    }

    func testOneReadSeesOneSnapshot() throws {
        let pool = try makePool()
        try pool.write { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["first"]) }
        let (before, after) = try pool.read { reader -> (Int, Int) in
            let before = try reader.count("items")
            try pool.write { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["second"]) }
            return (before, try reader.count("items"))
        }
        XCTAssertEqual(before, 1)
        XCTAssertEqual(after, 1, "a read must see one consistent snapshot")
        XCTAssertEqual(try pool.read { try $0.count("items") }, 2)
    }

    func testConcurrentReadersAndAWriter() throws {
        let pool = try makePool(readers: 3)
        try pool.writeTransaction { db in
            for index in 0..<100 { try db.run("INSERT INTO items (name, weight) VALUES (?, ?)", ["item\(index)", Double(index)]) }
        }
        let failures = Counter()
        let minimum = Counter()
        DispatchQueue.concurrentPerform(iterations: 40) { iteration in
            do {
                if iteration % 10 == 0 {
                    try pool.writeTransaction { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["extra\(iteration)"]) }
                } else {
                    let count = try pool.read { try $0.count("items") }
                    if count < 100 { minimum.increment() }
                }
            } catch {
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertEqual(minimum.value, 0, "a reader saw fewer rows than were committed before it started")
        XCTAssertEqual(try pool.read { try $0.count("items") }, 104)
    }

    func testReaderConnectionsAreReadOnly() throws {
        let pool = try makePool()
        XCTAssertThrowsError(try pool.read { db in try db.run("INSERT INTO items (name) VALUES (?)", ["nope"]) })
        XCTAssertEqual(try pool.read { try $0.count("items") }, 0)
    }

    /// A replacement file becomes the database for the writer and every reader; the old file's
    /// WAL does not follow it; a missing replacement leaves the old database working.
    func testReplaceFileSwapsTheWholeDatabase() throws {
        let pool = try makePool()
        try pool.write { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["saved"]) }
        let saved = file.path + ".saved"
        defer { unlink(saved) }
        try pool.saveCopy(to: saved)
        try pool.write { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["after"]) }
        XCTAssertEqual(try pool.prepareReplacement(copying: saved), pool.replacementPath)
        try pool.replaceFile(with: pool.replacementPath)
        XCTAssertFalse(FileManager.default.fileExists(atPath: pool.replacementPath))
        for _ in 0..<4 {   // every reader, not only the first one handed out
            XCTAssertEqual(try pool.read { try $0.query("SELECT name FROM items ORDER BY id") { $0.string(0) } }, ["saved"])
        }
        try pool.write { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["new"]) }
        XCTAssertEqual(try pool.read { try $0.count("items") }, 2)
        XCTAssertEqual(try pool.read { try $0.userVersion() }, 2)

        XCTAssertThrowsError(try pool.replaceFile(with: file.path + ".missing"))
        XCTAssertEqual(try pool.read { try $0.count("items") }, 2, "the old database stays when there is nothing to swap in")
        try pool.write { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["still"]) }
        XCTAssertEqual(try pool.read { try $0.count("items") }, 3)
    }

    /// With the checkpoint thread running, a swap restarts it on the new file: its old
    /// connection is closed before the rename (closing last, it would delete the WAL by name),
    /// and writes after the swap are kept and checkpointed.
    func testReplaceFileWithBackgroundCheckpoints() throws {
        let pool = try makePool()
        try pool.startBackgroundCheckpoints()
        let saved = file.path + ".saved"
        defer { unlink(saved) }
        try pool.saveCopy(to: saved)
        for round in 0..<3 {
            try pool.writeTransaction { db in
                for index in 0..<2_000 { try db.run("INSERT INTO items (name, weight) VALUES (?, ?)", ["r\(round)-\(index)", Double(index)]) }
            }
            try pool.replaceFile(with: pool.prepareReplacement(copying: saved))
            XCTAssertEqual(try pool.read { try $0.count("items") }, 0)
            try pool.write { db in _ = try db.run("INSERT INTO items (name) VALUES (?)", ["after \(round)"]) }
            XCTAssertEqual(try pool.read { try $0.count("items") }, 1)
        }
        pool.checkpoint()
        XCTAssertEqual(try pool.read { try $0.query("SELECT name FROM items") { $0.string(0) } }, ["after 2"])
    }

    /// A copy of an older database is migrated before it is swapped in.
    func testPrepareReplacementMigratesTheCopy() throws {
        let old = file.path + ".old"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(old + suffix) } }
        do { _ = try DatabasePool(path: old, readerCount: 1, migrations: Array(Migration.testSchema.prefix(1))) }
        let pool = try makePool()
        try pool.replaceFile(with: pool.prepareReplacement(copying: old))
        XCTAssertEqual(try pool.read { try $0.userVersion() }, 2)
    }

    /// A source that cannot be opened fails the copy with its path in the message.
    func testCopyOfAMissingFileNamesIt() throws {
        XCTAssertThrowsError(try makePool().prepareReplacement(copying: "/nonexistent/db.sqlite")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/db.sqlite"), "\(error)")
        }
    }

    func testCheckpointEmptiesTheWAL() throws {
        let pool = try makePool()
        try pool.writeTransaction { db in
            for index in 0..<50 { try db.run("INSERT INTO items (name) VALUES (?)", ["n\(index)"]) }
        }
        pool.checkpoint()
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path + "-wal")
        XCTAssertEqual((attributes[.size] as? NSNumber)?.intValue, 0)
        // The data is in the main file: a fresh connection sees it.
        let fresh = try Database(path: file.path)
        XCTAssertEqual(try fresh.count("items"), 50)
    }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

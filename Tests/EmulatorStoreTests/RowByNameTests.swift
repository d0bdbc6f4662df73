import Foundation
import XCTest
@testable import EmulatorStore

/// Reading rows by column name: one-column scalars, positions resolved once per query, and
/// the by-name accessors that complete `Row`.
final class RowByNameTests: TemporaryDatabaseTestCase {
    func makeDatabase() throws -> Database {
        let db = try Database(path: file.path)
        try Migrator(Migration.testSchema).migrate(db)
        try db.run("INSERT INTO items (name, weight) VALUES ('a', 1.5), ('b', NULL)")
        return db
    }

    func testScalarsAreNilForNoRowAndForNull() throws {
        let db = try makeDatabase()
        XCTAssertEqual(try db.scalarInt("SELECT COUNT(*) FROM items"), 2)
        XCTAssertEqual(try db.scalarInt64("SELECT max(id) FROM items WHERE name = ?", ["a"]), 1)
        XCTAssertNil(try db.scalarInt64("SELECT max(id) FROM items WHERE name = ?", ["none"]), "max over no rows is NULL")
        XCTAssertEqual(try db.scalarString("SELECT name FROM items WHERE id = 2"), "b")
        XCTAssertNil(try db.scalarString("SELECT name FROM items WHERE id = 99"), "no row")
        XCTAssertEqual(try db.scalarBytes("SELECT CAST('xy' AS BLOB)"), Array("xy".utf8))
    }

    struct ItemColumns: ColumnPositions {
        var id = 0, name = 0, weight = 0
        static let names: [ColumnName<ItemColumns>] = [(\.id, "id"), (\.name, "name"), (\.weight, "heft")]
    }

    func testColumnPositionsAreResolvedByNameWhateverTheSelectOrder() throws {
        let db = try makeDatabase()
        let items = try db.query("SELECT weight AS heft, name, id FROM items ORDER BY id", columns: ItemColumns.init) { row, columns in
            "\(row.int64(columns.id)) \(row.string(columns.name)) \(row.optionalDouble(columns.weight).map { "\($0)" } ?? "-")"
        }
        XCTAssertEqual(items, ["1 a 1.5", "2 b -"])
    }

    func testAMissingColumnFailsNamingItEvenWithNoRows() throws {
        let db = try makeDatabase()
        XCTAssertThrowsError(try db.forEach("SELECT id, name FROM items WHERE 0", columns: ItemColumns.init) { _, _ in }) { error in
            XCTAssertTrue("\(error)".contains("heft"), "\(error)")
        }
    }

    func testByNameAccessorsMatchThePositionalOnes() throws {
        let db = try makeDatabase()
        let read = try db.queryExisting("SELECT name, weight FROM items WHERE id = 2") { row in
            (try row.isNull("weight"), try row.type("name"), try row.value("name"), try row.withTextBytes("name") { Array($0) })
        }
        XCTAssertTrue(read.0)
        XCTAssertEqual(read.1, 3, "SQLITE_TEXT")
        XCTAssertEqual(read.2, .text("b"))
        XCTAssertEqual(read.3, Array("b".utf8))
    }
}

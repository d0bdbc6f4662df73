import XCTest
@testable import EmulatorStore

/// Rows bound from one packed buffer without copies: every kind of value arrives as itself,
/// each row from its own bytes, and a wrong count is an error that stores nothing.
final class PackedRowTests: TemporaryDatabaseTestCase {
    func makeDatabase() throws -> Database {
        let db = try Database(path: file.path)
        try db.run("CREATE TABLE v (a, b, c, d, e, f, g)")
        return db
    }

    func testEveryKindOfValueRoundTrips() throws {
        let db = try makeDatabase()
        let values: [DatabaseValue] = [.null, .integer(Int64.min), .real(-0.25), .text("héllo\u{0}wörld 😀"), .text(""),
                                       .blob([0, 1, 0xFF, 0]), .blob([])]
        try db.run("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?)", rows: [PackedRow(values)])
        let stored = try db.queryOne("SELECT a, b, c, d, e, f, g, typeof(e), typeof(g) FROM v") { row in
            ((0..<7).map { row.value($0) }, row.string(7), row.string(8))
        }
        XCTAssertEqual(stored?.0, values, "the NUL inside the text is kept; the empty text is '' and not NULL")
        XCTAssertEqual(stored?.1, "text")
        XCTAssertEqual(stored?.2, "blob")
    }

    func testEachRowIsBoundFromItsOwnBytes() throws {
        let db = try makeDatabase()
        let rows = (0..<50).map { index in
            PackedRow([.integer(Int64(index)), .text(String(repeating: "x", count: index)), .text("row \(index)"),
                       .null, .null, .blob(Array(repeating: UInt8(index), count: index % 3)), .real(Double(index) / 2)])
        }
        try db.run("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?)", rows: rows)
        let read = try db.query("SELECT a, b, c, f, g FROM v ORDER BY a") { row in
            [row.value(0), row.value(1), row.value(2), row.value(3), row.value(4)]
        }
        XCTAssertEqual(read.count, 50)
        for (index, values) in read.enumerated() {
            XCTAssertEqual(values, [.integer(Int64(index)), .text(String(repeating: "x", count: index)), .text("row \(index)"),
                                    .blob(Array(repeating: UInt8(index), count: index % 3)), .real(Double(index) / 2)])
        }
    }

    func testSetReplacesANumberInPlace() throws {
        let db = try makeDatabase()
        var row = PackedRow([.text("a"), .integer(0), .text("c"), .null, .null, .null, .null])
        row.set(.integer(42), at: 1)
        row.set(.real(1.5), at: 3)
        try db.run("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?)", rows: [row])
        XCTAssertEqual(try db.queryOne("SELECT a, b, c, d FROM v") { row in (0..<4).map { row.value($0) } },
                       [.text("a"), .integer(42), .text("c"), .real(1.5)])
    }

    func testAWrongArgumentCountIsAnError() throws {
        let db = try makeDatabase()
        XCTAssertThrowsError(try db.run("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?)", rows: [PackedRow([.integer(1)])])) { error in
            XCTAssertTrue("\(error)".contains("expected 7 arguments, got 1"), "\(error)")
        }
        XCTAssertEqual(try db.count("v"), 0)
    }
}

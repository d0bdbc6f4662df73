import EmulatorStore
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// Hash aggregation (`telemetry/aggregate`) gives what SQL's GROUP BY gives over the same rows,
/// integers and reals mixed in the measure, nulls in the groups and the measure; accumulators
/// over disjoint parts of the rows, merged, give what one over all of them gives.
final class GroupAccumulatorTests: XCTestCase {
    var path = ""

    override func setUp() {
        super.setUp()
        path = NSTemporaryDirectory() + "group-accumulator-\(UUID().uuidString).sqlite"
    }

    override func tearDown() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        super.tearDown()
    }

    /// 600 rows a minute apart: a model (some null), a status, and a measure that is an integer,
    /// a real or null.
    func makeDatabase() throws -> Database {
        let db = try Database(path: path)
        try db.execute("CREATE TABLE r (t INTEGER, model TEXT, status TEXT, measure)")
        let models: [String?] = ["large", "small", nil, "codestral"]
        for index in 0..<600 {
            let measure: DatabaseValue = index % 7 == 0 ? .null : index % 5 == 0 ? .real(Double(index) / 3) : .integer(Int64(index * 37 % 1000))
            try db.run("INSERT INTO r VALUES (?, ?, ?, ?)", [Int64(index) * 60_000_000_000 + 17, models[index % 4],
                                                           index % 3 == 0 ? "Error" : "Unset", measure])
        }
        return db
    }

    func accumulator(_ db: Database, _ aggregation: String, measureIsInteger: Bool, where condition: String = "1") throws -> GroupAccumulator {
        var accumulator = GroupAccumulator(aggregation: aggregation, measureIsInteger: measureIsInteger, columns: 3,
                                           bucket: TimeBuckets.Fixed("hour"))
        try db.forEach("SELECT t, model, status, measure FROM r WHERE \(condition)") { accumulator.add($0) }
        return accumulator
    }

    /// Group key → metric, as numbers.
    func hashed(_ db: Database, _ aggregation: String, measureIsInteger: Bool) throws -> [String: Double] {
        try numbers(try accumulator(db, aggregation, measureIsInteger: measureIsInteger))
    }

    func numbers(_ accumulator: GroupAccumulator) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for group in try accumulator.groups() { result["\(group.key)"] = group.value.double ?? .nan }
        return result
    }

    func grouped(_ db: Database, _ function: String) throws -> [String: Double] {
        let bucket = TimeBuckets.Fixed("hour")!.sql("t")
        var result: [String: Double] = [:]
        try db.forEach("SELECT \(bucket), model, status, \(function)(measure) FROM r GROUP BY 1, 2, 3") { row in
            result["\([row.value(0), row.value(1), row.value(2)])"] = row.value(3).double ?? .nan
        }
        return result
    }

    func assertClose(_ actual: [String: Double], _ expected: [String: Double], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.keys.sorted(), expected.keys.sorted(), message, file: file, line: line)
        XCTAssertGreaterThan(expected.count, 50, message, file: file, line: line)
        for (key, value) in expected {
            let other = actual[key] ?? .infinity
            let close = value.isNaN ? other.isNaN : abs(value - other) <= 1e-9 * max(1, abs(value))
            XCTAssertTrue(close, "\(message) \(key): \(other), SQL says \(value)", file: file, line: line)
        }
    }

    func testHashAggregationEqualsGroupBy() throws {
        let db = try makeDatabase()
        for (aggregation, function) in [("count", "COUNT"), ("sum", "TOTAL"), ("avg", "AVG"), ("min", "MIN"), ("max", "MAX")] {
            var expected = try grouped(db, function)
            if aggregation == "count" {
                // The rows of the group, as count(span_id) counts them: COUNT(*).
                let bucket = TimeBuckets.Fixed("hour")!.sql("t")
                expected = [:]
                try db.forEach("SELECT \(bucket), model, status, COUNT(*) FROM r GROUP BY 1, 2, 3") { row in
                    expected["\([row.value(0), row.value(1), row.value(2)])"] = Double(row.int64(3))
                }
            }
            assertClose(try hashed(db, aggregation, measureIsInteger: false), expected, aggregation)
        }
        // An integer measure holding some reals: the least and greatest by value, whatever the
        // storage class (a real after an integer minimum used to replace it unconditionally).
        assertClose(try hashed(db, "min", measureIsInteger: true), try grouped(db, "MIN"), "min of an integer measure")
        assertClose(try hashed(db, "max", measureIsInteger: true), try grouped(db, "MAX"), "max of an integer measure")
    }

    func testPartsMergedEqualOneScan() throws {
        let db = try makeDatabase()
        for aggregation in ["count", "sum", "avg", "min", "max", "p50", "p99"] {
            for measureIsInteger in [true, false] {
                let whole = try accumulator(db, aggregation, measureIsInteger: measureIsInteger)
                // Cuts inside hours: a group has rows on both sides of a cut; one part is empty.
                var merged = try accumulator(db, aggregation, measureIsInteger: measureIsInteger, where: "t < 12000000000017")
                for part in ["t >= 12000000000017 AND t < 25000000000000", "0", "t >= 25000000000000"] {
                    merged.merge(try accumulator(db, aggregation, measureIsInteger: measureIsInteger, where: part))
                }
                let label = "\(aggregation), integer measure: \(measureIsInteger)"
                if aggregation == "avg" || aggregation == "sum" {
                    assertClose(try numbers(merged), try numbers(whole), label)  // the same sums added in another order
                } else {
                    XCTAssertEqual(try merged.groups().map { "\($0.key) \($0.value)" }.sorted(),
                                   try whole.groups().map { "\($0.key) \($0.value)" }.sorted(), label)
                }
            }
        }
    }
}

import EmulatorStore
import Foundation
import Synchronization

/// `*/aggregate`: one metric over the rows an expression and a window select, grouped by
/// dimensions and time buckets; the handler parses, `TelemetryAggregateRendering` orders and
/// writes.
struct AggregateRequest {
    let tenant: TelemetryTenant
    let resource: TelemetryResource
    let measure: AggregateOperand
    let aggregation: String
    let dimensions: [AggregateOperand]
    let granularity: String?
    let filter: CompiledFilter
    let window: TimeWindow
    let orderBy: [(field: String, descending: Bool)]
    let limit: Int
}

/// An aggregate's groups (key: the time bucket, then each dimension; value: the metric) and the
/// window it covered, with the granularity `auto` resolved to.
struct AggregateResult {
    var groups: [(key: [DatabaseValue], value: DatabaseValue)]
    var granularity: String?
    var from: Int64
    var to: Int64
}

extension ObservabilityStore {
    /// One metric over the rows an expression and a window select, by group (the time bucket
    /// first, then the dimensions), unsorted.
    func aggregate(_ request: AggregateRequest) throws -> AggregateResult {
        let tenant = request.tenant
        let resource = request.resource
        let timeColumn = "t.\(resource.timeColumn)"
        var whereArgs: [DatabaseValue] = [.text(tenant.workspaceID)]
        let whereSQL = "\(QuerySQL.visible("t")) AND \(request.window.sql(timeColumn, &whereArgs)) AND \(request.filter.sql)"
        whereArgs += request.filter.arguments
        // The rows' extent: the window when given, else the matching rows' first and last instants.
        var from = request.window.from, to = request.window.to
        if from == nil || to == nil {
            try pool.read { db in
                // The first and the last matching instants, each found by walking the time index.
                func edge(_ direction: String) throws -> Int64? {
                    try db.scalarInt64("SELECT \(timeColumn) FROM \(resource.table) AS t WHERE +\(whereSQL) ORDER BY \(timeColumn) \(direction) LIMIT 1",
                                       whereArgs)
                }
                let now = nowMs() * 1_000_000
                from = try from ?? edge("ASC") ?? now
                to = try to ?? edge("DESC").map { $0 + 1 } ?? now
            }
        }
        let windowFrom = from ?? 0, windowTo = max(to ?? 0, windowFrom)
        let granularity = request.granularity.map { TimeBuckets.resolve($0, from: windowFrom, to: windowTo) }

        var selectArgs: [DatabaseValue] = []
        var columns = [granularity.map { TimeBuckets.sql($0, column: timeColumn) } ?? "NULL"]
        for dimension in request.dimensions { columns.append(dimension.sql(&selectArgs)) }
        let measureSQL = request.measure.sql(&selectArgs)
        let groupCount = columns.count
        var groups: [(key: [DatabaseValue], value: DatabaseValue)] = []
        if request.aggregation == "count_distinct" {
            let groupList = (1...groupCount).map(String.init).joined(separator: ", ")
            let sql = "SELECT \(columns.joined(separator: ", ")), COUNT(DISTINCT \(measureSQL)) FROM \(resource.table) AS t WHERE \(whereSQL) GROUP BY \(groupList)"
            try pool.read { db in
                try db.forEach(sql, selectArgs + whereArgs) { row in
                    groups.append(((0..<groupCount).map { row.value($0) }, row.value(groupCount)))
                }
            }
        } else {
            // Hash aggregation over the rows as they stream out (see GroupAccumulator).
            // Fixed-width buckets are computed from the raw time as rows arrive.
            let bucket = granularity.flatMap(TimeBuckets.Fixed.init)
            var streamed = columns
            if bucket != nil { streamed[0] = timeColumn }
            let sql = "SELECT \(streamed.joined(separator: ", ")), \(measureSQL) FROM \(resource.table) AS t WHERE \(whereSQL)"
            let empty = GroupAccumulator(aggregation: request.aggregation,
                                         measureIsInteger: request.measure.type == .INT || request.measure.type == .TIMESTAMP,
                                         columns: groupCount, bucket: bucket)
            groups = try accumulate(sql, selectArgs + whereArgs, into: empty, table: resource.table, whereSQL: whereSQL,
                                    whereArguments: whereArgs, timeColumn: timeColumn).groups()
        }
        if groups.isEmpty, request.dimensions.isEmpty, granularity == nil {
            groups.append(([.null], request.aggregation.hasPrefix("count") ? .integer(0) : .null))
        }
        return AggregateResult(groups: groups, granularity: granularity, from: windowFrom, to: windowTo)
    }

    /// Streams the rows of `sql` into accumulators. On a machine with two cores or more, in two
    /// halves read side by side, each on its own reader connection (neither holds one while
    /// waiting for another), then merged. The halves meet at the median time of a few rows
    /// sampled evenly by rowid among those the query selects, so rows crowded into a short span
    /// of a long window still divide evenly; with too few samples, one scan. A write landing in
    /// between is seen by one half and not the other, as by a scan that had not reached it yet.
    private func accumulate(_ sql: String, _ arguments: [DatabaseValue], into empty: GroupAccumulator, table: String,
                            whereSQL: String, whereArguments: [DatabaseValue], timeColumn: String) throws -> GroupAccumulator {
        let split = Self.parallelReads ? try pool.read { db -> Int64? in
            guard let last = try db.scalarInt64("SELECT max(rowid) FROM \(table)"), last > 0 else { return nil }
            let count = Int64(Self.splitSamples)
            let rowids = Set((0..<count).map { 1 + last * $0 / count + last / count / 2 }).sorted()
            let marks = Array(repeating: "?", count: rowids.count).joined(separator: ", ")
            let times = try db.query("SELECT \(timeColumn) AS time FROM \(table) AS t NOT INDEXED WHERE t.rowid IN (\(marks)) AND \(whereSQL) ORDER BY 1",
                                     rowids.map(DatabaseValue.integer) + whereArguments, columns: { try $0.index(of: "time") }) { $0.int64($1) }
            return times.count >= Self.splitSamples / 8 ? times[times.count / 2] : nil
        } : nil
        @Sendable func read(_ condition: String, _ bounds: [DatabaseValue]) throws -> GroupAccumulator {
            try pool.read { db in
                var accumulator = empty
                try db.forEach(sql + condition, arguments + bounds) { accumulator.add($0) }
                return accumulator
            }
        }
        guard let split else { return try read("", []) }
        let earlier = Mutex<Result<GroupAccumulator, Error>?>(nil)
        let done = DispatchGroup()
        DispatchQueue.global(qos: .userInitiated).async(group: done) {
            let result = Result { try read(" AND \(timeColumn) < ?", [.integer(split)]) }
            earlier.withLock { $0 = result }
        }
        var merged = try read(" AND \(timeColumn) >= ?", [.integer(split)])
        done.wait()
        if let result = earlier.withLock({ $0 }) { merged.merge(try result.get()) }
        return merged
    }

    /// Whether aggregates read in two halves at once: with more than one core.
    static let parallelReads = ProcessInfo.processInfo.activeProcessorCount > 1
    static let splitSamples = 256
}

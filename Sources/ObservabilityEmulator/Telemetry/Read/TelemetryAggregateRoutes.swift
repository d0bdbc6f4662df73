import EmulatorJSON
import EmulatorStore
import Foundation
import Synchronization

/// `traces/aggregate`, `spans/aggregate`, `spans/evaluations/aggregate`: one metric
/// over the rows an expression and a window select, grouped by dimensions and time buckets.
enum TelemetryAggregateRoutes {
    static func traces(_ call: Call) throws -> HTTPResponseBox { try aggregate(call, .traces) }
    static func spans(_ call: Call) throws -> HTTPResponseBox { try aggregate(call, .spans) }
    static func evaluations(_ call: Call) throws -> HTTPResponseBox { try aggregate(call, .evaluations) }

    static func aggregate(_ call: Call, _ resource: TelemetryResource) throws -> HTTPResponseBox {
        let body = try call.body()
        guard let metric = try body.object("metric") else { throw APIError.validation("metric: field required") }
        let measureName = try metric.requiredString("measure")
        let aggregation = try metric.requiredString("aggregation")
        guard FieldType.allAggregations.contains(aggregation) else {
            throw APIError.validation("metric.aggregation: '\(aggregation.prefix(40))' is not one of \(FieldType.allAggregations.joined(separator: ", "))")
        }
        let dimensionNames = try body.stringArray("dimensions", required: false, nullable: true) ?? []
        var granularity: String?
        if let time = try body.object("time_dimension", required: false, nullable: true) {
            granularity = try time.string("granularity", required: false, nullable: true) ?? "auto"
            guard let given = granularity, TimeBuckets.granularities.contains(given) else {
                throw APIError.validation("time_dimension.granularity: expected one of \(TimeBuckets.granularities.joined(separator: ", "))")
            }
        }
        let expression = try body.string("search_expression", required: false, nullable: true)
        var orderBy: [(field: String, descending: Bool)] = []
        for (index, clause) in (try body.objectArray("order_by", required: false) ?? []).enumerated() {
            guard case .string(let field)? = clause["field"] else { throw APIError.validation("order_by[\(index)].field: field required") }
            let direction = clause["direction"]?.stringValue ?? "asc"
            guard direction == "asc" || direction == "desc" else {
                throw APIError.validation("order_by[\(index)].direction: expected 'asc' or 'desc'")
            }
            orderBy.append((field, direction == "desc"))
        }
        let limit = Int(try body.integer("limit", required: false) ?? 1000)
        guard (1...10_000).contains(limit) else { throw APIError.validation("limit: must be between 1 and 10000 (got \(limit))") }
        let window = try TimeWindow(call)
        let tenant = TelemetryTenant(call.workspace)

        let catalogue = FieldCatalogue.telemetry(resource, tenant: tenant)
        let measure = try AggregateOperand(measureName, catalogue, role: "metric.measure")
        guard measure.type.aggregations.contains(aggregation) else {
            throw QueryError.refused("metric.aggregation: \(aggregation) is not supported by \(measureName) (\(measure.type.rawValue)); supported: \(measure.type.aggregations.joined(separator: ", "))")
        }
        let dimensions = try dimensionNames.enumerated().map { index, name in
            let operand = try AggregateOperand(name, catalogue, role: "dimensions[\(index)]")
            guard operand.type != .ARRAY, !(operand.type == .MAP && !operand.isEntry) else {
                throw QueryError.refused("dimensions[\(index)]: cannot group by \(name) (\(operand.type.rawValue)); use a scalar field or a map entry")
            }
            return operand
        }
        for (index, clause) in orderBy.enumerated() where clause.field != "metric_value" && clause.field != "time_bucket" && !dimensionNames.contains(clause.field) {
            throw QueryError.refused("order_by[\(index)].field: '\(clause.field.prefix(100))' is neither a dimension, metric_value nor time_bucket")
        }
        let filter = try QueryCompiler(catalogue).compile(expression: expression)
        let request = AggregateRequest(resource: resource, measure: measure, aggregation: aggregation, dimensions: dimensions,
                                       granularity: granularity, filter: filter, window: window, orderBy: orderBy, limit: limit)
        return .json(try call.store.aggregate(request, tenant: tenant))
    }
}

/// A field or map entry named in an aggregate (`duration_ns`, `span_attributes['k']`), read as
/// the query compiler reads it.
struct AggregateOperand {
    let written: String
    let type: FieldType
    let isEntry: Bool
    let operand: Operand

    init(_ written: String, _ catalogue: FieldCatalogue, role: String) throws {
        self.written = written
        var name = written
        var key: String?
        if let open = written.firstIndex(of: "["), written.hasSuffix("']") {
            name = String(written[..<open])
            let inside = written[written.index(after: open)..<written.index(before: written.endIndex)]
            guard inside.hasPrefix("'"), inside.count >= 2 else { throw QueryError.refused("\(role): write a map entry as field['key']") }
            key = String(inside.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        guard let field = catalogue.resolve(name) else {
            throw QueryError.refused("\(role): unknown field '\(name.prefix(100))'; \(catalogue.listing)")
        }
        if case .anySpan = field.source {
            throw QueryError.refused("\(role): \(name) is matched over a trace's spans and cannot be aggregated on traces; aggregate spans instead")
        }
        if key != nil, field.type != .MAP { throw QueryError.refused("\(role): \(name) is not a map; only maps take a ['key']") }
        type = field.type
        isEntry = key != nil
        operand = catalogue.operand(field, key: key)
    }

    /// The SQL value (NULL for an absent map entry); bound values go to `args`.
    func sql(_ args: inout [DatabaseValue]) -> String { operand.valueSQL(&args) }

    /// A value read from a result row, as JSON.
    func json(_ value: DatabaseValue) -> JSON {
        switch value {
        case .null, .blob: return .null
        case .integer(let n): return type == .TIMESTAMP ? .string(Timestamp.formatNanos(n)) : .int(n)
        case .real(let d): return .double(d)
        case .text(let s): return .string(s)
        }
    }
}

struct AggregateRequest {
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

/// UTC time buckets: fixed widths, weeks from Monday 00:00, calendar months.
enum TimeBuckets {
    static let granularities = ["auto", "second", "minute", "hour", "day", "week", "month"]
    static let second: Int64 = 1_000_000_000
    static let widths: [String: Int64] = ["second": second, "minute": 60 * second, "hour": 3600 * second,
                                          "day": 86_400 * second, "week": 7 * 86_400 * second]
    /// 1970-01-05, the first Monday after the epoch.
    static let mondayOffset: Int64 = 4 * 86_400 * second

    /// `auto`: the finest of minute/hour/day/week/month giving at most 100 buckets.
    static func resolve(_ granularity: String, from: Int64, to: Int64) -> String {
        guard granularity == "auto" else { return granularity }
        let span = max(to - from, 1)
        for name in ["minute", "hour", "day", "week"] {
            if let width = widths[name], (span + width - 1) / width <= 100 { return name }
        }
        return "month"
    }

    /// The buckets of one width (every granularity but `month`), weeks counted from a Monday.
    struct Fixed {
        let width: Int64
        let offset: Int64

        init?(_ granularity: String) {
            guard let width = widths[granularity] else { return nil }
            self.width = width
            offset = granularity == "week" ? mondayOffset : 0
        }

        func start(_ ns: Int64) -> Int64 { (ns - offset) / width * width + offset }
        func sql(_ column: String) -> String { "((\(column) - \(offset)) / \(width)) * \(width) + \(offset)" }
    }

    /// SQL giving the bucket start: nanoseconds, or `YYYY-MM` for months.
    static func sql(_ granularity: String, column: String) -> String {
        Fixed(granularity)?.sql(column) ?? "strftime('%Y-%m', \(column) / 1000000000, 'unixepoch')"
    }

    static func start(_ value: DatabaseValue) -> String? {
        switch value {
        case .integer(let ns): return Timestamp.formatNanos(ns)
        case .text(let month): return month + "-01T00:00:00.000000Z"
        default: return nil
        }
    }
}

extension ObservabilityStore {
    func aggregate(_ request: AggregateRequest, tenant: TelemetryTenant) throws -> JSON {
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
        return renderAggregation(groups, request, granularity: granularity, from: windowFrom, to: windowTo)
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

    private func renderAggregation(_ groups: [(key: [DatabaseValue], value: DatabaseValue)], _ request: AggregateRequest,
                                   granularity: String?, from: Int64, to: Int64) -> JSON {
        let metricName = "\(request.aggregation)(\(request.measure.written))"
        let integerMetric = request.aggregation.hasPrefix("count") || (request.aggregation == "sum" && request.measure.type == .INT)
            || request.measure.type == .TIMESTAMP
        struct Output { var bucket: DatabaseValue; var dimensions: [JSON]; var value: JSON }
        var rows: [Output] = groups.map { group in
            let value: JSON
            switch group.value {
            case .null: value = .null
            case .integer(let n): value = integerMetric ? .int(n) : .double(Double(n))
            case .real(let d): value = integerMetric && d.rounded() == d && abs(d) < 9e15 ? .int(Int64(d)) : .double(d)
            default: value = .null
            }
            return Output(bucket: group.key[0], dimensions: zip(request.dimensions, group.key.dropFirst()).map { $0.json($1) }, value: value)
        }
        func compare(_ a: JSON, _ b: JSON) -> Int {
            switch (a, b) {
            case (.null, .null): return 0
            case (.null, _): return -1
            case (_, .null): return 1
            default:
                if let x = a.doubleValue, let y = b.doubleValue { return x < y ? -1 : (x > y ? 1 : 0) }
                let x = a.stringValue ?? a.text, y = b.stringValue ?? b.text
                return x < y ? -1 : (x > y ? 1 : 0)
            }
        }
        func bucketJSON(_ value: DatabaseValue) -> JSON { TimeBuckets.start(value).map(JSON.string) ?? .null }
        // Buckets compare as stored (nanoseconds, or `YYYY-MM`), not as formatted text.
        func compareBuckets(_ a: DatabaseValue, _ b: DatabaseValue) -> Int {
            switch (a, b) {
            case (.integer(let x), .integer(let y)): return x < y ? -1 : (x > y ? 1 : 0)
            case (.text(let x), .text(let y)): return x < y ? -1 : (x > y ? 1 : 0)
            default: return compare(bucketJSON(a), bucketJSON(b))
            }
        }
        var order = request.orderBy
        if order.isEmpty { order = [("time_bucket", false)] + request.dimensions.map { ($0.written, false) } }
        rows.sort { a, b in
            for clause in order {
                let result: Int
                switch clause.field {
                case "time_bucket": result = compareBuckets(a.bucket, b.bucket)
                case "metric_value": result = compare(a.value, b.value)
                default:
                    guard let index = request.dimensions.firstIndex(where: { $0.written == clause.field }) else { continue }
                    result = compare(a.dimensions[index], b.dimensions[index])
                }
                if result != 0 { return clause.descending ? result > 0 : result < 0 }
            }
            return false
        }
        let data: [JSON] = rows.prefix(request.limit).map { row in
            .object(JSONObject([
                ("time_bucket", bucketJSON(row.bucket)),
                ("dimensions", .object(JSONObject(zip(request.dimensions, row.dimensions).map { ($0.written, $1) }))),
                ("metric_name", .string(metricName)),
                ("metric_value", row.value),
            ]))
        }
        let granularitySeconds: JSON = granularity.flatMap { TimeBuckets.widths[$0] }.map { .int($0 / TimeBuckets.second) } ?? .null
        return ["data": .array(data), "meta": .object(JSONObject([
            ("from_timestamp", .string(Timestamp.formatNanos(from))),
            ("to_timestamp", .string(Timestamp.formatNanos(to))),
            ("granularity_seconds", granularitySeconds),
        ]))]
    }
}

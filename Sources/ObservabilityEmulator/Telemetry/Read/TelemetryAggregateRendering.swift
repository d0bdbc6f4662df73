import EmulatorJSON
import EmulatorStore

/// Writes an aggregate's result as the API returns it.
enum TelemetryAggregateRendering {
    /// The response: groups ordered by `order_by` (time bucket, then dimensions, by default),
    /// at most `limit`, with the window and bucket width.
    static func json(_ result: AggregateResult, _ request: AggregateRequest) -> JSON {
        let (groups, granularity, from, to) = (result.groups, result.granularity, result.from, result.to)
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

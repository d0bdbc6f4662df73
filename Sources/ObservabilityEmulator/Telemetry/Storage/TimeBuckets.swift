import EmulatorStore

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

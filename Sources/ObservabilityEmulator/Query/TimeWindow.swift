import EmulatorStore

/// `from` (inclusive) and `to` (exclusive), as nanoseconds; either may be open.
struct TimeWindow: Equatable {
    var from: Int64?
    var to: Int64?

    /// The window as a condition on a time column; the bounds are bound.
    func sql(_ column: String, _ args: inout [DatabaseValue]) -> String {
        var parts: [String] = []
        if let from { parts.append("\(column) >= ?"); args.append(.integer(from)) }
        if let to { parts.append("\(column) < ?"); args.append(.integer(to)) }
        return parts.isEmpty ? "1" : parts.joined(separator: " AND ")
    }
}

import EmulatorHTTP

/// How background tasks (campaigns, dataset imports) report progress to pollers.
public enum TaskPace: Equatable, Sendable, CustomStringConvertible {
    /// Report the real state: finished as soon as the work is done.
    case immediate
    /// Report RUNNING for the first N status reads.
    case polls(Int)
    /// Report RUNNING until S seconds after creation.
    case seconds(Double)

    public static func parse(_ text: String) -> TaskPace? {
        if text == "immediate" { return .immediate }
        if text.hasPrefix("polls:"), let n = Int(text.dropFirst(6)), n >= 0 { return .polls(n) }
        if text.hasPrefix("seconds:"), let s = Double(text.dropFirst(8)), s >= 0, s.isFinite { return .seconds(s) }
        return nil
    }

    public var description: String {
        switch self {
        case .immediate: return "immediate"
        case .polls(let n): return "polls:\(n)"
        case .seconds(let s): return "seconds:\(s)"
        }
    }
}

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

/// Everything the emulator needs to start, as the CLI parsed it. Tests build one directly.
public struct EmulatorConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// nil: a fresh temporary database, deleted at exit.
    public var databasePath: String?
    /// Where `events.jsonl` and `judges.json` are read from; nil: the bundled `Fixtures/` search.
    public var fixturesDirectory: String?
    public var seed = true
    public var syntheticEvents = 0
    /// Accepted Bearer tokens; empty accepts any non-empty token.
    public var apiKeys: [String] = []
    public var adminToken: String?
    public var clock = "system"
    public var idSeed: UInt64?
    public var taskPace: TaskPace = .immediate
    public var journalSize = 1000
    public var journalBodies = false
    public var limits = HTTPLimits()
    public var drainTimeout: Double = 10

    public init() {}

    public static let version = "0.1.0"
}

import EmulatorHTTP

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
    /// Generated traces of ten spans each, seeded beside the telemetry fixtures (`--synthetic-traces`).
    public var syntheticTraces = 0
    /// Accepted Bearer tokens; empty accepts any non-empty token.
    public var apiKeys: [String] = []
    public var adminToken: String?
    /// Host names served besides localhost, 127.0.0.1 and [::1] (`--allowed-host`): a name,
    /// `.example.com` for it and its subdomains, `*` for any. Empty on a wildcard bind: any.
    public var allowedHosts: [String] = []
    /// Origins given CORS headers and allowed to change state (`--cors-origin`); `*` for any.
    public var corsOrigins: [String] = []
    public var clock = "system"
    public var idSeed: UInt64?
    public var taskPace: TaskPace = .immediate
    public var journalSize = 1000
    /// The most ingested spans and events kept (`--max-spans`, `--max-events`); 0 is no limit.
    public var retention = RetentionLimits()
    /// Where named snapshots are kept (`--snapshot-dir`); nil: beside `--db` (`<db>.snapshots`),
    /// or a temporary folder removed at exit.
    public var snapshotDirectory: String?
    /// A snapshot restored once the emulator has started (`--import`): a `.sqlite` file, or a
    /// folder holding `observability-emulator.sqlite`.
    public var importPath: String?
    /// Where the whole state is saved at shutdown (`--export-on-exit`), as `--import` reads it.
    public var exportOnExitPath: String?
    public var journalBodies = false
    public var limits = HTTPLimits()
    public var drainTimeout: Double = 10
    /// The layout of access lines (`--log-format`); they are written when the logger's level is
    /// info or lower.
    public var logFormat: LogFormat = .text

    public init() {}

    public static let version = "0.1.0"
}

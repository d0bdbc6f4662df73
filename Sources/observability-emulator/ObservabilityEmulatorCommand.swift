import ArgumentParser
import EmulatorHTTP
import Foundation
import Logging
import ObservabilityEmulator

#if canImport(Glibc)
import Glibc
#endif

/// Every option also reads from an environment variable, named in its help.
@main
struct ObservabilityEmulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observability-emulator",
        abstract: "A local emulator of Mistral AI's beta Observability API.",
        discussion: "Serves /v1/observability/... on --host:--port with seeded events and judges. Point the SDK at it: Mistral(api_key=\"any\", server_url=\"http://127.0.0.1:8080\").",
        version: EmulatorConfiguration.version,
        subcommands: [Serve.self, Healthcheck.self],
        defaultSubcommand: Serve.self
    )
}

/// Reads `name` from the environment when the flag was not given.
func env(_ name: String) -> String? {
    guard let value = environment[name], !value.isEmpty else { return nil }
    return value
}

/// A comma-separated environment value as a list, blanks dropped.
func list(_ value: String?) -> [String] {
    (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// Read once: `ProcessInfo.environment` builds a new dictionary on every call.
let environment = ProcessInfo.processInfo.environment

struct ConnectionOptions: ParsableArguments {
    @Option(help: "Address to listen on (env OBS_EMULATOR_HOST). Default 127.0.0.1; 0.0.0.0 in containers.")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free port and prints it (env OBS_EMULATOR_PORT). Default 8080.")
    var port: Int?

    @Option(help: "File where the server writes its bound port, and where healthcheck reads it when no --port is given (env OBS_EMULATOR_PORT_FILE).")
    var portFile: String?

    var resolvedHost: String { host ?? env("OBS_EMULATOR_HOST") ?? "127.0.0.1" }
    var resolvedPortFile: String? { portFile ?? env("OBS_EMULATOR_PORT_FILE") }
    var resolvedPort: Int { port ?? env("OBS_EMULATOR_PORT").flatMap(Int.init) ?? 8080 }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the emulator (the default).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "SQLite database file; persists across restarts in WAL mode (env OBS_EMULATOR_DB). Default: a fresh temporary database, deleted at exit.")
    var db: String?

    @Option(help: "Directory with events.jsonl and judges.json (env OBS_EMULATOR_FIXTURES). Default: the bundled Fixtures/.")
    var fixtures: String?

    @Flag(help: "Start with no seeded events or judges (env OBS_EMULATOR_NO_SEED=1).")
    var noSeed = false

    @Option(help: "Add N deterministic generated events for load tests (env OBS_EMULATOR_SYNTHETIC_EVENTS).")
    var syntheticEvents: Int?

    @Option(help: "Add N deterministic generated traces of ten spans each for load tests (env OBS_EMULATOR_SYNTHETIC_TRACES).")
    var syntheticTraces: Int?

    @Option(help: "Accept only this Bearer token; repeatable (env OBS_EMULATOR_API_KEYS, comma-separated). Default: any non-empty token.")
    var apiKey: [String] = []

    @Option(help: "Require this value in X-Emulator-Admin-Token on /__emulator/ requests (env OBS_EMULATOR_ADMIN_TOKEN).")
    var adminToken: String?

    @Option(help: "Serve this Host besides localhost, 127.0.0.1 and [::1]; repeatable; '.example.com' for a domain and its subdomains, '*' for any (env OBS_EMULATOR_ALLOWED_HOSTS, comma-separated). Default on 0.0.0.0: any Host.")
    var allowedHost: [String] = []

    @Option(help: "Let the web page at this origin (e.g. http://localhost:5173) call the emulator: CORS headers and preflights; repeatable; '*' for any (env OBS_EMULATOR_CORS_ORIGINS, comma-separated). Default: none.")
    var corsOrigin: [String] = []

    @Option(help: "system, fixed:<RFC3339> or step:<RFC3339>,<ms> (env OBS_EMULATOR_CLOCK). Default system.")
    var clock: String?

    @Option(help: "Seed for the ids of created resources, for reproducible runs (env OBS_EMULATOR_ID_SEED).")
    var idSeed: UInt64?

    @Option(help: "How background tasks report: immediate, polls:N or seconds:S (env OBS_EMULATOR_TASK_PACE). Default immediate.")
    var taskPace: String?

    @Option(help: "Requests kept in the journal (env OBS_EMULATOR_JOURNAL_SIZE). Default 1000.")
    var journalSize: Int?

    @Flag(help: "Keep request and response bodies in the journal (env OBS_EMULATOR_JOURNAL_BODIES=1).")
    var journalBodies = false

    @Option(help: "Folder for named snapshots (POST /__emulator/snapshots) (env OBS_EMULATOR_SNAPSHOT_DIR). Default: beside --db, or a temporary folder removed at exit.")
    var snapshotDir: String?

    @Option(name: .customLong("import"), help: "Restore this snapshot once started: a .sqlite file, or a folder holding observability-emulator.sqlite (env OBS_EMULATOR_IMPORT).")
    var importPath: String?

    @Option(help: "Save the whole state here at shutdown, as --import reads it (env OBS_EMULATOR_EXPORT_ON_EXIT).")
    var exportOnExit: String?

    @Option(help: "Most ingested spans kept; past it the traces written least recently are evicted whole; 0 keeps all (env OBS_EMULATOR_MAX_SPANS). Default 250000.")
    var maxSpans: Int?

    @Option(help: "Most ingested chat-completion events kept; past it the oldest are evicted; 0 keeps all (env OBS_EMULATOR_MAX_EVENTS). Default 100000.")
    var maxEvents: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env OBS_EMULATOR_LOG_LEVEL). Default info.")
    var logLevel: String?

    @Option(help: "text or json (env OBS_EMULATOR_LOG_FORMAT). Default text.")
    var logFormat: String?

    @Option(help: "Longest request line in bytes; longer is 414 (env OBS_EMULATOR_MAX_REQUEST_LINE). Default 8192.")
    var maxRequestLine: Int?

    @Option(help: "Longest header line in bytes; longer is 431 (env OBS_EMULATOR_MAX_HEADER_LINE). Default 8192.")
    var maxHeaderLine: Int?

    @Option(help: "Largest header section in bytes; larger is 431 (env OBS_EMULATOR_MAX_HEADER_BYTES). Default 65536.")
    var maxHeaderBytes: Int?

    @Option(help: "Most header fields in a request; more is 431 (env OBS_EMULATOR_MAX_HEADERS). Default 100.")
    var maxHeaders: Int?

    @Option(help: "Largest request body in bytes; larger is 413 (env OBS_EMULATOR_MAX_BODY). Default 10485760.")
    var maxBody: Int?

    @Option(help: "Seconds an idle keep-alive connection stays open (env OBS_EMULATOR_IDLE_TIMEOUT). Default 60.")
    var idleTimeout: Double?

    @Option(help: "Seconds a client may take to send a request; longer is 408 (env OBS_EMULATOR_READ_TIMEOUT). Default 30.")
    var readTimeout: Double?

    @Option(help: "Most open connections; more are answered 503 (env OBS_EMULATOR_MAX_CONNECTIONS). Default 1024.")
    var maxConnections: Int?

    func makeConfiguration() throws -> EmulatorConfiguration {
        var c = EmulatorConfiguration()
        c.host = connection.resolvedHost
        c.port = connection.resolvedPort
        c.databasePath = db ?? env("OBS_EMULATOR_DB")
        c.fixturesDirectory = fixtures ?? env("OBS_EMULATOR_FIXTURES")
        c.seed = !(noSeed || env("OBS_EMULATOR_NO_SEED") == "1" || env("OBS_EMULATOR_NO_SEED") == "true")
        c.syntheticEvents = syntheticEvents ?? env("OBS_EMULATOR_SYNTHETIC_EVENTS").flatMap(Int.init) ?? 0
        c.syntheticTraces = syntheticTraces ?? env("OBS_EMULATOR_SYNTHETIC_TRACES").flatMap(Int.init) ?? 0
        c.apiKeys = apiKey.isEmpty ? list(env("OBS_EMULATOR_API_KEYS")) : apiKey
        c.adminToken = adminToken ?? env("OBS_EMULATOR_ADMIN_TOKEN")
        c.allowedHosts = allowedHost.isEmpty ? list(env("OBS_EMULATOR_ALLOWED_HOSTS")) : allowedHost
        c.corsOrigins = corsOrigin.isEmpty ? list(env("OBS_EMULATOR_CORS_ORIGINS")) : corsOrigin
        c.clock = clock ?? env("OBS_EMULATOR_CLOCK") ?? "system"
        c.idSeed = idSeed ?? env("OBS_EMULATOR_ID_SEED").flatMap(UInt64.init)
        let paceText = taskPace ?? env("OBS_EMULATOR_TASK_PACE") ?? "immediate"
        guard let pace = TaskPace.parse(paceText) else { throw ValidationError("--task-pace: expected immediate, polls:N or seconds:S, got '\(paceText)'") }
        c.taskPace = pace
        c.journalSize = journalSize ?? env("OBS_EMULATOR_JOURNAL_SIZE").flatMap(Int.init) ?? 1000
        c.journalBodies = journalBodies || env("OBS_EMULATOR_JOURNAL_BODIES") == "1" || env("OBS_EMULATOR_JOURNAL_BODIES") == "true"
        c.snapshotDirectory = snapshotDir ?? env("OBS_EMULATOR_SNAPSHOT_DIR")
        c.importPath = importPath ?? env("OBS_EMULATOR_IMPORT")
        c.exportOnExitPath = exportOnExit ?? env("OBS_EMULATOR_EXPORT_ON_EXIT")
        c.retention = RetentionLimits(
            maxSpans: maxSpans ?? env("OBS_EMULATOR_MAX_SPANS").flatMap(Int.init) ?? RetentionLimits.defaultMaxSpans,
            maxEvents: maxEvents ?? env("OBS_EMULATOR_MAX_EVENTS").flatMap(Int.init) ?? RetentionLimits.defaultMaxEvents)
        var limits = HTTPLimits()
        limits.maxRequestLineBytes = maxRequestLine ?? env("OBS_EMULATOR_MAX_REQUEST_LINE").flatMap(Int.init) ?? limits.maxRequestLineBytes
        limits.maxHeaderLineBytes = maxHeaderLine ?? env("OBS_EMULATOR_MAX_HEADER_LINE").flatMap(Int.init) ?? limits.maxHeaderLineBytes
        limits.maxHeaderBytes = maxHeaderBytes ?? env("OBS_EMULATOR_MAX_HEADER_BYTES").flatMap(Int.init) ?? limits.maxHeaderBytes
        limits.maxHeaderCount = maxHeaders ?? env("OBS_EMULATOR_MAX_HEADERS").flatMap(Int.init) ?? limits.maxHeaderCount
        limits.maxBodyBytes = maxBody ?? env("OBS_EMULATOR_MAX_BODY").flatMap(Int.init) ?? limits.maxBodyBytes
        limits.idleTimeout = idleTimeout ?? env("OBS_EMULATOR_IDLE_TIMEOUT").flatMap(Double.init) ?? limits.idleTimeout
        limits.readTimeout = readTimeout ?? env("OBS_EMULATOR_READ_TIMEOUT").flatMap(Double.init) ?? limits.readTimeout
        limits.maxConnections = maxConnections ?? env("OBS_EMULATOR_MAX_CONNECTIONS").flatMap(Int.init) ?? limits.maxConnections
        c.limits = limits
        return c
    }

    func validate() throws {
        let c = try makeConfiguration()
        guard (0...65535).contains(c.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard c.syntheticEvents >= 0 && c.syntheticEvents <= 5_000_000 else { throw ValidationError("--synthetic-events must be between 0 and 5000000") }
        guard c.syntheticTraces >= 0 && c.syntheticTraces <= 1_000_000 else { throw ValidationError("--synthetic-traces must be between 0 and 1000000") }
        guard c.journalSize >= 0 else { throw ValidationError("--journal-size must be at least 0") }
        guard c.retention.maxSpans >= 0, c.retention.maxEvents >= 0 else { throw ValidationError("--max-spans and --max-events must be at least 0 (0 keeps everything)") }
        let l = c.limits
        guard l.maxRequestLineBytes >= 64, l.maxHeaderLineBytes >= 64, l.maxHeaderBytes >= 256, l.maxHeaderCount >= 4, l.maxBodyBytes >= 0,
              l.idleTimeout > 0, l.readTimeout > 0, l.maxConnections >= 1 else {
            throw ValidationError("limits are too small: request line ≥ 64, header line ≥ 64, header bytes ≥ 256, headers ≥ 4, timeouts > 0, connections ≥ 1")
        }
        if let level = logLevel ?? env("OBS_EMULATOR_LOG_LEVEL"), Logger.Level(rawValue: level) == nil {
            throw ValidationError("--log-level: expected trace, debug, info, notice, warning, error or critical")
        }
        if let format = logFormat ?? env("OBS_EMULATOR_LOG_FORMAT"), format != "text" && format != "json" {
            throw ValidationError("--log-format: expected text or json")
        }
    }

    func run() throws {
        // SIGTERM/SIGINT: stop accepting, drain in-flight requests, close the database, exit 0.
        // Blocked before any thread exists (threads inherit the mask), then taken with sigwait:
        // a signal that arrives while the emulator is still starting stays pending and is acted
        // on, instead of being lost in the window before a handler is registered.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        var configuration = try makeConfiguration()
        let level = Logger.Level(rawValue: logLevel ?? env("OBS_EMULATOR_LOG_LEVEL") ?? "info") ?? .info
        let format: LogFormat = (logFormat ?? env("OBS_EMULATOR_LOG_FORMAT")) == "json" ? .json : .text
        LoggingSystem.bootstrap { label in
            var handler = SinkLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
        configuration.logFormat = format
        let logger = Logger(label: "observability-emulator")
        let app: EmulatorApplication
        let port: Int
        do {
            app = try buildApplication(configuration, logger: logger)
            port = try app.start()
        } catch {
            LogSink.standardError.flush()
            FileHandle.standardError.write(Data("observability-emulator: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let portFile = connection.resolvedPortFile {
            // Lets `healthcheck` find a port chosen by flag or with --port 0.
            try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        let displayHost = configuration.host == "0.0.0.0" || configuration.host == "::" ? "127.0.0.1" : configuration.host
        let url = "http://\(displayHost):\(port)"
        // The first line is the one readers parse ("listening on URL"); the next two say where
        // a person's browser and an OpenTelemetry exporter go.
        print("observability-emulator \(EmulatorConfiguration.version) listening on \(url)  —  SDK: Mistral(api_key=\"test\", server_url=\"\(url)\")")
        print("  console: \(url)/__emulator/ui")
        print("  OTLP/HTTP: \(url)/telemetry/v1/traces (and /v1/logs, /v1/metrics); OTEL_EXPORTER_OTLP_ENDPOINT=\(url)/telemetry")
        fflush(nil)  // every output stream: the ready line must reach a piped reader now

        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        logger.notice("shutting down: draining connections", metadata: ["signal": "\(received)"])
        app.shutdown()
        if let portFile = connection.resolvedPortFile { unlink(portFile) }
        logger.notice("stopped")
        // Every access line of every answered request, and the lines above, reach stderr.
        LogSink.standardError.flush()
    }
}

/// `observability-emulator healthcheck`: exit 0 when /__emulator/health answers 200. Used by
/// the container's HEALTHCHECK, so it needs no curl in the image.
struct Healthcheck: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Exit 0 when the emulator at --host:--port answers its health check.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Seconds to wait for an answer. Default 2.")
    var timeout: Double = 2

    @Option(help: "The X-Emulator-Admin-Token to send, as given to serve (env OBS_EMULATOR_ADMIN_TOKEN).")
    var adminToken: String?

    func run() throws {
        var host = connection.resolvedHost
        if host == "0.0.0.0" { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        let admin = adminToken ?? env("OBS_EMULATOR_ADMIN_TOKEN")
        var port = connection.resolvedPort
        if connection.port == nil, let file = connection.resolvedPortFile,
           let text = try? String(contentsOfFile: file, encoding: .utf8), let written = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            port = written
        }
        switch HealthProbe.check(host: host, port: port, timeout: timeout, adminToken: admin) {
        case .success:
            print("healthy")
        case .failure(let reason):
            FileHandle.standardError.write(Data("unhealthy: \(reason)\n".utf8))
            throw ExitCode(1)
        }
    }
}

import CLinux
import Dispatch
import EmulatorHTTP
import EmulatorJSON
import EmulatorStore
import Foundation
import Logging
import Synchronization

/// The emulator: store, router, HTTP server, background work and the control plane's state.
/// `buildApplication` makes one; the CLI and the integration tests run exactly the same thing.
///
/// `@unchecked Sendable`: `server` and `fixtures` are written only during `init`, before the
/// application is shared with any other thread; every other field is immutable or synchronises
/// itself (`boundPort` behind a mutex: requests read it while `start` sets it).
public final class EmulatorApplication: @unchecked Sendable {
    public let configuration: EmulatorConfiguration
    let logger: Logger
    let store: ObservabilityStore
    let clock: EmulatorClock
    let ids: IDGenerator
    let router = RouteTable.makeRouter()
    private(set) var server: HTTPServer!
    private let port = Mutex(0)
    /// The port the server listens on, once `start` has bound it.
    public var boundPort: Int { port.withLock { $0 } }
    let startedAt = Date()
    var fixtures: Fixtures
    let journal: RequestJournal
    let faults: FaultRules
    let snapshots: Snapshots
    /// Set when `snapshots.directory` is a temporary folder to remove at exit.
    private let temporarySnapshotDirectory: Bool
    let tasks: TaskRunner
    /// One line per answered request, when the logger's level is info or lower.
    let accessLog: AccessLog?
    /// The served OpenAPI document (`docs/openapi.yaml`, shipped beside the binary like the
    /// fixtures); nil when it cannot be found, which only `GET /__emulator/openapi.yaml` notices.
    let openAPIDocument: [UInt8]?
    /// The web console's files (`Fixtures/console/`), served at `/__emulator/ui`; empty when the
    /// folder cannot be found, which only the console's routes notice.
    let console: ConsoleAssets
    let workspaces = WorkspaceRegistry()
    /// The chat responders of `Fixtures/responders.json`, tried after a workspace's own.
    let fixtureResponders: [Responder]
    /// The model catalogue of `models.json` (`--fixtures DIR`, else the bundled one), read even
    /// with `--no-seed`: a workspace's own cards are looked up before it.
    let fixtureModels: ModelCatalogue
    /// Whether the last write failed for lack of disk (health says "degraded" until one succeeds).
    let storage = StorageHealth()
    /// Host, Origin and CORS rules (`--allowed-host`, `--cors-origin`).
    let requestGuard: RequestGuard

    init(configuration: EmulatorConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        guard let clockMode = EmulatorClock.parse(configuration.clock) else {
            throw EmulatorStartupError("--clock: expected system, fixed:<RFC3339> or step:<RFC3339>,<ms>, got '\(configuration.clock)'")
        }
        clock = EmulatorClock(mode: clockMode)
        ids = IDGenerator(seed: configuration.idSeed)
        requestGuard = RequestGuard(bindHost: configuration.host, allowedHosts: configuration.allowedHosts, corsOrigins: configuration.corsOrigins)
        // Parsing the fixture events (most of the start-up time) overlaps opening the database,
        // checking the judges and storing the events parsed so far.
        let fixtureDirectory = try Fixtures.resolve(directory: configuration.fixturesDirectory, enabled: configuration.seed)
        let parsedEvents = DraftChannel.parsing(fixtureDirectory)
        let store: ObservabilityStore
        do {
            store = try ObservabilityStore(path: configuration.databasePath, clock: clock, ids: ids, retention: configuration.retention)
        } catch let error as DatabaseError {
            throw EmulatorStartupError("cannot open the database\(configuration.databasePath.map { " at \($0)" } ?? ""): \(error.message)")
        }
        self.store = store
        fixtures = Fixtures(directory: fixtureDirectory)
        do {
            fixtureResponders = try Responder.loadFixtures(directory: fixtureDirectory)
            fixtureModels = try ModelCatalogue.load(directory: configuration.fixturesDirectory)
        } catch {
            store.close()
            throw error
        }
        journal = RequestJournal(capacity: configuration.journalSize, keepBodies: configuration.journalBodies)
        faults = FaultRules()
        let snapshotDirectory = configuration.snapshotDirectory ?? configuration.databasePath.map { $0 + ".snapshots" }
        snapshots = Snapshots(directory: snapshotDirectory
            ?? "\(ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp")/observability-emulator-snapshots-\(getpid())-\(UUID().uuidString.prefix(8))")
        temporarySnapshotDirectory = snapshotDirectory == nil
        tasks = TaskRunner(defaultPace: configuration.taskPace)
        accessLog = logger.logLevel <= .info ? AccessLog(format: configuration.logFormat, label: logger.label, sink: .standardError) : nil
        openAPIDocument = BundledFiles.locate(sourcePath: "docs/openapi.yaml", installedName: "openapi.yaml")
            .flatMap { FileManager.default.contents(atPath: $0) }.map { Array($0) }
        console = ConsoleAssets.load()
        // From here a failure (bad fixtures) must not leave the temporary database behind.
        do {
            fixtures.judges = try fixtureDirectory.map(Fixtures.loadJudges) ?? []
            try seedIfNeeded(parsedEvents)
            fixtures.telemetry = try TelemetryFixtures.seed(directory: fixtureDirectory, syntheticTraces: configuration.syntheticTraces, store: store)
            try OfflineEvaluationFixtures.seed(directory: fixtureDirectory, store: store)
            if let importPath = configuration.importPath {
                let file = Snapshots.file(at: importPath)
                guard FileManager.default.fileExists(atPath: file) else { throw EmulatorStartupError("--import: no snapshot at \(file)") }
                do { try store.pool.replaceFile(with: store.pool.prepareReplacement(copying: file)) } catch let error as DatabaseError {
                    throw EmulatorStartupError("--import: cannot restore \(file): \(error.message)")
                }
            }
        } catch {
            store.close()
            throw error
        }
        server = HTTPServer(
            configuration: .init(host: configuration.host, port: configuration.port, limits: configuration.limits),
            logger: logger,
            errorResponder: { status, message, head in
                // The OTLP receiver answers in its own format (a google.rpc.Status), also here.
                if let head, head.target.hasPrefix("/telemetry/") {
                    let contentType = head.makeRequest(body: []).header(HTTPHeader.contentType)
                    return (OTLPEncoding(contentType: contentType) ?? .json).status(status, message)
                }
                return APIError(status, status == 500 ? "UNKNOWN_ERROR" : nil, message).response
            },
            handler: { [unowned self] request, context, respond in self.handle(request, context, respond) })
    }

    public var openConnections: Int { server.connectionCount }

    /// Starts listening; returns the bound port. A failure to listen (port in use) closes the
    /// store, so a temporary database goes too.
    @discardableResult
    public func start() throws -> Int {
        do {
            // Seeding is done: from here no write pays for a checkpoint (WALCheckpointer).
            try store.pool.startBackgroundCheckpoints()
            let bound = try server.start()
            port.withLock { $0 = bound }
            // Once the background indexing is over too, start-up is over: what it used goes back.
            let indexed = store.searchIndexGate
            DispatchQueue.global(qos: .utility).async { [self] in
                indexed.wait()
                settleMemory()
            }
        } catch {
            handlers.stop()
            store.close()
            throw error
        }
        return boundPort
    }

    /// Stops accepting, drains in-flight requests, waits for background tasks, closes the store.
    public func shutdown() {
        server.shutdown(timeout: configuration.drainTimeout)
        handlers.stop()
        _ = store.searchIndexGate.wait(timeout: .now() + 10)
        tasks.waitUntilIdle(timeout: 5)
        if let exportPath = configuration.exportOnExitPath {
            let file = Snapshots.file(at: exportPath)
            try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            store.textIndexer.flush()
            do { try store.pool.saveCopy(to: file) } catch {
                logger.error("--export-on-exit: cannot write \(file)", metadata: ["error": "\(error)"])
            }
        }
        snapshots.ahead.finish()
        store.close()
        if temporarySnapshotDirectory { try? FileManager.default.removeItem(atPath: snapshots.directory) }
        accessLog?.sink.flush()
    }

    /// Runs the handlers that may block (routes marked `.pool` in `RouteTable`): one per core plus one per
    /// SQLite reader, so reads can use every reader while a write waits for the writer.
    let handlers = HandlerPool(workers: ProcessInfo.processInfo.activeProcessorCount + 3)

    // MARK: Seeding

    /// Loads fixtures and synthetic events into an empty database (a persistent one keeps its data).
    ///
    /// The emulator is ready once the rows are stored. The full-text index that similar-events
    /// uses (and, with synthetic events, the secondary indexes: about 0.5 s per 100 000 events)
    /// is built in the background: queries are correct meanwhile, only unindexed;
    /// similar-events waits for the full-text index; health says "building".
    func seedIfNeeded(_ parsed: DraftChannel) throws {
        let existing = try store.pool.read { db in try db.scalarInt("SELECT COUNT(*) FROM events WHERE seeded = 1") ?? 0 }
        guard existing == 0 else {
            // A persistent database seeded earlier: the fixtures are still checked and counted.
            while let batch = try parsed.next() { fixtures.eventCount += batch.count }
            return
        }
        let store = self.store
        let logger = self.logger
        let synthetic = configuration.syntheticEvents
        // A bulk load: the secondary indexes are built once, after the rows are in.
        try store.pool.write { db in
            for index in Schema.eventIndexes { try db.execute("DROP INDEX IF EXISTS \(index.name)") }
        }
        var drafts: [EventDraft] = []
        var rows: [Int64] = []
        try store.pool.writeTransaction { db in
            while let batch = try parsed.next() {
                for draft in batch {
                    try store.insertEvent(draft, workspaceID: nil, seeded: true, indexText: false, db: db)
                    rows.append(db.lastInsertRowID)
                }
                drafts += batch
            }
        }
        fixtures.eventCount = drafts.count
        var firstSynthetic: Int64?
        if synthetic == 0 {
            try store.buildEventIndexes()
        } else {
            firstSynthetic = try store.pool.read { db in try db.scalarInt64("SELECT COALESCE(MAX(rowid), 0) + 1 FROM events") } ?? 1
            try SyntheticEvents.insert(count: synthetic, into: store, logger: logger)
        }
        store.searchIndexGate.enter()
        // The drafts travel in a box the background work empties, so they are freed before the
        // memory is trimmed rather than when the closure is.
        let parsedDrafts = Handoff(drafts)
        drafts = []
        let fixtureRows = rows
        let syntheticStart = firstSynthetic
        DispatchQueue.global(qos: .utility).async { [self] in
            buildSearchIndexes(parsedDrafts.take() ?? [], rowIDs: fixtureRows, firstSynthetic: syntheticStart)
        }
    }

    /// The background part of seeding; opens the search-index gate when done.
    private func buildSearchIndexes(_ drafts: [EventDraft], rowIDs: [Int64], firstSynthetic: Int64?) {
        if let firstSynthetic {
            do { try store.buildEventIndexes() } catch { logger.error("building event indexes failed: \(error)") }
            store.indexEventText(drafts, rowIDs: rowIDs)
            store.backfillSearchIndex(fromRowID: firstSynthetic)
        } else {
            store.indexEventText(drafts, rowIDs: rowIDs)
            store.searchIndexGate.leave()
        }
    }

    /// Gives back what start-up used and no longer needs: the connections' page caches, the
    /// allocator's free memory (parsed fixtures, statement buffers) and the code pages only
    /// start-up ran.
    private func settleMemory() {
        store.pool.shrinkMemory()
        _ = malloc_trim(0)
        StartupPages.release()
    }

    /// Everything back to the seeded state.
    func resetAll() throws {
        tasks.waitUntilIdle(timeout: 10)
        try store.resetAll()
        forgetWorkspaces()
        clock.reset()
        ids.reset()
        faults.clear()
        tasks.clearPaces()
    }

    /// Puts back the state saved as `name`; false when there is no such snapshot. Background
    /// tasks finish first; workspaces are looked up afresh (their seeded judges come back as
    /// the snapshot has them).
    func restoreSnapshot(_ name: String) throws -> Bool {
        tasks.waitUntilIdle(timeout: 10)
        // The start-up indexing writes into the database it began with: it finishes first.
        _ = store.searchIndexGate.wait(timeout: .now() + 30)
        guard try snapshots.restore(name, store: store) else { return false }
        forgetWorkspaces()
        return true
    }

    func resetWorkspace(_ workspace: Workspace) throws {
        tasks.waitUntilIdle(timeout: 10)
        try store.resetWorkspace(workspace.id)
        forgetWorkspaces(workspace.id)
        tasks.setPace(nil, for: workspace.id)
        faults.clear(workspaceID: workspace.id)
    }
}

/// Builds the application the binary runs; tests call it with their own configuration.
public func buildApplication(_ configuration: EmulatorConfiguration, logger: Logger) throws -> EmulatorApplication {
    try EmulatorApplication(configuration: configuration, logger: logger)
}

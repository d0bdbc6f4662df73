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
    private(set) var fixtures: Fixtures
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
                do { try store.pool.restoreCopy(from: file) } catch let error as DatabaseError {
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
        store.close()
        if temporarySnapshotDirectory { try? FileManager.default.removeItem(atPath: snapshots.directory) }
        accessLog?.sink.flush()
    }

    // MARK: Request pipeline

    /// Runs the handlers that may block (routes marked `.pool` in `RouteTable`): one per core plus one per
    /// SQLite reader, so reads can use every reader while a write waits for the writer.
    let handlers = HandlerPool(workers: ProcessInfo.processInfo.activeProcessorCount + 3)

    func handle(_ request: HTTPRequest, _ context: HTTPRequestContext, _ respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let match = router.match(method: request.method, path: request.path)
        let respond = withCORS(respond, request: request, context: context, match: match)
        guard let respond else { return }
        let isControl = request.path.hasPrefix("/__emulator")
        // The Bearer token and its workspace, derived once for the decisions below.
        let caller = caller(of: request)
        var directive: FaultDirective?  // decided before the work closure captures it
        if let header = request.header("X-Emulator-Fault") {
            switch FaultDirective.parse(header: header) {
            case .success(let parsed): directive = parsed
            case .failure(let error):
                finish(request, context, error.response, workspaceID: nil, respond)
                return
            }
        } else if !isControl {
            directive = faults.match(method: request.method, path: request.path)
        }
        // A fault (a delay, a drop, an error status) is for callers the route would serve: an
        // unauthenticated request is refused as it would be without it.
        if directive != nil, case .found(let route, _) = match {
            do { _ = try authenticate(route, request, caller: caller) } catch let error as APIError {
                finish(request, context, error.response, workspaceID: nil, respond)
                return
            } catch {
                directive = nil
            }
        }
        let decided = directive
        let work: @Sendable () -> Void = { [unowned self] in
            if context.client.hasClosed {
                // Queued behind other work while the client hung up: nobody will read the answer.
                finish(request, context, .dropped(status: 499), workspaceID: nil, respond)
                return
            }
            let directive = decided
            // A faulted request passed authentication: the journal files it under its caller's
            // workspace, so a test reading its own journal sees the failed attempt too.
            let faultedWorkspace = caller?.workspace.id
            if let directive, directive.drop {
                finish(request, context, .dropped(), workspaceID: faultedWorkspace, respond)
                return
            }
            if let directive, let status = directive.status {
                let error = APIError(status, directive.errorCode, directive.message ?? "fault injected by the emulator (status \(status))")
                // In the route's error format (a google.rpc.Status for OTLP), with Retry-After on
                // throttling and unavailability, so client retry paths (OTLP exporters, the SDK's
                // retries) can be tested.
                finish(request, context, errorResponse(error, path: request.path, request), workspaceID: faultedWorkspace, respond)
                return
            }
            let (response, workspaceID) = route(request, match, caller: caller)
            finish(request, context, response, workspaceID: workspaceID, respond)
        }
        if let delay = decided?.delayMs, delay > 0 {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) { [handlers] in handlers.submit(work) }
        } else if runsOnLoop(match, caller: caller) {
            work()
        } else {
            handlers.submit(work)
        }
    }

    /// Applies the Host and Origin rules: nil when the request was answered here (refused, or a
    /// preflight); otherwise the responder, adding CORS headers for a `--cors-origin`.
    private func withCORS(_ respond: @escaping @Sendable (HTTPResponse) -> Void, request: HTTPRequest, context: HTTPRequestContext,
                          match: Router<Route>.Match) -> (@Sendable (HTTPResponse) -> Void)? {
        switch screen(request, match) {
        case .answered(let response):
            finish(request, context, response, workspaceID: nil, respond)
            return nil
        case .served(corsOrigin: nil):
            return respond
        case .served(corsOrigin: let origin?):
            let headers = RequestGuard.corsHeaders(origin)
            return { response in
                var response = response
                response.headers += headers
                respond(response)
            }
        }
    }

    /// What the Host and Origin rules make of a request, refusals already in the route's format.
    private enum Screening {
        case answered(HTTPResponse)
        case served(corsOrigin: String?)
    }

    private func screen(_ request: HTTPRequest, _ match: Router<Route>.Match) -> Screening {
        let verdict = requestGuard.check(request) {
            switch match {
            case .methodNotAllowed(let allowed): return allowed
            case .found: return [request.header(HTTPHeader.accessControlRequestMethod) ?? request.method]
            case .notFound: return []
            }
        }
        switch verdict {
        case .answer(let response): return .answered(response)
        case .refuse(let error): return .answered(errorResponse(error, path: request.path, request))
        case .serve(let origin): return .served(corsOrigin: origin)
        }
    }

    /// Serves one request synchronously: the Host and Origin rules, the fault header's validation, routing, auth, the
    /// handler and the mapping of errors to responses, as `handle` does, but without sockets,
    /// the journal, fault rules or delays. The whole-request fuzz target drives every operation
    /// through it.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let match = router.match(method: request.method, path: request.path)
        if case .answered(let response) = screen(request, match) { return response }
        if let header = request.header("X-Emulator-Fault"), case .failure(let error) = FaultDirective.parse(header: header) {
            return error.response
        }
        return route(request, match, caller: caller(of: request)).0
    }

    /// The Bearer token of a request and the workspace it stands for.
    private func caller(of request: HTTPRequest) -> Caller? {
        bearerToken(request).map { Caller(token: $0, workspace: workspace(for: $0)) }
    }

    /// Whether a request can be answered on the event loop: errors of routing, and the cheap
    /// reads, unless the caller's workspace still has to be written on its first request.
    private func runsOnLoop(_ match: Router<Route>.Match, caller: Caller?) -> Bool {
        guard case .found(let route, _) = match else { return true }
        guard route.runsOnLoop else { return false }
        guard route.access == .api else { return true }
        guard let id = caller?.workspace.id else { return true }
        return workspaces.isMaterialized(id)
    }

    private func finish(_ request: HTTPRequest, _ context: HTTPRequestContext, _ response: HTTPResponse, workspaceID: String?, _ respond: @Sendable (HTTPResponse) -> Void) {
        let durationMs = Double(DispatchTime.now().uptimeNanoseconds &- context.receivedAt) / 1e6
        // Wall time, not the emulator's clock: the journal is for people, and reading a step
        // clock would advance it.
        // The journal's own reads and the console's files would only bury the calls being debugged.
        if !request.path.hasPrefix("/__emulator/requests") && !request.path.hasPrefix("/__emulator/ui") {
            journal.record(request: request, response: response, durationMs: durationMs, workspaceID: workspaceID, timeMs: Int64(Date().timeIntervalSince1970 * 1000))
        }
        if response.status < 400 && RequestGuard.changesState(request.method) { storage.succeeded() }
        accessLog?.record(method: request.method, path: request.path, status: response.drop && response.status == 0 ? "dropped" : String(response.status),
                          durationMs: durationMs, workspaceID: workspaceID)
        respond(response)
    }

    /// Routes, authenticates and runs a request; returns the response and the caller's workspace.
    func route(_ request: HTTPRequest, _ match: Router<Route>.Match, caller: Caller?) -> (HTTPResponse, String?) {
        switch match {
        case .notFound:
            return (APIError(404, nil, "no route for \(request.method) \(request.path.prefix(200))").response, nil)
        case .methodNotAllowed(let allowed):
            var error = APIError(405, nil, "method \(request.method) is not allowed on \(request.path.prefix(200)); allowed: \(allowed.joined(separator: ", "))")
            error.allow = allowed
            return (error.response, nil)
        case .found(let route, let parameters):
            var workspace = Workspace.anonymous
            var workspaceID: String?
            do {
                workspace = try authenticate(route, request, caller: caller)
                if caller != nil && route.access != .open { workspaceID = workspace.id }
                try checkContentType(route, request)
                if route.access == .api { try ensureWorkspace(workspace) }
                let call = Call(request: request, parameters: parameters, workspace: workspace, hasBearer: workspaceID != nil, app: self)
                return (try route.handler(call).response, workspaceID)
            } catch let error as StoreError {
                return (errorResponse(APIError(error), path: route.path, request), workspaceID)
            } catch let error as APIError {
                return (errorResponse(error, path: route.path, request), workspaceID)
            } catch let error as DatabaseError where error.isStorageFailure {
                storage.failed(error.message)
                logger.error("storage failure", metadata: ["operation": .string(route.operationID), "error": "\(error.message)"])
                let failure = route.path.hasPrefix("/telemetry/")
                    ? APIError(503, "STORAGE_FULL", "the emulator cannot write its database (\(error.message)); nothing of this export was stored: retry later")
                    : APIError(507, "STORAGE_FULL", "the emulator cannot write its database (\(error.message)); nothing of this request was stored. Free disk space (or reset) and retry")
                return (errorResponse(failure, path: route.path, request), workspaceID)
            } catch let error as DatabaseError where error.isInterrupted {
                return (errorResponse(APIError.searchBadRequest("matches: \(BoundedRegex.timeoutMessage); simplify the pattern"), path: route.path, request), workspaceID)
            } catch let error as DatabaseError where error.isBusy {
                logger.warning("database busy", metadata: ["error": "\(error)"])
                return (errorResponse(APIError(503, "DATABASE_TIMEOUT", "the database is busy; retry"), path: route.path, request), workspaceID)
            } catch {
                logger.error("unhandled error", metadata: ["operation": .string(route.operationID), "error": "\(error)"])
                return (errorResponse(APIError.internalError("internal error in \(route.operationID); see the emulator log"), path: route.path, request), workspaceID)
            }
        }
    }

    /// An error in the route's own format: the OTLP receiver answers a `google.rpc.Status` in
    /// the request's encoding (as the OTLP/HTTP specification asks), the API `{"detail": …}`.
    /// Unavailability and throttling say when to retry, which OTLP exporters honour.
    func errorResponse(_ error: APIError, path: String, _ request: HTTPRequest) -> HTTPResponse {
        var response: HTTPResponse
        if path.hasPrefix("/telemetry/") {
            let encoding = OTLPEncoding(contentType: request.header(HTTPHeader.contentType)) ?? .json
            response = encoding.status(error.status, error.message)
        } else {
            response = error.response
        }
        if error.status == 503 || error.status == 429 || error.status == 507 { response.headers.append(("Retry-After", "1")) }
        return response
    }

    /// Who the request acts for, or the 401 that refuses it: an API route needs a Bearer token
    /// (one of `--api-key`, when given); a control-plane route needs `--admin-token` when set,
    /// and a Bearer token it carries (the workspace it acts on) must be one of `--api-key` too.
    func authenticate(_ route: Route, _ request: HTTPRequest, caller given: Caller?) throws -> Workspace {
        let caller: Caller
        switch route.access {
        case .open:
            return .anonymous
        case .api:
            guard let given else { throw APIError.unauthorized("missing or empty bearer token: send 'Authorization: Bearer <api key>'") }
            caller = given
        case .control:
            if let admin = configuration.adminToken, !ConstantTime.equals(request.header("X-Emulator-Admin-Token") ?? "", admin) {
                throw APIError.unauthorized("the control plane needs the X-Emulator-Admin-Token header (set by --admin-token)")
            }
            guard let given else { return .anonymous }
            caller = given
        }
        guard accepts(apiKey: caller.token) else {
            throw APIError.unauthorized("the bearer token is not one of the emulator's --api-key values")
        }
        return caller.workspace
    }

    /// Whether `--api-key` accepts a token (any, when none is set), in constant time per key.
    func accepts(apiKey token: String) -> Bool {
        let keys = configuration.apiKeys
        guard !keys.isEmpty else { return true }
        var found = false
        for key in keys where ConstantTime.equals(key, token) { found = true }
        return found
    }

    /// A JSON route's body must say it is JSON: a form or `text/plain` body, which a web page
    /// can send cross-site without a preflight, is 415. An empty body needs no type (the Origin rule
    /// already refuses a cross-site POST with none).
    func checkContentType(_ route: Route, _ request: HTTPRequest) throws {
        // GET and HEAD bodies are not read: nothing to refuse.
        guard route.body == .json, RequestGuard.changesState(request.method) else { return }
        // An empty body carries nothing to read, whatever its type says.
        guard !request.body.isEmpty else { return }
        let type = request.header(HTTPHeader.contentType)
        guard let type, ContentTypes.isJSON(type) else {
            throw APIError(415, "UNSUPPORTED_MEDIA_TYPE",
                "\(request.method) \(route.path) takes a JSON body: send 'Content-Type: application/json' (got \(type.map { "'\($0.prefix(80))'" } ?? "no Content-Type"))")
        }
    }

    func bearerToken(_ request: HTTPRequest) -> String? {
        guard let header = request.header(HTTPHeader.authorization) else { return nil }
        // The usual form, "Bearer <token>" with nothing to trim, without splitting.
        let utf8 = header.utf8
        if utf8.starts(with: "Bearer ".utf8), let first = utf8.dropFirst(7).first, first != 0x20, first != 0x09,
           let last = utf8.last, last != 0x20, last != 0x09 {
            return String(header.dropFirst(7))
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        var token = parts[1]
        while let last = token.last, last == " " || last == "\t" { token.removeLast() }
        return token.isEmpty ? nil : String(token)
    }

    /// The workspace of a token, derived once (two SHA-1s) and remembered.
    func workspace(for token: String) -> Workspace { workspaces.workspace(for: token) }

    /// Gives a workspace its own copies of the seeded judges on its first request.
    func ensureWorkspace(_ workspace: Workspace) throws {
        try workspaces.ensureMaterialized(workspace.id) { try store.materializeWorkspace(workspace, judges: fixtures.judges) }
    }

    /// After a reset of the store: the workspaces are materialised again on their next request.
    func forgetWorkspaces(_ id: String? = nil) { workspaces.forget(id) }

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
            settleMemory()
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
            settleMemory()
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

    /// Gives back what start-up used and no longer needs: the writer's page cache and the
    /// allocator's free memory (parsed fixtures, statement buffers).
    private func settleMemory() {
        store.pool.shrinkWriterMemory()
        _ = malloc_trim(0)
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
        guard try snapshots.restore(name, store: store) else { return false }
        forgetWorkspaces()
        return true
    }

    func resetWorkspace(_ workspace: Workspace) throws {
        tasks.waitUntilIdle(timeout: 10)
        try store.resetWorkspace(workspace.id)
        forgetWorkspaces(workspace.id)
        tasks.setPace(nil, for: workspace.id)
    }
}

/// Builds the application the binary runs; tests call it with their own configuration.
public func buildApplication(_ configuration: EmulatorConfiguration, logger: Logger) throws -> EmulatorApplication {
    try EmulatorApplication(configuration: configuration, logger: logger)
}

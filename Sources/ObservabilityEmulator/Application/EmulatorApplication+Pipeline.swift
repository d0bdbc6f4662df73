import EmulatorHTTP
import EmulatorJSON
import EmulatorStore
import Foundation
import Logging

/// The request pipeline: route and guard, faults, where a request runs, the handler, and the
/// one place an error becomes a response.
extension EmulatorApplication {
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
            directive = faults.match(method: request.method, path: request.path, workspaceID: caller?.workspace.id)
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
            } catch let error as QueryError {
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
}

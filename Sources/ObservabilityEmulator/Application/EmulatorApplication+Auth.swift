import EmulatorHTTP
import Foundation

/// Who is calling: the Bearer token, the admin token of control routes, content types, and the
/// workspace a token names.
extension EmulatorApplication {
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
}

import EmulatorHTTP
import EmulatorJSON

/// One routed request as a handler sees it: the request, its path parameters, the caller's
/// workspace (for `/v1` routes) and the application.
struct Call {
    let request: HTTPRequest
    let parameters: [String: String]
    let workspace: Workspace
    /// False on control-plane calls made without a Bearer token.
    let hasBearer: Bool
    let app: EmulatorApplication
    /// The query string, decoded once (handlers look several parameters up).
    let queryItems: [(name: String, value: String)]

    init(request: HTTPRequest, parameters: [String: String], workspace: Workspace, hasBearer: Bool, app: EmulatorApplication) {
        self.request = request
        self.parameters = parameters
        self.workspace = workspace
        self.hasBearer = hasBearer
        self.app = app
        queryItems = request.queryItems
    }

    var store: ObservabilityStore { app.store }

    /// Control-plane routes that act on the Bearer token's workspace: 401 saying `why` without a
    /// token. (A token `--api-key` does not accept never reaches a handler: `authenticate` refuses it.)
    func requireBearer(_ why: String) throws {
        guard hasBearer else { throw APIError.unauthorized(why) }
    }

    /// A path id that must be a UUID: malformed is 422, as for a `format: uuid` parameter.
    func pathID(_ name: String) throws -> String {
        let value = parameters[name] ?? ""
        guard UUIDText.isValid(value) else {
            throw APIError.validation("\(name): '\(value.prefix(64))' is not a valid UUID")
        }
        // Valid means ASCII: lower-case only when needed, without Unicode case mapping.
        return value.utf8.contains(where: { $0 >= 65 && $0 <= 70 }) ? value.lowercased() : value
    }

    func body() throws -> BodyReader { try BodyReader.parse(request.body) }

    /// The body as JSON, which must be there: empty is a 422 saying what was expected
    /// (`what`), as is a body that is not JSON.
    func requiredJSON(_ what: String) throws -> JSON {
        guard !request.body.isEmpty else { throw APIError.validation("body: \(what) is required") }
        do { return try JSON.parse(request.body) } catch let error as JSONParseError {
            throw APIError.validation("body: invalid JSON: \(error)")
        }
    }

    func query(_ name: String) -> String? { queryItems.last(where: { $0.name == name })?.value }

    func queryAll(_ name: String) -> [String] { queryItems.filter { $0.name == name }.map(\.value) }

    /// An integer query parameter within bounds, 422 otherwise.
    func queryInt(_ name: String, default defaultValue: Int, min: Int? = nil, max: Int? = nil) throws -> Int {
        guard let text = query(name) else { return defaultValue }
        guard let value = Int(text) else { throw APIError.validation("\(name): expected an integer, got '\(text.prefix(32))'") }
        if let min, value < min { throw APIError.validation("\(name): must be at least \(min) (got \(value))") }
        if let max, value > max { throw APIError.validation("\(name): must be at most \(max) (got \(value))") }
        return value
    }

    /// `page` (≥1, default 1) and `page_size` (0–100, default 50).
    func pageParameters() throws -> PageRequest {
        PageRequest(page: try queryInt("page", default: 1, min: 1), size: try queryInt("page_size", default: 50, min: 0, max: 100))
    }

    /// `http://<Host>`, for absolute `next`/`previous` links and export URLs: the Host when the
    /// Host rules allow it and it has a host name's syntax, the bound address otherwise.
    var baseURL: String {
        if let host = request.header(HTTPHeader.host), app.requestGuard.isSafeForLinks(host: host) { return "http://" + host }
        let bound = app.configuration.host
        let name = bound == "0.0.0.0" || bound.isEmpty ? "127.0.0.1" : (bound == "::" ? "[::1]" : (bound.contains(":") ? "[\(bound)]" : bound))
        return "http://\(name):\(app.boundPort)"
    }

    /// `{count, results, next, previous}` with absolute links to the neighbouring pages.
    func paginated(count: Int, results: [JSON], page: PageRequest) -> JSON {
        func link(_ target: Int) -> JSON {
            var items = queryItems.filter { $0.name != "page" && $0.name != "page_size" }
            items.append(("page_size", String(page.size)))
            items.append(("page", String(target)))
            let query = items.map { PercentDecoding.encode($0.name) + "=" + PercentDecoding.encode($0.value) }.joined(separator: "&")
            return .string(baseURL + request.path + "?" + query)
        }
        // A page past the end links back to the last page that has rows.
        let hasPrevious = page.page > 1 && page.size > 0
        return .object(JSONObject([
            ("count", .int(Int64(count))),
            ("results", .array(results)),
            ("next", page.hasNext(count: count) ? link(page.page + 1) : .null),
            ("previous", hasPrevious ? link(min(page.page - 1, page.lastPage(count: count))) : .null),
        ]))
    }
}

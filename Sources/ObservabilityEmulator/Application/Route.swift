import EmulatorHTTP

/// One operation the emulator serves, declared once: method, path template, the OpenAPI
/// `operationId`, who may call it, where it runs, and its handler. `RouteTable` lists them all;
/// a test holds that list against the served OpenAPI document.
struct Route: Sendable {
    /// Who may call a route.
    enum Access: Sendable {
        /// `/v1/...`: a Bearer token, which names the caller's workspace.
        case api
        /// `/__emulator/...`: open unless `--admin-token` is set; a Bearer token, when sent,
        /// names the workspace the call acts on.
        case control
        /// No credentials: the token in the path is the secret (export downloads).
        case open
    }

    /// Where the handler runs.
    enum Execution: Sendable {
        /// On the event loop that read the request: reads of one resource or one small page
        /// through the reader pool, cheap enough not to hold up the loop's other connections.
        case loop
        /// On the handler pool: writes (which wait for the writer), searches and judging (which
        /// can run a regular expression for up to its budget), exports, anything that can wait.
        case pool
    }

    /// What the body of a request is.
    enum Body: Sendable {
        /// JSON (or JSON lines): a body needs a JSON `Content-Type`, or 415.
        case json
        /// The handler reads the type itself (OTLP protobuf or JSON, multipart uploads).
        case raw
    }

    let method: String
    let path: String
    let operationID: String
    let access: Access
    let execution: Execution
    let handler: @Sendable (Call) throws -> HTTPResponseBox
    private(set) var body: Body = .json

    init(_ method: String, _ path: String, _ operationID: String, _ access: Access, _ execution: Execution,
         _ handler: @escaping @Sendable (Call) throws -> HTTPResponseBox) {
        self.method = method
        self.path = path
        self.operationID = operationID
        self.access = access
        self.execution = execution
        self.handler = handler
    }

    var runsOnLoop: Bool { execution == .loop }

    /// The same route, reading a body of its own type.
    var readingRawBody: Route {
        var route = self
        route.body = .raw
        return route
    }
}

import Foundation
import EmulatorHTTP

/// Keeps web pages out of an emulator that runs beside the developer's browser, as development
/// servers do (Vite's `server.allowedHosts`, webpack-dev-server, Jupyter):
///
/// - **Host** (DNS rebinding): on a loopback bind only `localhost`, `127.0.0.1` and `[::1]` (any
///   port) and the `--allowed-host` names are served; a page on `evil.example` that rebinds its
///   name to 127.0.0.1 sends `Host: evil.example` and is refused. On a wildcard bind (`0.0.0.0`,
///   containers, where compose service names must work) any Host is served unless
///   `--allowed-host` is given.
/// - **Origin** (cross-site requests): a request that can change state (anything but GET, HEAD
///   and OPTIONS) whose `Origin` is neither the emulator's own nor a `--cors-origin` is refused,
///   so a page cannot reset the emulator or write to it with a CORS "simple request".
/// - **CORS** is off unless `--cors-origin` names origins; then those get the CORS headers and
///   their preflights are answered.
///
/// The JSON content-type rule (415 for a form or `text/plain` body) lives with the route, in
/// `EmulatorApplication.checkContentType`, since only the route knows what it reads.
struct RequestGuard: Sendable {
    /// `--allowed-host` entries, lower-cased: a name, `.example.com` for the name and its
    /// subdomains, or `*` for any.
    let allowedHosts: [String]
    /// `--cors-origin` entries, lower-cased, without a trailing slash; `*` for any origin.
    let corsOrigins: [String]
    /// Whether the bind address is a wildcard one, where any Host is served unless
    /// `--allowed-host` narrows it.
    let wildcardBind: Bool

    init(bindHost: String, allowedHosts: [String], corsOrigins: [String]) {
        self.allowedHosts = allowedHosts.map { $0.lowercased() }
        self.corsOrigins = corsOrigins.map { Self.normalizedOrigin($0) }
        wildcardBind = bindHost == "0.0.0.0" || bindHost == "::" || bindHost == "[::]" || bindHost.isEmpty
    }

    /// What a request may do.
    enum Verdict {
        /// Serve it; add CORS headers for this origin when non-nil.
        case serve(corsOrigin: String?)
        /// Answer this at once (a preflight's answer).
        case answer(HTTPResponse)
        /// Refuse it with this error (403), in the route's error format.
        case refuse(APIError)
    }

    static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    /// The CORS request headers a preflight may ask for.
    static let allowedRequestHeaders = "Authorization, Content-Type, Content-Encoding, Accept, X-Emulator-Admin-Token, X-Emulator-Fault"
    static let exposedHeaders = "Retry-After, Content-Disposition, X-Emulator-Request-Id"

    func check(_ request: HTTPRequest, allowedMethods: () -> [String]) -> Verdict {
        let host = request.header(HTTPHeader.host)
        if let host, !isAllowed(host: host) {
            return .refuse(APIError(403, "HOST_NOT_ALLOWED",
                "Host '\(host.prefix(100))' is not served: only localhost, 127.0.0.1 and [::1] are, on a loopback address. Start the emulator with --allowed-host \(Self.name(of: host).prefix(100)) (or bind 0.0.0.0) to serve it. This protects against DNS rebinding."))
        }
        let origin = request.header(HTTPHeader.origin)
        let cors = origin.flatMap { corsOrigin(for: $0) }
        // A preflight: answered here, with the CORS headers for a --cors-origin, 403 otherwise.
        if request.method == "OPTIONS", let origin, request.header(HTTPHeader.accessControlRequestMethod) != nil {
            guard let cors else {
                return .refuse(APIError(403, "ORIGIN_NOT_ALLOWED", "cross-origin requests from '\(origin.prefix(100))' are not allowed; start the emulator with --cors-origin \(origin.prefix(100)) to allow them"))
            }
            var response = HTTPResponse(status: 204)
            response.headers = Self.corsHeaders(cors) + [
                ("Access-Control-Allow-Methods", allowedMethods().joined(separator: ", ")),
                ("Access-Control-Allow-Headers", request.header(HTTPHeader.accessControlRequestHeaders) ?? Self.allowedRequestHeaders),
                ("Access-Control-Max-Age", "600"),
            ]
            return .answer(response)
        }
        if let origin, cors == nil, Self.changesState(request.method), !isSameOrigin(origin, host: host) {
            return .refuse(APIError(403, "ORIGIN_NOT_ALLOWED",
                "a \(request.method) from the web page at '\(origin.prefix(100))' is refused: the emulator accepts state-changing requests only from its own origin or a --cors-origin (start it with --cors-origin \(origin.prefix(100)) to allow that page)"))
        }
        return .serve(corsOrigin: cors)
    }

    /// GET, HEAD and OPTIONS change nothing; a browser cannot read their cross-origin answers
    /// without CORS headers.
    static func changesState(_ method: String) -> Bool { method != "GET" && method != "HEAD" && method != "OPTIONS" }

    func isAllowed(host value: String) -> Bool {
        let name = Self.name(of: value)
        if Self.loopbackNames.contains(name) { return true }
        if allowedHosts.isEmpty { return wildcardBind }
        for entry in allowedHosts {
            if entry == "*" || entry == name { return true }
            if entry.hasPrefix("."), name == entry.dropFirst() || name.hasSuffix(entry) { return true }
        }
        return false
    }

    /// Whether a Host may be written into a link the emulator builds: allowed, and of a host
    /// name's syntax (letters, digits, `-`, `.`, `_`, an IPv6 literal, a port), so that a Host
    /// nobody checked (a wildcard bind) cannot put a path or a script into a `next` link.
    func isSafeForLinks(host value: String) -> Bool {
        guard isAllowed(host: value), !value.isEmpty, value.utf8.count <= 255 else { return false }
        return value.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
                || c == UInt8(ascii: ":") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
        }
    }

    /// The host part of a Host value, lower-cased, without its port (`[::1]:8080` → `[::1]`).
    static func name(of host: String) -> String {
        let lowered = host.lowercased()
        if lowered.hasPrefix("[") {
            if let close = lowered.firstIndex(of: "]") { return String(lowered[...close]) }
            return lowered
        }
        if let colon = lowered.lastIndex(of: ":") { return String(lowered[..<colon]) }
        return lowered
    }

    /// The origin to answer with CORS headers, when `--cors-origin` allows it.
    func corsOrigin(for origin: String) -> String? {
        guard !corsOrigins.isEmpty else { return nil }
        let normalized = Self.normalizedOrigin(origin)
        if corsOrigins.contains("*") || corsOrigins.contains(normalized) { return origin }
        return nil
    }

    /// The console's own requests: `Origin` is the scheme and Host the page was loaded from.
    func isSameOrigin(_ origin: String, host: String?) -> Bool {
        guard let host else { return false }
        let normalized = Self.normalizedOrigin(origin)
        return normalized == "http://" + host.lowercased() || normalized == "https://" + host.lowercased()
    }

    static func normalizedOrigin(_ origin: String) -> String {
        var text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    static func corsHeaders(_ origin: String) -> [(String, String)] {
        [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"), ("Access-Control-Expose-Headers", exposedHeaders)]
    }
}

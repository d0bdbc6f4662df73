/// Matches a method and path against templates such as `/v1/observability/judges/{judge_id}`.
///
/// Literal segments beat parameters (`/dataset-records/bulk-delete` before
/// `/dataset-records/{id}`); a path that matches with another method gives the allowed methods
/// for a 405. `HEAD` is served by the `GET` route.
public struct Router<Route> {
    public enum Match {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// The matching itself is not generic, so it runs specialised from any module.
    private var table = RouteTable()
    private var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: String, _ template: String, _ route: Route) {
        table.add(method: method, template: template, routeIndex: routes.count)
        routes.append(route)
    }

    public func match(method: String, path: String) -> Match {
        switch table.match(method: method, path: path) {
        case .found(let index, let parameters): return .found(routes[index], parameters: parameters)
        case .methodNotAllowed(let allowed): return .methodNotAllowed(allowed: allowed)
        case .notFound: return .notFound
        }
    }
}

/// Route templates as segment lists, most literal segments first.
struct RouteTable {
    enum Match {
        case found(Int, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    struct Entry {
        let method: String
        /// One element per path segment: the literal, or nil for a parameter.
        let literals: [String?]
        let parameterNames: [String?]
        let literalCount: Int
        let routeIndex: Int
    }

    private var entries: [Entry] = []

    mutating func add(method: String, template: String, routeIndex: Int) {
        var literals: [String?] = []
        var names: [String?] = []
        for part in template.split(separator: "/", omittingEmptySubsequences: true) {
            if part.hasPrefix("{") && part.hasSuffix("}") {
                literals.append(nil)
                names.append(String(part.dropFirst().dropLast()))
            } else {
                literals.append(String(part))
                names.append(nil)
            }
        }
        let entry = Entry(method: method, literals: literals, parameterNames: names,
                          literalCount: literals.filter { $0 != nil }.count, routeIndex: routeIndex)
        // Most literal segments first, so the first match is the most specific one; among
        // equals, registration order.
        let position = entries.firstIndex { $0.literalCount < entry.literalCount } ?? entries.count
        entries.insert(entry, at: position)
    }

    func match(method: String, path: String) -> Match {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if !segments.isEmpty && segments[0].isEmpty { segments.removeFirst() }
        // A trailing slash is not a different resource, but empty inner segments are not valid.
        if segments.count > 1 && segments[segments.count - 1].isEmpty { segments.removeLast() }
        let lookupMethod = method == "HEAD" ? "GET" : method
        var allowed: [String] = []
        for entry in entries where entry.literals.count == segments.count && Self.literalsMatch(entry.literals, segments) {
            if entry.method == lookupMethod {
                return .found(entry.routeIndex, parameters: Self.parameters(entry.parameterNames, segments))
            }
            if !allowed.contains(entry.method) { allowed.append(entry.method) }
        }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed: allowed.sorted())
    }

    /// Compares literal segments only, allocating nothing: most templates fail here.
    private static func literalsMatch(_ literals: [String?], _ segments: [Substring]) -> Bool {
        var index = 0
        while index < literals.count {
            if let literal = literals[index] {
                if segments[index] != literal { return false }
            } else if segments[index].isEmpty {
                return false
            }
            index += 1
        }
        return true
    }

    private static func parameters(_ names: [String?], _ segments: [Substring]) -> [String: String] {
        var parameters: [String: String] = [:]
        for index in names.indices {
            guard let name = names[index] else { continue }
            let part = segments[index]
            parameters[name] = part.utf8.contains(UInt8(ascii: "%")) ? PercentDecoding.decode(part) : String(part)
        }
        return parameters
    }
}

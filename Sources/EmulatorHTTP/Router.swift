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

    struct Entry {
        let method: String
        let segments: [Segment]
        let route: Route
        let literalCount: Int

        init(method: String, segments: [Segment], route: Route) {
            self.method = method
            self.segments = segments
            self.route = route
            literalCount = segments.filter { if case .literal = $0 { return true }; return false }.count
        }
    }

    enum Segment: Equatable {
        case literal(String)
        case parameter(String)
    }

    private var entries: [Entry] = []

    public init() {}

    public mutating func add(_ method: String, _ template: String, _ route: Route) {
        let segments = template.split(separator: "/", omittingEmptySubsequences: true).map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
        // Most literal segments first, so the first match is the most specific one; among equals,
        // registration order.
        let entry = Entry(method: method, segments: segments, route: route)
        let position = entries.firstIndex { $0.literalCount < entry.literalCount } ?? entries.count
        entries.insert(entry, at: position)
    }

    public func match(method: String, path: String) -> Match {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        // A trailing slash is not a different resource, but empty inner segments are not valid.
        var segments = Array(parts)
        if segments.last == "" && segments.count > 1 { segments.removeLast() }
        let lookupMethod = method == "HEAD" ? "GET" : method
        var allowed: [String] = []
        for entry in entries {
            guard let parameters = bind(entry.segments, to: segments) else { continue }
            if entry.method == lookupMethod { return .found(entry.route, parameters: parameters) }
            if !allowed.contains(entry.method) { allowed.append(entry.method) }
        }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed: allowed.sorted())
    }

    private func bind(_ template: [Segment], to segments: [Substring]) -> [String: String]? {
        guard template.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(template, segments) {
            switch segment {
            case .literal(let literal):
                if part != literal { return nil }
            case .parameter(let name):
                if part.isEmpty { return nil }
                parameters[name] = PercentDecoding.decode(part)
            }
        }
        return parameters
    }
}

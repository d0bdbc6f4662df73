/// Matches a method and path against templates such as `/v1/observability/judges/{judge_id}`.
///
/// Literal segments beat parameters (`/dataset-records/bulk-delete` before
/// `/dataset-records/{id}`); a path that matches with another method gives the allowed methods
/// for a 405. `HEAD` is served by the `GET` route.
public struct Router<Route: Sendable>: Sendable {
    public enum Match: Sendable {
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
struct RouteTable: Sendable {
    enum Match: Sendable {
        case found(Int, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    struct Entry: Sendable {
        let method: String
        /// One element per path segment: the literal's bytes, or nil for a parameter.
        let literals: [[UInt8]?]
        let parameterNames: [String?]
        let literalCount: Int
        let routeIndex: Int
    }

    private var entries: [Entry] = []

    mutating func add(method: String, template: String, routeIndex: Int) {
        var literals: [[UInt8]?] = []
        var names: [String?] = []
        for part in template.split(separator: "/", omittingEmptySubsequences: true) {
            if part.hasPrefix("{") && part.hasSuffix("}") {
                literals.append(nil)
                names.append(String(part.dropFirst().dropLast()))
            } else {
                literals.append(Array(part.utf8))
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
        var path = path
        return path.withUTF8 { match(method: method, bytes: $0) }
    }

    /// Works on the path's bytes: segment boundaries go in a stack buffer and literals are
    /// compared in place, so a request that matches allocates only its parameters.
    private func match(method: String, bytes: UnsafeBufferPointer<UInt8>) -> Match {
        let slash = UInt8(ascii: "/")
        let maxSegments = bytes.reduce(1) { $1 == slash ? $0 + 1 : $0 }
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maxSegments) { buffer -> Match in
            // Same segments as splitting on "/": a leading slash opens no segment, a trailing
            // one (after at least one segment) is not a different resource.
            var count = 0
            var start = bytes.first == slash ? 1 : 0
            var index = start
            while index <= bytes.count {
                if index == bytes.count || bytes[index] == slash {
                    buffer[count] = start..<index
                    count += 1
                    start = index + 1
                }
                index += 1
            }
            if count > 1 && buffer[count - 1].isEmpty { count -= 1 }
            let segments = UnsafeBufferPointer(rebasing: buffer[0..<count])
            let lookupMethod = method == "HEAD" ? "GET" : method
            var allowed: [String] = []
            for entry in entries where entry.literals.count == count && Self.literalsMatch(entry.literals, segments, bytes) {
                if entry.method == lookupMethod {
                    return .found(entry.routeIndex, parameters: Self.parameters(entry.parameterNames, segments, bytes))
                }
                if !allowed.contains(entry.method) { allowed.append(entry.method) }
            }
            if allowed.isEmpty { return .notFound }
            if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
            return .methodNotAllowed(allowed: allowed.sorted())
        }
    }

    /// Compares literal segments only, allocating nothing: most templates fail here.
    private static func literalsMatch(_ literals: [[UInt8]?], _ segments: UnsafeBufferPointer<Range<Int>>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < literals.count {
            let range = segments[index]
            if let literal = literals[index] {
                guard literal.count == range.count else { return false }
                var offset = 0
                while offset < literal.count {
                    if literal[offset] != bytes[range.lowerBound + offset] { return false }
                    offset += 1
                }
            } else if range.isEmpty {
                return false
            }
            index += 1
        }
        return true
    }

    private static func parameters(_ names: [String?], _ segments: UnsafeBufferPointer<Range<Int>>, _ bytes: UnsafeBufferPointer<UInt8>) -> [String: String] {
        var parameters: [String: String] = [:]
        for index in names.indices {
            guard let name = names[index] else { continue }
            let part = UnsafeBufferPointer(rebasing: bytes[segments[index]])
            let text = String(decoding: part, as: UTF8.self)
            parameters[name] = part.contains(UInt8(ascii: "%")) ? PercentDecoding.decode(text) : text
        }
        return parameters
    }
}

import EmulatorHTTP
import EmulatorJSON
import EmulatorStore

/// One feed request: the compiled expression, the `from`/`to` window on the feed's
/// time column, the order, and where the previous page ended.
struct FeedQuery {
    var resource: TelemetryResource
    var filter: CompiledFilter
    /// Extra conditions (a trace's spans), with their arguments.
    var scope: CompiledFilter = CompiledFilter(sql: "1", arguments: [])
    var window: TimeWindow
    var descending = true
    var after: [DatabaseValue]?
    var limit: Int
    /// Span evaluations: only the newest per (trace, span, evaluation name).
    var latestOnly = false
}

/// `from` (inclusive) and `to` (exclusive), as nanoseconds.
struct TimeWindow: Equatable {
    var from: Int64?
    var to: Int64?

    /// From the query string: a malformed instant is 422 naming it, `from` after `to` 400.
    init(_ call: Call) throws {
        func instant(_ name: String) throws -> Int64? {
            guard let text = call.query(name), !text.isEmpty else { return nil }
            guard let ns = Timestamp.parseInstantNanos(text) else {
                throw APIError.validation("\(name): '\(text.prefix(64))' is not an RFC 3339 date-time (e.g. 2026-11-02T10:00:00Z)")
            }
            return ns
        }
        from = try instant("from")
        to = try instant("to")
        if let from, let to, from > to {
            throw APIError.searchBadRequest("from (\(Timestamp.formatNanos(from))) is after to (\(Timestamp.formatNanos(to)))")
        }
    }

    func sql(_ column: String, _ args: inout [DatabaseValue]) -> String {
        var parts: [String] = []
        if let from { parts.append("\(column) >= ?"); args.append(.integer(from)) }
        if let to { parts.append("\(column) < ?"); args.append(.integer(to)) }
        return parts.isEmpty ? "1" : parts.joined(separator: " AND ")
    }
}

/// Opaque, tamper-evident feed cursors: the position of the last row returned and a digest of
/// the request it belongs to, so a cursor replayed with another body or window is refused.
enum FeedCursor {
    static let key = Array("observability-emulator feed cursor v1".utf8)

    static func encode(resource: String, request: String, position: [DatabaseValue]) -> String {
        let fields = position.map { value -> String in
            switch value {
            case .integer(let n): return "i" + String(n)
            case .text(let s): return "s" + s
            default: return "n"
            }
        }
        return CursorToken.seal(Array((["f1", resource, digest(request)] + fields).joined(separator: "|").utf8), key: key)
    }

    static func decode(_ token: String, resource: String, request: String) throws -> [DatabaseValue] {
        let invalid = CursorToken.invalid
        guard let payload = CursorToken.open(token, key: key) else { throw invalid }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 4, fields[0] == "f1", fields[1] == resource else { throw invalid }
        guard fields[2] == digest(request) else {
            throw APIError.searchBadRequest("cursor: this cursor belongs to a search with another body, window or page size; start again without a cursor")
        }
        return try fields.dropFirst(3).map { field -> DatabaseValue in
            if field.hasPrefix("i"), let n = Int64(field.dropFirst()) { return .integer(n) }
            if field.hasPrefix("s") { return .text(String(field.dropFirst())) }
            throw invalid
        }
    }

    private static func digest(_ request: String) -> String { Hex.encode(Array(SHA1.hash(Array(request.utf8)).prefix(6))) }
}

/// Writes telemetry rows as the API returns them, straight from SQLite rows to JSON bytes.
struct TelemetryRenderer {
    let resource: TelemetryResource
    let tenant: TelemetryTenant

    /// The select list of the row model's stored columns, in order.
    func selectList(alias: String) -> String {
        resource.rowFields.compactMap { $0.column.map { "\(alias).\($0)" } }.joined(separator: ", ")
    }

    /// How many columns `selectList` has (extra columns follow it).
    var columnCount: Int { resource.rowFields.filter { $0.column != nil }.count }

    func write(_ row: Row, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var index = 0
        for (position, field) in resource.rowFields.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            JSON.writeString(field.name, into: &out)
            out.append(UInt8(ascii: ":"))
            switch field.storage {
            case .text:
                JSON.writeString(row.string(index), into: &out)
            case .integer:
                out.append(contentsOf: String(row.int64(index)).utf8)
            case .real:
                if row.isNull(index) { out.append(contentsOf: "null".utf8) } else { JSON.double(row.double(index)).write(into: &out) }
            case .instant:
                JSON.writeString(Timestamp.formatNanos(row.int64(index)), into: &out)
            case .array, .map:
                out.append(contentsOf: row.bytes(index))
            case .tenant(let column):
                JSON.writeString(tenant.value(column), into: &out)
                continue
            case .anySpan:
                continue
            }
            index += 1
        }
        out.append(UInt8(ascii: "}"))
    }

    func json(_ row: Row) -> [UInt8] {
        var out: [UInt8] = []
        write(row, into: &out)
        return out
    }
}

extension ObservabilityStore {
    /// One page of a feed: the rows as JSON, the position of the last one, and whether more follow.
    func telemetryFeed(_ query: FeedQuery, tenant: TelemetryTenant) throws -> (rows: [[UInt8]], last: [DatabaseValue]?, hasMore: Bool) {
        let resource = query.resource
        let renderer = TelemetryRenderer(resource: resource, tenant: tenant)
        let orderColumns = [resource.timeColumn] + resource.keyColumns
        var args: [DatabaseValue] = [.text(tenant.workspaceID)]
        var sql = "SELECT \(renderer.selectList(alias: "t")), \(orderColumns.map { "t.\($0)" }.joined(separator: ", ")) FROM \(resource.table) AS t"
        // A plain feed walks the time index newest first and stops at the page; the workspace
        // test must not tempt the planner into the (workspace, id) index and a sort of every row.
        sql += " WHERE " + (query.scope.sql == "1" ? "+" : "") + QuerySQL.visible("t")
        sql += " AND \(query.window.sql("t.\(resource.timeColumn)", &args))"
        sql += " AND \(query.scope.sql)"
        args += query.scope.arguments
        sql += " AND \(query.filter.sql)"
        args += query.filter.arguments
        if query.latestOnly {
            var latestArgs: [DatabaseValue] = [.text(tenant.workspaceID)]
            let latestWindow = query.window.sql("v2.time_ns", &latestArgs)
            sql += """
                 AND NOT EXISTS (SELECT 1 FROM span_evaluations AS v2 WHERE \(QuerySQL.visible("v2")) AND v2.trace_id = t.trace_id
                 AND v2.span_id = t.span_id AND v2.evaluation_name = t.evaluation_name AND \(latestWindow)
                 AND (v2.time_ns, v2.eval_key) > (t.time_ns, t.eval_key))
                """
            args += latestArgs
        }
        let tuple = "(" + orderColumns.map { "t.\($0)" }.joined(separator: ", ") + ")"
        if let after = query.after {
            guard after.count == orderColumns.count else {
                throw CursorToken.invalid
            }
            sql += " AND \(tuple) \(query.descending ? "<" : ">") (" + Array(repeating: "?", count: after.count).joined(separator: ", ") + ")"
            args += after
        }
        let direction = query.descending ? "DESC" : "ASC"
        sql += " ORDER BY " + orderColumns.map { "t.\($0) \(direction)" }.joined(separator: ", ") + " LIMIT ?"
        args.append(.integer(Int64(query.limit) + 1))
        return try pool.read { db in
            var rows: [[UInt8]] = []
            var positions: [[DatabaseValue]] = []
            let base = renderer.columnCount
            try db.forEach(sql, args) { row in
                rows.append(renderer.json(row))
                positions.append((0..<orderColumns.count).map { row.value(base + $0) })
            }
            let hasMore = rows.count > query.limit
            if hasMore {
                rows.removeLast()
                positions.removeLast()
            }
            return (rows, positions.last, hasMore)
        }
    }

    /// One row by a condition (a trace by id, a span by ids), the workspace's own copy first.
    func telemetryRow(_ resource: TelemetryResource, tenant: TelemetryTenant, where condition: CompiledFilter) throws -> [UInt8]? {
        let renderer = TelemetryRenderer(resource: resource, tenant: tenant)
        let sql = "SELECT \(renderer.selectList(alias: "t")) FROM \(resource.table) AS t WHERE \(QuerySQL.visible("t")) AND \(condition.sql) ORDER BY t.workspace_id DESC LIMIT 1"
        return try pool.read { db in
            try db.queryOne(sql, [DatabaseValue.text(tenant.workspaceID)] + condition.arguments) { renderer.json($0) }
        }
    }

    /// The distinct values of a field in a window, sorted, at most `limit`.
    func telemetryOptions(_ resource: TelemetryResource, column: String, tenant: TelemetryTenant, window: TimeWindow, limit: Int) throws -> [String] {
        var args: [DatabaseValue] = [.text(tenant.workspaceID)]
        let sql = "SELECT DISTINCT t.\(column) AS value FROM \(resource.table) AS t WHERE \(QuerySQL.visible("t")) AND \(window.sql("t.\(resource.timeColumn)", &args)) AND t.\(column) <> '' ORDER BY 1 LIMIT ?"
        args.append(.integer(Int64(limit)))
        return try pool.read { db in try db.query(sql, args, columns: { try $0.index(of: "value") }) { $0.string($1) } }
    }
}

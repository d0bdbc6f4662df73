import EmulatorStore

/// One page of a feed: the compiled expression, the `from`/`to` window on the feed's time
/// column, the order, and where the previous page ended.
struct FeedQuery {
    var resource: TelemetryResource
    var filter: CompiledFilter
    /// Only this trace's rows (`GET /traces/{id}/spans`).
    var traceID: String?
    var window: TimeWindow
    var descending = true
    var after: [DatabaseValue]?
    var limit: Int
    /// Span evaluations: only the newest per (trace, span, evaluation name).
    var latestOnly = false
}

/// A page of rows as the caller's renderer made them, the position of the last one (for the
/// next cursor) and whether more follow.
struct TelemetryPage<Rendered> {
    var rows: [Rendered]
    var last: [DatabaseValue]?
    var hasMore: Bool
}

/// A telemetry row while it is current, read in the order of its resource's stored fields
/// (`TelemetryResource.rowFields` without the tenant ones): what a renderer outside the store
/// reads without copying the row.
struct TelemetryRowView {
    fileprivate let row: Row

    func string(_ index: Int) -> String { row.string(index) }
    func int64(_ index: Int) -> Int64 { row.int64(index) }
    func isNull(_ index: Int) -> Bool { row.isNull(index) }
    func double(_ index: Int) -> Double { row.double(index) }
    /// The column's bytes as stored (JSON arrays and objects).
    func bytes(_ index: Int) -> [UInt8] { row.bytes(index) }
}

/// The read side of telemetry: feeds, one trace or span, options. Rows go to the caller's
/// `render` as they are read; the store writes no response bytes.
extension ObservabilityStore {
    /// One page of a feed, each row rendered by `render`.
    func telemetryPage<R>(_ query: FeedQuery, tenant: TelemetryTenant, render: (TelemetryRowView) -> R) throws -> TelemetryPage<R> {
        let resource = query.resource
        let orderColumns = [resource.timeColumn] + resource.keyColumns
        var args: [DatabaseValue] = [.text(tenant.workspaceID)]
        var sql = "SELECT \(Self.selectList(resource)), \(orderColumns.map { "t.\($0)" }.joined(separator: ", ")) FROM \(resource.table) AS t"
        // A plain feed walks the time index newest first and stops at the page; the workspace
        // test must not tempt the planner into the (workspace, id) index and a sort of every row.
        sql += " WHERE " + (query.traceID == nil ? "+" : "") + QuerySQL.visible("t")
        sql += " AND \(query.window.sql("t.\(resource.timeColumn)", &args))"
        if let traceID = query.traceID {
            sql += " AND t.trace_id = ?"
            args.append(.text(traceID))
        }
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
            sql += " AND \(tuple) \(query.descending ? "<" : ">") (" + QuerySQL.placeholders(after.count) + ")"
            args += after
        }
        let direction = query.descending ? "DESC" : "ASC"
        sql += " ORDER BY " + orderColumns.map { "t.\($0) \(direction)" }.joined(separator: ", ") + " LIMIT ?"
        args.append(.integer(Int64(query.limit) + 1))
        let base = Self.storedColumnCount(resource)
        return try pool.read { db in
            var rows: [R] = []
            var positions: [[DatabaseValue]] = []
            try db.forEach(sql, args) { row in
                rows.append(render(TelemetryRowView(row: row)))
                positions.append((0..<orderColumns.count).map { row.value(base + $0) })
            }
            let hasMore = rows.count > query.limit
            if hasMore {
                rows.removeLast()
                positions.removeLast()
            }
            return TelemetryPage(rows: rows, last: positions.last, hasMore: hasMore)
        }
    }

    /// A trace the workspace sees (its own copy first), rendered; nil when there is none.
    func trace<R>(id traceID: String, tenant: TelemetryTenant, render: (TelemetryRowView) -> R) throws -> R? {
        try telemetryRow(.traces, tenant: tenant, where: "t.trace_id = ?", [.text(traceID)], render: render)
    }

    /// Whether the workspace sees a trace.
    func traceExists(id traceID: String, tenant: TelemetryTenant) throws -> Bool {
        try trace(id: traceID, tenant: tenant) { _ in true } ?? false
    }

    /// A span of a trace, started within the window, rendered; nil when there is none.
    func span<R>(traceID: String, spanID: String, window: TimeWindow, tenant: TelemetryTenant,
                 render: (TelemetryRowView) -> R) throws -> R? {
        var args: [DatabaseValue] = [.text(traceID), .text(spanID)]
        let condition = "t.trace_id = ? AND t.span_id = ? AND " + window.sql("t.start_ns", &args)
        return try telemetryRow(.spans, tenant: tenant, where: condition, args, render: render)
    }

    private func telemetryRow<R>(_ resource: TelemetryResource, tenant: TelemetryTenant, where condition: String, _ arguments: [DatabaseValue],
                                 render: (TelemetryRowView) -> R) throws -> R? {
        let sql = "SELECT \(Self.selectList(resource)) FROM \(resource.table) AS t WHERE \(QuerySQL.visible("t")) AND \(condition) ORDER BY t.workspace_id DESC LIMIT 1"
        return try pool.read { db in
            try db.queryOne(sql, [DatabaseValue.text(tenant.workspaceID)] + arguments) { render(TelemetryRowView(row: $0)) }
        }
    }

    /// The distinct values of a stored field in a window, sorted, at most `limit`.
    func telemetryOptions(_ resource: TelemetryResource, field: TelemetryField, tenant: TelemetryTenant, window: TimeWindow, limit: Int) throws -> [String] {
        guard let column = field.column else { return [] }
        var args: [DatabaseValue] = [.text(tenant.workspaceID)]
        let sql = "SELECT DISTINCT t.\(column) AS value FROM \(resource.table) AS t WHERE \(QuerySQL.visible("t")) AND \(window.sql("t.\(resource.timeColumn)", &args)) AND t.\(column) <> '' ORDER BY 1 LIMIT ?"
        args.append(.integer(Int64(limit)))
        return try pool.read { db in try db.query(sql, args, columns: { try $0.index(of: "value") }) { $0.string($1) } }
    }

    /// The select list of a row model's stored columns, in order.
    static func selectList(_ resource: TelemetryResource) -> String {
        resource.rowFields.compactMap { $0.column.map { "t.\($0)" } }.joined(separator: ", ")
    }

    /// How many columns `selectList` has (extra columns follow it).
    static func storedColumnCount(_ resource: TelemetryResource) -> Int { resource.rowFields.filter { $0.column != nil }.count }
}

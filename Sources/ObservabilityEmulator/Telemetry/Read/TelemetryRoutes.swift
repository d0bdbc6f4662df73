import EmulatorHTTP
import EmulatorJSON

/// The read side of telemetry: feeds of traces, spans, logs and span evaluations,
/// a trace and its spans, field listings and options.
enum TelemetryRoutes {
    // MARK: Feeds

    static func searchTraces(_ call: Call) throws -> HTTPResponseBox {
        try feed(call, .traces, resultKey: "traces", path: "/v1/observability/traces/search")
    }

    static func searchSpans(_ call: Call) throws -> HTTPResponseBox {
        try feed(call, .spans, resultKey: "spans", path: "/v1/observability/spans/search")
    }

    static func searchLogs(_ call: Call) throws -> HTTPResponseBox {
        try feed(call, .logs, resultKey: "logs", path: "/v1/observability/logs/search")
    }

    static func searchEvaluations(_ call: Call) throws -> HTTPResponseBox {
        try feed(call, .evaluations, resultKey: "span_evaluations", path: "/v1/observability/spans/evaluations/search")
    }

    static func searchLatestEvaluations(_ call: Call) throws -> HTTPResponseBox {
        try feed(call, .evaluations, resultKey: "span_evaluations", path: "/v1/observability/spans/evaluations/search/latest", latestOnly: true)
    }

    /// `GET /traces/{trace_id}/spans`: the trace's spans, oldest first.
    static func traceSpans(_ call: Call) throws -> HTTPResponseBox {
        let traceID = try existingTrace(call)
        return try page(call, .spans, resultKey: "spans", path: "/v1/observability/traces/\(traceID)/spans",
                        expression: nil, order: "asc", traceID: traceID, latestOnly: false)
    }

    static func feed(_ call: Call, _ resource: TelemetryResource, resultKey: String, path: String, latestOnly: Bool = false) throws -> HTTPResponseBox {
        let body = try call.body()
        let expression = try body.string("search_expression", required: false, nullable: true)
        var order = "desc"
        if resource.name == "logs", let given = try body.string("order", required: false, nullable: false) {
            guard given == "asc" || given == "desc" else { throw APIError.validation("order: expected 'asc' or 'desc', got '\(given.prefix(20))'") }
            order = given
        }
        return try page(call, resource, resultKey: resultKey, path: path, expression: expression, order: order,
                        traceID: nil, latestOnly: latestOnly)
    }

    private static func page(_ call: Call, _ resource: TelemetryResource, resultKey: String, path: String, expression: String?,
                             order: String, traceID: String?, latestOnly: Bool) throws -> HTTPResponseBox {
        let pageSize = try call.queryInt("page_size", default: 50, min: 0, max: 100)
        let window = try TimeWindow(call)
        let tenant = TelemetryTenant(call.workspace)
        let filter = try QueryCompiler(.telemetry(resource, tenant: tenant)).compile(expression: expression)
        // What a cursor is bound to: the same expression, window, order and page size.
        let request = [expression ?? "", window.from.map(String.init) ?? "", window.to.map(String.init) ?? "", order, String(pageSize), path]
            .joined(separator: "\u{1F}")
        var query = FeedQuery(resource: resource, filter: filter, traceID: traceID, window: window, descending: order == "desc",
                              limit: pageSize, latestOnly: latestOnly)
        if let cursor = call.query("cursor"), !cursor.isEmpty {
            query.after = try FeedCursor.decode(cursor, resource: resource.name, request: request)
        }
        let renderer = TelemetryRenderer(resource: resource, tenant: tenant)
        let page = try call.store.telemetryPage(query, tenant: tenant, render: renderer.json)
        let cursor = page.hasMore ? page.last.map { FeedCursor.encode(resource: resource.name, request: request, position: $0) } : nil
        return .bytes(TelemetryRenderer.feed(page.rows, resultKey: resultKey) { out in
            TelemetryRenderer.writeFeedTail(call, path: path, pageSize: pageSize, cursor: cursor, into: &out)
        })
    }

    // MARK: One trace, one span

    static func trace(_ call: Call) throws -> HTTPResponseBox {
        let traceID = call.parameters["trace_id"] ?? ""
        let tenant = TelemetryTenant(call.workspace)
        let renderer = TelemetryRenderer(resource: .traces, tenant: tenant)
        guard let row = try call.store.trace(id: traceID.lowercased(), tenant: tenant, render: renderer.json) else {
            throw traceNotFound(traceID)
        }
        return .bytes(row)
    }

    static func span(_ call: Call) throws -> HTTPResponseBox {
        let traceID = try existingTrace(call)
        let spanID = (call.parameters["span_id"] ?? "").lowercased()
        let window = try TimeWindow(call)
        let tenant = TelemetryTenant(call.workspace)
        let renderer = TelemetryRenderer(resource: .spans, tenant: tenant)
        guard let row = try call.store.span(traceID: traceID, spanID: spanID, window: window, tenant: tenant, render: renderer.json) else {
            throw APIError.notFound("SPAN_NOT_FOUND", "span '\(spanID.prefix(64))' not found in trace \(traceID)")
        }
        return .bytes(row)
    }

    /// The path's trace id, lower-cased, when the workspace can see that trace; 404 otherwise.
    private static func existingTrace(_ call: Call) throws -> String {
        let traceID = (call.parameters["trace_id"] ?? "").lowercased()
        guard try call.store.traceExists(id: traceID, tenant: TelemetryTenant(call.workspace)) else { throw traceNotFound(traceID) }
        return traceID
    }

    private static func traceNotFound(_ traceID: String) -> APIError {
        APIError.notFound("TRACE_NOT_FOUND", "trace '\(traceID.prefix(64))' not found (trace ids are 32 lower-case hex digits)")
    }

    // MARK: Fields and options

    static func traceFields(_ call: Call) throws -> HTTPResponseBox { fields(.traces) }
    static func spanFields(_ call: Call) throws -> HTTPResponseBox { fields(.spans) }
    static func logFields(_ call: Call) throws -> HTTPResponseBox { fields(.logs) }
    static func evaluationFields(_ call: Call) throws -> HTTPResponseBox { fields(.evaluations) }

    static func fields(_ resource: TelemetryResource) -> HTTPResponseBox {
        let definitions: [JSON] = resource.fields.map { field in
            .object(JSONObject([
                ("name", .string(field.name)), ("label", .string(field.label)), ("type", .string(field.type.rawValue)),
                ("group", .string(field.group)),
                ("supported_operators", .array(field.type.searchOperators.map(JSON.string))),
                ("supported_aggregations", .array(field.type.aggregations.map(JSON.string))),
                ("source_attribute_key", field.sourceAttributeKey.map(JSON.string) ?? .null),
            ]))
        }
        return .json(["field_definitions": .array(definitions)])
    }

    static func traceOptions(_ call: Call) throws -> HTTPResponseBox { try options(call, .traces) }
    static func spanOptions(_ call: Call) throws -> HTTPResponseBox { try options(call, .spans) }
    static func logOptions(_ call: Call) throws -> HTTPResponseBox { try options(call, .logs) }
    static func evaluationOptions(_ call: Call) throws -> HTTPResponseBox { try options(call, .evaluations) }

    static func options(_ call: Call, _ resource: TelemetryResource) throws -> HTTPResponseBox {
        let name = call.parameters["field_name"] ?? ""
        guard let field = resource.field(name) else {
            throw APIError.notFound("FIELDS_NOT_FOUND", "field_name: unknown field '\(name.prefix(100))'; the fields are listed by \(resource.fieldsPath)")
        }
        guard field.type == .ENUM, field.column != nil else {
            throw APIError(400, "FIELDS_BAD_REQUEST", "field_name: \(name) is \(field.type.rawValue); options are listed for ENUM fields only")
        }
        let window = try TimeWindow(call)
        let values = try call.store.telemetryOptions(resource, field: field, tenant: TelemetryTenant(call.workspace), window: window, limit: 1000)
        return .json(["options": .array(values.map(JSON.string))])
    }
}

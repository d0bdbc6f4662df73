import EmulatorJSON
import EmulatorStore

/// A workspace's telemetry and events as files another emulator (or Phoenix, Langfuse, a
/// script) reads back: spans as OTLP JSON lines, one `ExportTraceServiceRequest` per trace,
/// which `POST /telemetry/v1/traces` takes line by line; events as JSON lines in the shape
/// `POST /__emulator/events` takes. Attribute values are strings, as the store keeps them.
extension ObservabilityStore {
    /// One OTLP JSON line per trace of the workspace (seeded traces are not its own), in the
    /// order of the traces' first span.
    func exportSpans(workspaceID: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var currentTrace = ""
        var spans: [JSON] = []
        func flush() {
            guard !spans.isEmpty else { return }
            JSON.object(JSONObject([("resourceSpans", .array(spans))])).write(into: &out)
            out.append(UInt8(ascii: "\n"))
            spans.removeAll(keepingCapacity: true)
        }
        try pool.read { db in
            try db.forEach("""
                SELECT s.trace_id, s.span_id, s.parent_span_id, s.trace_state, s.span_name, s.span_kind, s.start_ns, s.end_ns,
                    s.status_code, s.status_message, s.resource_attributes, s.span_attributes, s.scope_name, s.scope_version
                FROM spans AS s JOIN traces AS t ON t.workspace_id = s.workspace_id AND t.trace_id = s.trace_id
                WHERE s.workspace_id = ? ORDER BY t.start_ns, t.trace_id, s.start_ns, s.span_id
                """, [workspaceID]) { row in
                let traceID = try row.string("trace_id")
                if traceID != currentTrace { flush(); currentTrace = traceID }
                spans.append(try Self.resourceSpan(row))
            }
        }
        flush()
        return out
    }

    /// One span with its resource and scope, in OTLP JSON.
    private static func resourceSpan(_ row: Row) throws -> JSON {
        var span = JSONObject([("traceId", .string(try row.string("trace_id"))), ("spanId", .string(try row.string("span_id")))])
        let parent = try row.string("parent_span_id")
        if !parent.isEmpty { span["parentSpanId"] = .string(parent) }
        let state = try row.string("trace_state")
        if !state.isEmpty { span["traceState"] = .string(state) }
        span["name"] = .string(try row.string("span_name"))
        span["kind"] = .int(Int64(SpanDraft.kindNames.firstIndex(of: try row.string("span_kind")) ?? 0))
        span["startTimeUnixNano"] = .string(String(try row.int64("start_ns")))
        span["endTimeUnixNano"] = .string(String(try row.int64("end_ns")))
        span["attributes"] = attributes(try row.string("span_attributes"))
        var status = JSONObject([("code", .int(Int64(SpanDraft.statusNames.firstIndex(of: try row.string("status_code")) ?? 0)))])
        let message = try row.string("status_message")
        if !message.isEmpty { status["message"] = .string(message) }
        span["status"] = .object(status)
        let scope = JSONObject([("name", .string(try row.string("scope_name"))), ("version", .string(try row.string("scope_version")))])
        return .object(JSONObject([
            ("resource", .object(JSONObject([("attributes", attributes(try row.string("resource_attributes")))]))),
            ("scopeSpans", .array([.object(JSONObject([("scope", .object(scope)), ("spans", .array([.object(span)]))]))])),
        ]))
    }

    /// A stored attribute object (`{"key": "value"}`) as OTLP `KeyValue`s of string values.
    private static func attributes(_ text: String) -> JSON {
        guard case .object(let object)? = try? JSON.parse(text) else { return .array([]) }
        return .array(object.map { key, value in
            .object(JSONObject([("key", .string(key)), ("value", .object(JSONObject([("stringValue", .string(value.stringValue ?? value.text))])))]))
        })
    }

    /// The workspace's own events (not the seeded ones), oldest first, each its full
    /// `ChatCompletionEvent` JSON on one line.
    func exportEvents(workspaceID: String) throws -> [UInt8] {
        let ids = try pool.read { db in
            try db.query("SELECT event_id FROM events WHERE workspace_id = ? ORDER BY created_ms, event_id", [workspaceID]) { try $0.string("event_id") }
        }
        var out: [UInt8] = []
        for id in ids {
            guard let detail = try eventDetail(eventID: id, workspaceID: workspaceID), case .object(var event) = try JSON.parse(detail) else { continue }
            event["extra_fields"] = event["extra_fields"].map(Self.loadableExtraFields)
            JSON.object(event).write(into: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The detail lists metadata as `metadata.<key>` entries of `extra_fields`; the loader takes
    /// them as one `metadata` object, as they were sent.
    private static func loadableExtraFields(_ extra: JSON) -> JSON {
        guard case .object(let fields) = extra else { return extra }
        var out = JSONObject(), metadata = JSONObject()
        for (key, value) in fields {
            if key.hasPrefix("metadata.") { metadata[String(key.dropFirst("metadata.".count))] = value } else { out[key] = value }
        }
        if !metadata.isEmpty { out["metadata"] = .object(metadata) }
        return .object(out)
    }
}

import EmulatorHTTP
import EmulatorJSON
import Foundation

/// `/__emulator/...`: the control plane for tests (health, reset, ingestion, journal, faults,
/// task pace, the OpenAPI document). Not part of Mistral's API.
enum ControlRoutes {
    static func health(_ call: Call) throws -> HTTPResponseBox {
        let app = call.app
        let events = try call.store.eventCount()
        let storage = app.storage.snapshot
        let held = try call.store.retentionCounts()
        let limits = call.store.retention
        return .json(.object(JSONObject([
            ("status", storage.degraded ? "degraded" : "ok"),
            ("storage", .object(JSONObject([
                ("writable", .bool(!storage.degraded)), ("failures", .int(Int64(storage.failures))),
                ("last_error", .string(storage.lastError)),
            ]))),
            ("retention", .object(JSONObject([
                ("max_spans", .int(Int64(limits.maxSpans))), ("max_events", .int(Int64(limits.maxEvents))),
                ("spans", .int(held.spans)), ("events", .int(held.events)),
                ("evicted_spans", .int(held.evictedSpans)), ("evicted_traces", .int(held.evictedTraces)),
                ("evicted_events", .int(held.evictedEvents)),
            ]))),
            ("version", .string(EmulatorConfiguration.version)),
            ("uptime_s", .double((Date().timeIntervalSince(app.startedAt) * 1000).rounded() / 1000)),
            ("events", .int(Int64(events))), ("fixture_events", .int(Int64(app.fixtures.eventCount))),
            ("fixture_judges", .int(Int64(app.fixtures.judges.count))),
            ("fixture_spans", .int(Int64(app.fixtures.telemetry.spans))), ("fixture_logs", .int(Int64(app.fixtures.telemetry.logs))),
            ("otlp_metrics_received", .int(Int64(call.store.metricsReceived.withLock { $0 }))),
            ("fixtures_directory", .string(app.fixtures.directory)),
            ("open_connections", .int(Int64(app.openConnections))),
            ("search_index", .string(call.store.searchIndexGate.wait(timeout: .now()) == .success ? (call.store.searchIndexError.withLock { $0 } == nil && call.store.textIndexer.lastError.withLock { $0 } == nil ? "ready" : "failed") : "building")),
            ("database", .string(app.configuration.databasePath ?? "ephemeral")),
            ("task_pace", .string(app.configuration.taskPace.description)),
        ])))
    }

    static func reset(_ call: Call) throws -> HTTPResponseBox {
        var scope = "all"
        if !call.request.body.isEmpty {
            let body = try call.body()
            scope = try body.string("scope", required: false, nullable: true) ?? "all"
        }
        switch scope {
        case "all":
            try call.app.resetAll()
        case "workspace":
            try call.requireBearer("scope 'workspace' needs the workspace's 'Authorization: Bearer <token>'")
            try call.app.resetWorkspace(call.workspace)
        default:
            throw APIError.validation("scope: '\(scope.prefix(40))' is not one of all, workspace")
        }
        return .noContent
    }

    /// One event, an array of events, or JSONL; all stored or none.
    static func ingest(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer("ingested events belong to a workspace: send 'Authorization: Bearer <token>'")
        let app = call.app
        let contentType = call.request.header(HTTPHeader.contentType)?.lowercased() ?? ""
        var items: [(JSON, String)] = []
        if contentType.contains("ndjson") || contentType.contains("jsonl") {
            var lineNumber = 0
            for line in call.request.body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                do { items.append((try JSON.parse(Array(line)), "line \(lineNumber)")) } catch let error as JSONParseError {
                    throw APIError.validation("line \(lineNumber): invalid JSON: \(error)")
                }
            }
        } else {
            guard !call.request.body.isEmpty else { throw APIError.validation("body: an event object, an array of events or JSONL is required") }
            let value: JSON
            do { value = try JSON.parse(call.request.body) } catch let error as JSONParseError {
                throw APIError.validation("body: invalid JSON: \(error)")
            }
            if case .array(let array) = value {
                items = array.enumerated().map { ($0.element, "[\($0.offset)]") }
            } else {
                items = [(value, "")]
            }
        }
        if items.isEmpty { throw APIError.validation("body: no events to ingest") }
        if items.count > 10_000 { throw APIError(413, nil, "at most 10000 events per request (got \(items.count))") }
        try app.ensureWorkspace(call.workspace)
        var seen = Set<String>()
        let drafts = try items.map { value, path -> EventDraft in
            let draft = try EventDraft.make(from: value, path: path, makeID: { app.ids.next() }, nowMs: { app.clock.nowMs() })
            guard seen.insert(draft.eventID).inserted else {
                throw APIError.validation("\(path.isEmpty ? "" : path + ".")event_id: \(draft.eventID) appears twice in this batch")
            }
            return draft
        }
        try call.store.insertEvents(drafts, workspaceID: call.workspace.id, seeded: false)
        return .json(["event_ids": .array(drafts.map { .string($0.eventID) })], status: 201)
    }

    static func requests(_ call: Call) throws -> HTTPResponseBox {
        let limit = try call.queryInt("limit", default: 100, min: 1, max: 100_000)
        let method = call.query("method")?.uppercased()
        let prefix = call.query("path_prefix")
        let status = try call.query("status").map { text -> Int in
            guard let code = Int(text) else { throw APIError.validation("status: expected an integer, got '\(text.prefix(20))'") }
            return code
        }
        let workspaceID = call.query("workspace_id")
        let entries = call.app.journal.snapshot().filter { entry in
            (method == nil || entry.method == method) && (prefix == nil || entry.path.hasPrefix(prefix!))
                && (status == nil || entry.status == status) && (workspaceID == nil || entry.workspaceID == workspaceID)
        }.prefix(limit)
        let items: [JSON] = entries.map { entry in
            var object = JSONObject([
                ("id", .int(entry.id)), ("time", .string(entry.time)), ("method", .string(entry.method)), ("path", .string(entry.path)),
                ("query", .string(entry.query)), ("status", .int(Int64(entry.status))), ("duration_ms", .double(entry.durationMs)),
                ("workspace_id", .string(entry.workspaceID)),
            ])
            if call.app.journal.keepBodies {
                object["request_body"] = .string(entry.requestBody)
                object["response_body"] = .string(entry.responseBody)
            }
            return .object(object)
        }
        return .json(["requests": .array(items)])
    }

    static func clearRequests(_ call: Call) throws -> HTTPResponseBox {
        call.app.journal.clear()
        return .noContent
    }

    static func addFault(_ call: Call) throws -> HTTPResponseBox {
        let body = try call.body()
        let method = try body.string("method", required: false, nullable: true)?.uppercased()
        let path = try body.requiredString("path", minLength: 1, maxLength: 1000)
        var directive = FaultDirective()
        if let status = try body.integer("status", required: false) {
            guard (200...599).contains(status) else { throw APIError.validation("status: must be between 200 and 599 (got \(status))") }
            directive.status = Int(status)
        }
        directive.errorCode = try body.string("error_code", required: false, nullable: true)
        directive.message = try body.string("message", required: false, nullable: true)
        if let delay = try body.integer("delay_ms", required: false) {
            guard (0...60_000).contains(delay) else { throw APIError.validation("delay_ms: must be 0 to 60000 (got \(delay))") }
            directive.delayMs = Int(delay)
        }
        if let drop = try body.boolean("drop", nullable: true) { directive.drop = drop }
        guard directive.status != nil || directive.delayMs > 0 || directive.drop else {
            throw APIError.validation("body: a fault needs at least one of status, delay_ms or drop")
        }
        var count: Int?
        if let value = body.value("count"), !value.isNull {
            guard let n = value.intValue, case .int = value, n >= 1 else { throw APIError.validation("count: expected an integer of at least 1, or null for unlimited") }
            count = Int(n)
        }
        var probability: Double?
        if let value = body.value("probability"), !value.isNull {
            guard let p = value.doubleValue, value.boolValue == nil, p > 0, p <= 1 else { throw APIError.validation("probability: expected a number in (0, 1], or null") }
            probability = p
        }
        let rule = call.app.faults.add(workspaceID: call.hasBearer ? call.workspace.id : nil, method: method, path: path, directive: directive, count: count, probability: probability)
        return .json(["id": .string(rule.id)], status: 201)
    }

    static func listFaults(_ call: Call) throws -> HTTPResponseBox {
        .json(["faults": .array(call.app.faults.list(visibleTo: call.hasBearer ? call.workspace.id : nil).map(\.json))])
    }

    static func clearFaults(_ call: Call) throws -> HTTPResponseBox {
        if call.hasBearer { call.app.faults.clear(workspaceID: call.workspace.id) } else { call.app.faults.clear() }
        return .noContent
    }

    static func deleteFault(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("fault_id")
        guard call.app.faults.remove(id: id) else { throw APIError.notFound(nil, "fault \(id) not found") }
        return .noContent
    }

    static func taskPace(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer("the task pace is set per workspace: send 'Authorization: Bearer <token>'")
        let body = try call.body()
        guard let text = try body.string("pace", required: true, nullable: true) else {
            call.app.tasks.setPace(nil, for: call.workspace.id)
            return .noContent
        }
        guard let pace = TaskPace.parse(text) else { throw APIError.validation("pace: expected immediate, polls:N or seconds:S, got '\(text.prefix(40))'") }
        call.app.tasks.setPace(pace, for: call.workspace.id)
        return .noContent
    }

    static func openAPI(_ call: Call) throws -> HTTPResponseBox {
        guard let document = call.app.openAPIDocument else {
            throw APIError.notFound(nil, "openapi.yaml was not found beside the binary, in share/observability-emulator, in ./docs or in the source tree")
        }
        return .raw(HTTPResponse(status: 200, headers: [(HTTPHeader.contentType, "application/yaml")], body: document))
    }
}

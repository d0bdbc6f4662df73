import EmulatorJSON
import EmulatorStore

/// Writing telemetry: spans with their traces' roll-up, logs, and span evaluations, each export
/// in one transaction. `workspaceKey` is the caller's workspace id, or `''` for the seeded
/// fixtures every workspace sees.
extension ObservabilityStore {
    static let spanInsertColumns: [String] = [
        "workspace_id", "trace_id", "span_id", "parent_span_id", "trace_state", "start_ns", "end_ns", "duration_ns",
        "span_name", "span_kind", "service_name", "status_code", "status_message",
    ] + SpanAttributeMapping.columns.map(\.name) + [
        "resource_attributes", "span_attributes", "scope_name", "scope_version", "environment",
    ]

    static let spanInsertSQL = "INSERT OR REPLACE INTO spans (\(spanInsertColumns.joined(separator: ", "))) VALUES ("
        + Array(repeating: "?", count: spanInsertColumns.count).joined(separator: ", ") + ")"

    /// Stores spans (a re-sent span replaces its earlier copy) and recomputes their traces, in
    /// one transaction: a trace is never out of step with its spans.
    func insertSpans(_ drafts: [SpanDraft], workspaceKey: String) throws {
        guard !drafts.isEmpty else { return }
        try pool.writeTransaction { db in try insertSpans(drafts, workspaceKey: workspaceKey, db: db) }
    }

    func insertSpans(_ drafts: [SpanDraft], workspaceKey: String, db: Database) throws {
        var traceIDs: [String] = []
        var seen = Set<String>()
        for draft in drafts {
            var values: [DatabaseValueConvertible] = [
                workspaceKey, draft.traceID, draft.spanID, draft.parentSpanID, draft.traceState, draft.startNs, draft.endNs,
                draft.endNs - draft.startNs, draft.name, draft.kind, draft.serviceName, draft.statusCode, draft.statusMessage,
            ]
            values.reserveCapacity(Self.spanInsertColumns.count)
            for value in draft.mapped { values.append(value) }
            values += [draft.resourceAttributes, draft.spanAttributes, draft.scopeName, draft.scopeVersion, draft.environment]
            try db.run(Self.spanInsertSQL, values)
            if seen.insert(draft.traceID).inserted { traceIDs.append(draft.traceID) }
        }
        for traceID in traceIDs { try rollUpTrace(traceID, workspaceKey: workspaceKey, db: db) }
    }

    /// Stores log records (a re-sent record replaces its copy) and the span evaluations some
    /// carry, in one transaction.
    func insertLogs(_ drafts: [LogDraft], workspaceKey: String) throws {
        guard !drafts.isEmpty else { return }
        try pool.writeTransaction { db in
            for draft in drafts {
                try db.run("""
                    INSERT OR REPLACE INTO logs (workspace_id, fingerprint, time_ns, trace_id, span_id, trace_flags, severity_text,
                        severity_number, service_name, body, event_name, resource_schema_url, resource_attributes, scope_schema_url,
                        scope_name, scope_version, scope_attributes, log_attributes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [workspaceKey, draft.fingerprint, draft.timeNs, draft.traceID, draft.spanID, draft.traceFlags, draft.severityText,
                          draft.severityNumber, draft.serviceName, draft.body, draft.eventName, draft.resourceSchemaURL,
                          draft.resourceAttributes, draft.scopeSchemaURL, draft.scopeName, draft.scopeVersion, draft.scopeAttributes,
                          draft.logAttributes])
            }
            try insertEvaluations(drafts.compactMap(\.evaluation), workspaceKey: workspaceKey, db: db)
        }
    }

    /// Stores span evaluations and brings their traces' `evaluation_count` up to date.
    func insertEvaluations(_ drafts: [EvaluationDraft], workspaceKey: String, db: Database) throws {
        var traceIDs = Set<String>()
        for draft in drafts {
            try db.run("""
                INSERT OR REPLACE INTO span_evaluations (workspace_id, eval_key, trace_id, span_id, time_ns, evaluation_name,
                    score_value, score_label, explanation, response_id, conversation_id, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [workspaceKey, draft.key, draft.traceID, draft.spanID, draft.timeNs, draft.evaluationName, draft.scoreValue,
                      draft.scoreLabel, draft.explanation, draft.responseID, draft.conversationID, draft.metadata])
            traceIDs.insert(draft.traceID)
        }
        for traceID in traceIDs.sorted() {
            try db.run("""
                UPDATE traces SET evaluation_count = (SELECT COUNT(*) FROM span_evaluations AS v WHERE v.workspace_id = ? AND v.trace_id = ?)
                WHERE workspace_id = ? AND trace_id = ?
                """, [workspaceKey, traceID, workspaceKey, traceID])
        }
    }

    /// Recomputes one trace's row from its spans (SPEC 12's roll-up).
    func rollUpTrace(_ traceID: String, workspaceKey: String, db: Database) throws {
        var rollUp = TraceRollUp()
        try db.forEach("""
            SELECT span_id, parent_span_id, span_name, start_ns, end_ns, service_name, environment, conversation_id, workflow_name,
                agent_id, agent_name, status_code, operation_name, request_model, tool_name, usage_input_tokens, usage_output_tokens,
                usage_cache_read_input_tokens, usage_cache_creation_input_tokens, input_messages, output_messages
            FROM spans WHERE workspace_id = ? AND trace_id = ? ORDER BY start_ns, span_id
            """, [workspaceKey, traceID]) { row in rollUp.add(row) }
        guard rollUp.spanCount > 0 else {
            try db.run("DELETE FROM traces WHERE workspace_id = ? AND trace_id = ?", [workspaceKey, traceID])
            return
        }
        let evaluations = try db.queryOne("SELECT COUNT(*) FROM span_evaluations WHERE workspace_id = ? AND trace_id = ?",
                                          [workspaceKey, traceID]) { $0.int64(0) } ?? 0
        try db.run("""
            INSERT OR REPLACE INTO traces (workspace_id, trace_id, root_span_id, root_span_name, start_ns, end_ns, duration_ns,
                service_name, environment, conversation_id, workflow_name, agent_id, agent_name, status_code, error_count, span_count,
                gen_ai_span_count, llm_call_count, tool_call_count, retrieval_count, evaluation_count, input_tokens, output_tokens,
                cache_read_input_tokens, cache_creation_input_tokens, models_used, tools_used, first_turn_last_input_message,
                first_turn_last_output_message, last_turn_last_input_message, last_turn_last_output_message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [workspaceKey, traceID, rollUp.root.spanID, rollUp.root.name, rollUp.start, rollUp.end, rollUp.end - rollUp.start,
                  rollUp.root.service, rollUp.root.environment.nonEmpty ?? rollUp.firstEnvironment, rollUp.conversationID,
                  rollUp.workflowName, rollUp.agentID, rollUp.agentName, rollUp.errorCount > 0 ? "Error" : "Unset",
                  rollUp.errorCount, rollUp.spanCount, rollUp.genAICount, rollUp.llmCount, rollUp.toolCount, rollUp.retrievalCount,
                  evaluations, rollUp.tokens[0], rollUp.tokens[1], rollUp.tokens[2], rollUp.tokens[3],
                  JSON.array(rollUp.models.map(JSON.string)).text, JSON.array(rollUp.tools.map(JSON.string)).text,
                  rollUp.firstTurn?.input ?? "", rollUp.firstTurn?.output ?? "", rollUp.lastTurn.input, rollUp.lastTurn.output])
    }
}

/// The trace columns accumulated over its spans in start order.
struct TraceRollUp {
    struct Root { var spanID = "", name = "", service = "", environment = "", start = Int64.max, isRoot = false }
    var root = Root()
    var start = Int64.max, end = Int64.min
    var firstEnvironment = "", conversationID = "", workflowName = "", agentID = "", agentName = ""
    var errorCount = 0, spanCount = 0, genAICount = 0, llmCount = 0, toolCount = 0, retrievalCount = 0
    var tokens: [Int64] = [0, 0, 0, 0]
    var models: [String] = [], tools: [String] = []
    var firstTurn: (input: String, output: String)?
    var lastTurn: (input: String, output: String) = ("", "")

    mutating func add(_ row: Row) {
        let spanStart = row.int64(3)
        spanCount += 1
        start = min(start, spanStart)
        end = max(end, row.int64(4))
        let isRoot = row.string(1).isEmpty
        // The span without a parent; the earliest one when there are several or none.
        if spanCount == 1 || (isRoot && !root.isRoot) {
            root = Root(spanID: row.string(0), name: row.string(2), service: row.string(5), environment: row.string(6), start: spanStart, isRoot: isRoot)
        }
        if firstEnvironment.isEmpty { firstEnvironment = row.string(6) }
        if conversationID.isEmpty { conversationID = row.string(7) }
        if workflowName.isEmpty { workflowName = row.string(8) }
        if agentID.isEmpty { agentID = row.string(9) }
        if agentName.isEmpty { agentName = row.string(10) }
        if row.string(11) == "Error" { errorCount += 1 }
        let operation = row.string(12)
        if !operation.isEmpty { genAICount += 1 }
        if SpanAttributeMapping.llmOperations.contains(operation) {
            llmCount += 1
            let turn = (Self.lastMessageText(row.string(19)), Self.lastMessageText(row.string(20)))
            if firstTurn == nil { firstTurn = turn }
            lastTurn = turn
        }
        if operation == SpanAttributeMapping.toolOperation { toolCount += 1 }
        if operation == SpanAttributeMapping.retrievalOperation { retrievalCount += 1 }
        let model = row.string(13), tool = row.string(14)
        if !model.isEmpty, !models.contains(model) { models.append(model) }
        if !tool.isEmpty, !tools.contains(tool) { tools.append(tool) }
        for index in 0..<4 { tokens[index] = tokens[index] &+ row.int64(15 + index) }
    }

    /// The text of the last message of a `gen_ai.input.messages` / `output.messages` value: its
    /// text parts joined (or its `content`); the value itself when it is not a message list.
    static func lastMessageText(_ messages: String) -> String {
        guard !messages.isEmpty else { return "" }
        guard let parsed = try? JSON.parse(messages), case .array(let list) = parsed else { return messages }
        guard let last = list.last else { return "" }
        guard case .object(let message) = last else { return last.stringValue ?? last.text }
        if case .array(let parts)? = message["parts"] {
            return parts.compactMap { part -> String? in
                guard case .object(let object) = part else { return nil }
                if let type = object["type"]?.stringValue, type != "text" { return nil }
                return object["content"]?.stringValue ?? object["text"]?.stringValue
            }.joined(separator: "\n")
        }
        if let content = message["content"] { return content.stringValue ?? content.text }
        return ""
    }
}

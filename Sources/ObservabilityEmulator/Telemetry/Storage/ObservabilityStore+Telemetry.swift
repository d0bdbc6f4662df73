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

    func insertSpans(_ drafts: [SpanDraft], workspaceKey: String, rollUp: Bool = true, db: Database) throws {
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
        if rollUp {
            for traceID in traceIDs { try rollUpTrace(traceID, workspaceKey: workspaceKey, db: db) }
        }
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

    /// Recomputes one trace's row from its spans (SPEC 12's roll-up). The trace's few spans are
    /// found by the key index (the planner would otherwise walk a time-ordered index of the
    /// whole workspace to avoid sorting them).
    func rollUpTrace(_ traceID: String, workspaceKey: String, db: Database) throws {
        var rollUp = TraceRollUp()
        try db.forEach("""
            SELECT span_id, parent_span_id, span_name, start_ns, end_ns, service_name, environment, conversation_id, workflow_name,
                agent_id, agent_name, status_code, operation_name, request_model, tool_name, usage_input_tokens, usage_output_tokens,
                usage_cache_read_input_tokens, usage_cache_creation_input_tokens,
                CASE WHEN operation_name IN ('chat', 'text_completion', 'generate_content') THEN input_messages ELSE '' END,
                CASE WHEN operation_name IN ('chat', 'text_completion', 'generate_content') THEN output_messages ELSE '' END
            FROM spans INDEXED BY spans_key WHERE workspace_id = ? AND trace_id = ? ORDER BY start_ns, span_id
            """, [workspaceKey, traceID]) { row in rollUp.add(TraceRollUp.SpanFacts(row)) }
        guard rollUp.spanCount > 0 else {
            try db.run("DELETE FROM traces WHERE workspace_id = ? AND trace_id = ?", [workspaceKey, traceID])
            return
        }
        let evaluations = try db.queryOne("SELECT COUNT(*) FROM span_evaluations WHERE workspace_id = ? AND trace_id = ?",
                                          [workspaceKey, traceID]) { $0.int64(0) } ?? 0
        try insertTrace(rollUp, traceID: traceID, evaluations: evaluations, workspaceKey: workspaceKey, db: db)
    }

    func insertTrace(_ rollUp: TraceRollUp, traceID: String, evaluations: Int64, workspaceKey: String, db: Database) throws {
        let firstTurn = rollUp.firstTurn, lastTurn = rollUp.lastTurn
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
                  firstTurn?.input ?? "", firstTurn?.output ?? "", lastTurn.input, lastTurn.output])
    }

    /// Seeds many generated spans into an empty telemetry store: the indexes are dropped and
    /// built once at the end, and each trace is rolled up from its drafts (every trace's spans
    /// are in one call, in any order), not read back.
    func seedSpans(_ traces: [[SpanDraft]], db: Database) throws {
        for trace in traces {
            var rollUp = TraceRollUp()
            for draft in trace.sorted(by: { ($0.startNs, $0.spanID) < ($1.startNs, $1.spanID) }) {
                rollUp.add(TraceRollUp.SpanFacts(draft))
            }
            try insertSpans(trace, workspaceKey: "", rollUp: false, db: db)
            if let first = trace.first { try insertTrace(rollUp, traceID: first.traceID, evaluations: 0, workspaceKey: "", db: db) }
        }
    }
}

/// The trace columns accumulated over its spans in start order.
struct TraceRollUp {
    struct Root { var spanID = "", name = "", service = "", environment = "", isRoot = false }
    var root = Root()
    var start = Int64.max, end = Int64.min
    var firstEnvironment = "", conversationID = "", workflowName = "", agentID = "", agentName = ""
    var errorCount = 0, spanCount = 0, genAICount = 0, llmCount = 0, toolCount = 0, retrievalCount = 0
    var tokens: [Int64] = [0, 0, 0, 0]
    var models: [String] = [], tools: [String] = []
    /// The raw messages of the first and the last LLM span; their text is read once, at the end.
    var firstTurnMessages: (input: String, output: String)?
    var lastTurnMessages: (input: String, output: String) = ("", "")
    var firstTurn: (input: String, output: String)? {
        firstTurnMessages.map { (Self.lastMessageText($0.input), Self.lastMessageText($0.output)) }
    }
    var lastTurn: (input: String, output: String) {
        (Self.lastMessageText(lastTurnMessages.input), Self.lastMessageText(lastTurnMessages.output))
    }

    /// What the roll-up reads of one span.
    struct SpanFacts {
        var spanID = "", parentSpanID = "", name = "", service = "", environment = ""
        var start: Int64 = 0, end: Int64 = 0
        var conversationID = "", workflowName = "", agentID = "", agentName = ""
        var statusCode = "", operation = "", model = "", tool = ""
        var tokens: [Int64] = [0, 0, 0, 0]
        var inputMessages = "", outputMessages = ""

        init(_ row: Row) {
            spanID = row.string(0); parentSpanID = row.string(1); name = row.string(2)
            start = row.int64(3); end = row.int64(4); service = row.string(5); environment = row.string(6)
            conversationID = row.string(7); workflowName = row.string(8); agentID = row.string(9); agentName = row.string(10)
            statusCode = row.string(11); operation = row.string(12); model = row.string(13); tool = row.string(14)
            tokens = (15..<19).map { row.int64($0) }
            inputMessages = row.string(19); outputMessages = row.string(20)
        }

        init(_ draft: SpanDraft) {
            func mapped(_ name: String) -> DatabaseValue {
                SpanAttributeMapping.index[name].map { draft.mapped[$0] } ?? .null
            }
            spanID = draft.spanID; parentSpanID = draft.parentSpanID; name = draft.name
            start = draft.startNs; end = draft.endNs; service = draft.serviceName; environment = draft.environment
            conversationID = mapped("conversation_id").string ?? ""; workflowName = mapped("workflow_name").string ?? ""
            agentID = mapped("agent_id").string ?? ""; agentName = mapped("agent_name").string ?? ""
            statusCode = draft.statusCode; operation = mapped("operation_name").string ?? ""
            model = mapped("request_model").string ?? ""; tool = mapped("tool_name").string ?? ""
            tokens = ["usage_input_tokens", "usage_output_tokens", "usage_cache_read_input_tokens", "usage_cache_creation_input_tokens"]
                .map { mapped($0).int64 ?? 0 }
            inputMessages = mapped("input_messages").string ?? ""; outputMessages = mapped("output_messages").string ?? ""
        }
    }

    mutating func add(_ span: SpanFacts) {
        spanCount += 1
        start = min(start, span.start)
        end = max(end, span.end)
        let isRoot = span.parentSpanID.isEmpty
        // The span without a parent; the earliest one when there are several or none.
        if spanCount == 1 || (isRoot && !root.isRoot) {
            root = Root(spanID: span.spanID, name: span.name, service: span.service, environment: span.environment, isRoot: isRoot)
        }
        if firstEnvironment.isEmpty { firstEnvironment = span.environment }
        if conversationID.isEmpty { conversationID = span.conversationID }
        if workflowName.isEmpty { workflowName = span.workflowName }
        if agentID.isEmpty { agentID = span.agentID }
        if agentName.isEmpty { agentName = span.agentName }
        if span.statusCode == "Error" { errorCount += 1 }
        if !span.operation.isEmpty { genAICount += 1 }
        if SpanAttributeMapping.llmOperations.contains(span.operation) {
            llmCount += 1
            let turn = (span.inputMessages, span.outputMessages)
            if firstTurnMessages == nil { firstTurnMessages = turn }
            lastTurnMessages = turn
        }
        if span.operation == SpanAttributeMapping.toolOperation { toolCount += 1 }
        if span.operation == SpanAttributeMapping.retrievalOperation { retrievalCount += 1 }
        if !span.model.isEmpty, !models.contains(span.model) { models.append(span.model) }
        if !span.tool.isEmpty, !tools.contains(span.tool) { tools.append(span.tool) }
        for index in 0..<4 { tokens[index] = tokens[index] &+ span.tokens[index] }
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

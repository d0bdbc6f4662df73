import EmulatorJSON
import EmulatorStore

/// Writing telemetry: spans with their traces' roll-up, logs, and span evaluations, each export
/// in one transaction. `workspaceKey` is the caller's workspace id, or `''` for the seeded
/// fixtures every workspace sees.
extension ObservabilityStore {
    /// How many seeded spans and logs (workspace `''`) the database holds.
    func seededTelemetryCounts() throws -> TelemetryFixtures.Counts {
        try pool.read { db in
            try db.queryOne("SELECT (SELECT COUNT(*) FROM spans WHERE workspace_id = '') AS spans, (SELECT COUNT(*) FROM logs WHERE workspace_id = '') AS logs") {
                TelemetryFixtures.Counts(spans: try $0.int("spans"), logs: try $0.int("logs"))
            } ?? TelemetryFixtures.Counts()
        }
    }

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
        let batch = SpanBatch(drafts, workspaceKey: workspaceKey)
        try pool.writeTransaction { db in
            try retainSpans(added: try insertSpans(batch, db: db), batch: batch, db: db)
        }
    }

    /// Writes a batch built before the write lock: its span rows, then each trace's row. A trace
    /// with no row yet has no spans stored before this batch, so the batch's own roll-up is the
    /// whole of it; a trace that has one is read back and rolled up again from all its spans.
    /// Returns how many spans the store holds more than before (a re-sent span replaces its copy).
    @discardableResult
    func insertSpans(_ batch: SpanBatch, db: Database) throws -> Int64 {
        try db.run(Self.spanInsertSQL, rows: batch.rows)
        var added: Int64 = 0
        for var trace in batch.traces {
            let (held, evaluations) = try db.queryOne("""
                SELECT (SELECT span_count FROM traces WHERE workspace_id = ?1 AND trace_id = ?2) AS held,
                    (SELECT COUNT(*) FROM span_evaluations WHERE workspace_id = ?1 AND trace_id = ?2) AS evaluations
                """, [batch.workspaceKey, trace.traceID]) { row in
                (try row.isNull("held") ? nil : try row.int64("held"), try row.int64("evaluations"))
            } ?? (nil, 0)
            if let held {
                added += try rollUpTrace(trace.traceID, evaluations: evaluations, workspaceKey: batch.workspaceKey, db: db) - held
            } else {
                trace.row.set(.integer(evaluations), at: TraceRollUp.evaluationCountColumn)
                try db.run(Self.traceInsertSQL, rows: CollectionOfOne(trace.row))
                added += Int64(trace.spanCount)
            }
        }
        return added
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

    /// Recomputes one trace's row from its spans (the trace roll-up), with its evaluation count
    /// as the caller counted it. The trace's few spans are found by the key index (the planner
    /// would otherwise walk a time-ordered index of the whole workspace to avoid sorting them).
    /// Returns the trace's span count (0: it has none left, and its row is gone).
    @discardableResult
    func rollUpTrace(_ traceID: String, evaluations: Int64, workspaceKey: String, db: Database) throws -> Int64 {
        var rollUp = TraceRollUp()
        try db.forEach("""
            SELECT span_id, parent_span_id, span_name, start_ns, end_ns, service_name, environment, conversation_id, workflow_name,
                agent_id, agent_name, status_code, operation_name, request_model, tool_name, usage_input_tokens, usage_output_tokens,
                usage_cache_read_input_tokens, usage_cache_creation_input_tokens,
                CASE WHEN operation_name IN ('chat', 'text_completion', 'generate_content') THEN input_messages ELSE '' END AS input_messages,
                CASE WHEN operation_name IN ('chat', 'text_completion', 'generate_content') THEN output_messages ELSE '' END AS output_messages
            FROM spans INDEXED BY spans_key WHERE workspace_id = ? AND trace_id = ? ORDER BY start_ns, span_id
            """, [workspaceKey, traceID], columns: TraceRollUp.SpanFacts.Columns.init) { row, columns in rollUp.add(TraceRollUp.SpanFacts(row, columns)) }
        guard rollUp.spanCount > 0 else {
            try db.run("DELETE FROM traces WHERE workspace_id = ? AND trace_id = ?", [workspaceKey, traceID])
            return 0
        }
        try insertTrace(rollUp, traceID: traceID, evaluations: evaluations, workspaceKey: workspaceKey, db: db)
        return Int64(rollUp.spanCount)
    }

    static let traceInsertSQL = """
        INSERT OR REPLACE INTO traces (workspace_id, trace_id, root_span_id, root_span_name, start_ns, end_ns, duration_ns,
            service_name, environment, conversation_id, workflow_name, agent_id, agent_name, status_code, error_count, span_count,
            gen_ai_span_count, llm_call_count, tool_call_count, retrieval_count, evaluation_count, input_tokens, output_tokens,
            cache_read_input_tokens, cache_creation_input_tokens, models_used, tools_used, first_turn_last_input_message,
            first_turn_last_output_message, last_turn_last_input_message, last_turn_last_output_message)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    func insertTrace(_ rollUp: TraceRollUp, traceID: String, evaluations: Int64, workspaceKey: String, db: Database) throws {
        try db.run(Self.traceInsertSQL, rows: CollectionOfOne(rollUp.row(traceID: traceID, evaluations: evaluations, workspaceKey: workspaceKey)))
    }

    /// Seeds generated spans into an empty telemetry store (the indexes dropped, built once at
    /// the end): every trace's spans are in one batch, so no trace is read back.
    func seedSpans(_ batch: SpanBatch, db: Database) throws {
        try db.run(Self.spanInsertSQL, rows: batch.rows)
        try db.run(Self.traceInsertSQL, rows: batch.traces.lazy.map(\.row))
    }
}

/// An export's spans ready to write, built before the write lock is taken: each span's row, and
/// each of its traces rolled up from the export's spans alone (the last copy of a re-sent span
/// counting, as in the table), `evaluation_count` left for the transaction to fill in.
struct SpanBatch: Sendable {
    let workspaceKey: String
    let rows: [PackedRow]
    /// In the order the traces first appear, with the number of distinct spans of each.
    let traces: [(traceID: String, row: PackedRow, spanCount: Int)]

    init(_ drafts: [SpanDraft], workspaceKey: String) {
        self.workspaceKey = workspaceKey
        rows = drafts.map { draft in
            var row = PackedRow(reservingSlots: ObservabilityStore.spanInsertColumns.count, bytes: draft.estimatedTextBytes)
            for text in [workspaceKey, draft.traceID, draft.spanID, draft.parentSpanID, draft.traceState] { row.append(.text(text)) }
            for number in [draft.startNs, draft.endNs, draft.endNs - draft.startNs] { row.append(.integer(number)) }
            for text in [draft.name, draft.kind, draft.serviceName, draft.statusCode, draft.statusMessage] { row.append(.text(text)) }
            for value in draft.mapped { row.append(value) }
            for text in [draft.resourceAttributes, draft.spanAttributes, draft.scopeName, draft.scopeVersion, draft.environment] {
                row.append(.text(text))
            }
            return row
        }
        // Each trace's spans by position; a re-sent span (same id) keeps its last copy.
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for (index, draft) in drafts.enumerated() {
            if members[draft.traceID] == nil { order.append(draft.traceID) }
            members[draft.traceID, default: []].append(index)
        }
        traces = order.map { traceID in
            var rollUp = TraceRollUp()
            var seen = Set<String>()
            let latest = members[traceID, default: []].reversed().filter { seen.insert(drafts[$0].spanID).inserted }
            let sorted = latest.sorted {
                (drafts[$0].startNs, drafts[$0].spanID) < (drafts[$1].startNs, drafts[$1].spanID)
            }
            for index in sorted { rollUp.add(TraceRollUp.SpanFacts(drafts[index])) }
            return (traceID, rollUp.row(traceID: traceID, evaluations: 0, workspaceKey: workspaceKey), rollUp.spanCount)
        }
    }
}

/// The trace columns accumulated over its spans in start order.
struct TraceRollUp {
    struct Root { var spanID = "", name = "", service = "", environment = "", isRoot = false }
    var root = Root()
    var start = Int64.max, end = Int64.min
    var firstEnvironment = "", conversationID = "", workflowName = "", agentID = "", agentName = ""
    var errorCount = 0, spanCount = 0, genAICount = 0
    /// Spans with no operation that report tokens (an SDK's own request span); merged into the
    /// call they belong to, if any, when the calls are resolved.
    var usages: [UsageFacts] = []
    /// The GenAI spans and every span's parent, resolved into calls at the end
    /// (`TraceRollUp+Calls.swift`).
    var calls: [CallFacts] = []
    var parentLinks: [(span: String, parent: String)] = []
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

        /// Where `rollUpTrace`'s query puts each fact, resolved by name once per trace.
        struct Columns: ColumnPositions {
            var spanID = 0, parentSpanID = 0, name = 0, start = 0, end = 0, service = 0, environment = 0
            var conversationID = 0, workflowName = 0, agentID = 0, agentName = 0, statusCode = 0, operation = 0, model = 0, tool = 0
            var tokens = [0, 0, 0, 0]
            var inputMessages = 0, outputMessages = 0

            static let names: [ColumnName<Columns>] = [
                (\.spanID, "span_id"), (\.parentSpanID, "parent_span_id"), (\.name, "span_name"), (\.start, "start_ns"), (\.end, "end_ns"),
                (\.service, "service_name"), (\.environment, "environment"), (\.conversationID, "conversation_id"),
                (\.workflowName, "workflow_name"), (\.agentID, "agent_id"), (\.agentName, "agent_name"), (\.statusCode, "status_code"),
                (\.operation, "operation_name"), (\.model, "request_model"), (\.tool, "tool_name"),
                (\.inputMessages, "input_messages"), (\.outputMessages, "output_messages"),
            ] + SpanAttributeMapping.usageColumns.enumerated().map { (\Columns.tokens[$0.offset], $0.element) }
        }

        init(_ row: Row, _ columns: Columns) {
            spanID = row.string(columns.spanID); parentSpanID = row.string(columns.parentSpanID); name = row.string(columns.name)
            start = row.int64(columns.start); end = row.int64(columns.end)
            service = row.string(columns.service); environment = row.string(columns.environment)
            conversationID = row.string(columns.conversationID); workflowName = row.string(columns.workflowName)
            agentID = row.string(columns.agentID); agentName = row.string(columns.agentName)
            statusCode = row.string(columns.statusCode); operation = row.string(columns.operation)
            model = row.string(columns.model); tool = row.string(columns.tool)
            tokens = columns.tokens.map { row.int64($0) }
            inputMessages = row.string(columns.inputMessages); outputMessages = row.string(columns.outputMessages)
        }

        init(_ draft: SpanDraft) {
            typealias Slot = SpanAttributeMapping.Slot
            func text(_ slot: Int) -> String { draft.mapped.indices.contains(slot) ? draft.mapped[slot].string ?? "" : "" }
            func number(_ slot: Int) -> Int64 { draft.mapped.indices.contains(slot) ? draft.mapped[slot].int64 ?? 0 : 0 }
            spanID = draft.spanID; parentSpanID = draft.parentSpanID; name = draft.name
            start = draft.startNs; end = draft.endNs; service = draft.serviceName; environment = draft.environment
            conversationID = text(Slot.conversationID); workflowName = text(Slot.workflowName)
            agentID = text(Slot.agentID); agentName = text(Slot.agentName)
            statusCode = draft.statusCode; operation = text(Slot.operationName)
            model = text(Slot.requestModel); tool = text(Slot.toolName)
            tokens = Slot.usage.map(number)
            inputMessages = text(Slot.inputMessages); outputMessages = text(Slot.outputMessages)
        }
    }

    /// The position of `evaluation_count` in `ObservabilityStore.traceInsertSQL`.
    static let evaluationCountColumn = 20

    /// The trace's row, as `ObservabilityStore.traceInsertSQL` takes it.
    func row(traceID: String, evaluations: Int64, workspaceKey: String) -> PackedRow {
        let firstTurn = firstTurn, lastTurn = lastTurn
        let counts = callCounts()
        let tokens = counts.tokens
        let text: (String) -> DatabaseValue = { .text($0) }
        return PackedRow([
            text(workspaceKey), text(traceID), text(root.spanID), text(root.name), .integer(start), .integer(end), .integer(end - start),
            text(root.service), text(root.environment.nonEmpty ?? firstEnvironment), text(conversationID),
            text(workflowName), text(agentID), text(agentName), text(errorCount > 0 ? "Error" : "Unset"),
            .integer(Int64(errorCount)), .integer(Int64(spanCount)), .integer(Int64(genAICount)), .integer(Int64(counts.llm)),
            .integer(Int64(counts.tool)), .integer(Int64(counts.retrieval)), .integer(evaluations),
            .integer(tokens[0]), .integer(tokens[1]), .integer(tokens[2]), .integer(tokens[3]),
            text(JSON.array(models.map(JSON.string)).text), text(JSON.array(tools.map(JSON.string)).text),
            text(firstTurn?.input ?? ""), text(firstTurn?.output ?? ""), text(lastTurn.input), text(lastTurn.output),
        ])
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
        parentLinks.append((span.spanID, span.parentSpanID))
        if !span.operation.isEmpty {
            genAICount += 1
            calls.append(CallFacts(spanID: span.spanID, parentSpanID: span.parentSpanID, operation: span.operation, tokens: span.tokens))
        } else if span.tokens.contains(where: { $0 != 0 }) {
            usages.append(UsageFacts(spanID: span.spanID, parentSpanID: span.parentSpanID, tokens: span.tokens))
        }
        if SpanAttributeMapping.llmOperations.contains(span.operation) {
            let turn = (span.inputMessages, span.outputMessages)
            if firstTurnMessages == nil { firstTurnMessages = turn }
            lastTurnMessages = turn
        }
        if !span.model.isEmpty, !models.contains(span.model) { models.append(span.model) }
        if !span.tool.isEmpty, !tools.contains(span.tool) { tools.append(span.tool) }
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

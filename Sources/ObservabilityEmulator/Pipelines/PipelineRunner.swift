import EmulatorJSON
import EmulatorStore

/// Judges incoming spans: every span of an export that an enabled config's span
/// selector matches and its sampling admits is judged by the config's frozen judges with the
/// rule engine. The selection runs inside the export's write transaction, after the spans are
/// stored, so the export's 200 means its spans are already judged. The judging itself is done
/// ahead, before the write lock, with the configs as they were read then; inside, when the
/// configs are still the same, the selected spans' verdicts are taken from it (when not, the
/// spans are judged there). Same span, same config: same row.
struct PipelineRunner {
    /// One judge of one enabled config, ready to run.
    struct Judge {
        let configID: String
        let pipelineID: String?
        let evaluationName: String
        let frozen: FrozenJudge
        let engine: RuleEngine
        /// The span selectors' filters (nil: every span); no span selector: never runs.
        let filters: [String?]
    }

    let judges: [Judge]
    let tenant: TelemetryTenant
    /// The enabled configs as stored (ids, selectors, frozen judges): equal fingerprints, the
    /// same judging.
    let fingerprint: [String]

    /// Whether any judge maps attributes into properties or samples by an attribute: only then
    /// are a span's attribute maps parsed.
    var readsAttributes: Bool {
        judges.contains { judge in
            if !judge.frozen.mapping.isEmpty { return true }
            if case .attributeHash? = judge.frozen.sampling { return true }
            return false
        }
    }

    /// The workspace's enabled configs, as judges to run.
    static func load(workspace: Workspace, db: Database) throws -> PipelineRunner {
        var fingerprint: [String] = []
        let configs = try db.query("""
            SELECT \(PipelineConfigRecord.columns) FROM pipeline_configs INDEXED BY pipeline_configs_workspace
            WHERE workspace_id = ? AND enabled = 1 ORDER BY created_ms, id
            """, [workspace.id]) { row in
            fingerprint.append([try row.string("id"), try row.string("selectors"), try row.string("judges")].joined(separator: "\u{1F}"))
            return try PipelineConfigRecord(row)
        }
        var judges: [Judge] = []
        for config in configs {
            let filters = config.selectors.filter { $0.sourceKind == "span" }.map(\.filter)
            guard !filters.isEmpty else { continue }
            for frozen in config.judges {
                judges.append(Judge(configID: config.id, pipelineID: config.pipelineID, evaluationName: config.evaluationName(frozen),
                                    frozen: frozen, engine: RuleEngine(definition: frozen.definition), filters: filters))
            }
        }
        return PipelineRunner(judges: judges, tenant: TelemetryTenant(workspace), fingerprint: fingerprint)
    }

    /// Every judge's verdict on every span of an export, whatever the selectors (they are
    /// applied later, in the transaction): by span key, one entry per judge, nil where the span
    /// has nothing to judge or the sampling leaves it out.
    typealias Verdicts = [String: [EvaluationDraft?]]

    func judgeAhead(_ drafts: [SpanDraft]) -> Verdicts {
        var verdicts: Verdicts = [:]
        for draft in drafts { verdicts[Self.key(draft)] = judgeAll(draft) }
        return verdicts
    }

    private func judgeAll(_ draft: SpanDraft) -> [EvaluationDraft?] {
        let span = JudgedSpan(draft, readingAttributes: readsAttributes)
        return judges.map { judge in
            guard let conversation = span.conversation(mapping: judge.frozen.mapping) else { return nil }
            if let sampling = judge.frozen.sampling,
               !sampling.admits(traceID: draft.traceID, spanID: draft.spanID, attribute: span.attribute) { return nil }
            return evaluation(judge, draft, span, conversation)
        }
    }

    static func key(_ draft: SpanDraft) -> String { draft.traceID + "/" + draft.spanID }

    /// The evaluations of the spans stored after `rowid` (this export's), in a stable order;
    /// `ahead`, this runner's verdicts judged before the transaction, when there are some.
    func evaluate(_ drafts: [SpanDraft], storedAfter rowid: Int64, workspaceID: String, ahead: Verdicts?, db: Database) throws -> [EvaluationDraft] {
        guard !judges.isEmpty, !drafts.isEmpty else { return [] }
        var byKey: [String: SpanDraft] = [:]
        for draft in drafts { byKey[Self.key(draft)] = draft }
        // Each distinct filter runs once over the export's rows: the rowid range (the primary
        // key), never an index (the workspace's would walk every span the workspace has).
        var matches: [String?: Set<String>] = [:]
        let compiler = QueryCompiler(.telemetry(.spans, tenant: tenant))
        for filter in Set(judges.flatMap(\.filters)) {
            let compiled = try compiler.compile(expression: filter)
            var keys = Set<String>()
            try db.forEach("SELECT t.trace_id, t.span_id FROM spans AS t NOT INDEXED WHERE t.rowid > ? AND t.workspace_id = ? AND \(compiled.sql)",
                           [DatabaseValue.integer(rowid), .text(workspaceID)] + compiled.arguments,
                           columns: { row in (trace: try row.index(of: "trace_id"), span: try row.index(of: "span_id")) }) { row, columns in
                keys.insert(row.string(columns.trace) + "/" + row.string(columns.span))
            }
            matches[filter] = keys
        }
        var evaluations: [EvaluationDraft] = []
        for key in byKey.keys.sorted() {
            guard let draft = byKey[key] else { continue }
            let selected = judges.indices.filter { index in judges[index].filters.contains { matches[$0]?.contains(key) == true } }
            guard !selected.isEmpty else { continue }
            let verdicts = ahead?[key] ?? judgeAll(draft)
            evaluations += selected.compactMap { verdicts[$0] }
        }
        return evaluations
    }

    private func evaluation(_ judge: Judge, _ draft: SpanDraft, _ span: JudgedSpan, _ conversation: JudgedConversation) -> EvaluationDraft {
        let (analysis, answer) = judge.engine.judge(conversation)
        var row = EvaluationDraft(key: "pipeline:\(judge.configID):\(judge.frozen.slug):\(draft.traceID):\(draft.spanID)",
                                  traceID: draft.traceID, spanID: draft.spanID, timeNs: draft.endNs)
        row.evaluationName = judge.evaluationName
        switch (judge.frozen.definition.output, answer) {
        case (.classification(let options), .string(let label)):
            row.scoreLabel = label
            row.scoreValue = Double(options.firstIndex { $0.value == label } ?? 0)
        default:
            row.scoreValue = answer.doubleValue ?? 0
        }
        row.explanation = analysis
        row.responseID = span.column("response_id")
        row.conversationID = span.column("conversation_id")
        var metadata: [(String, JSON)] = [("pipeline_config_id", .string(judge.configID)), ("judge_id", .string(judge.frozen.judgeID)),
                                          ("scorer_slug", .string(judge.frozen.slug)), ("scorer_version", .string(String(judge.frozen.version)))]
        if let pipelineID = judge.pipelineID { metadata.insert(("pipeline_id", .string(pipelineID)), at: 0) }
        row.metadata = JSON.object(JSONObject(metadata)).text
        return row
    }
}

/// A span as a judge reads it: its GenAI messages as a conversation, its attributes as properties.
struct JudgedSpan {
    let draft: SpanDraft
    private let messages: [JSON]
    private let attributes: JSONObject
    private let resourceAttributes: JSONObject

    init(_ draft: SpanDraft, readingAttributes: Bool = true) {
        self.draft = draft
        messages = Self.messages(Self.column("input_messages", of: draft)) + Self.messages(Self.column("output_messages", of: draft))
        attributes = readingAttributes ? (try? JSON.parse(draft.spanAttributes))?.objectValue ?? JSONObject() : JSONObject()
        resourceAttributes = readingAttributes ? (try? JSON.parse(draft.resourceAttributes))?.objectValue ?? JSONObject() : JSONObject()
    }

    func column(_ name: String) -> String { Self.column(name, of: draft) }

    /// A GenAI column's text as the span stored it ('' when absent).
    static func column(_ name: String, of draft: SpanDraft) -> String {
        guard let index = SpanAttributeMapping.index[name], index < draft.mapped.count,
              case .text(let text) = draft.mapped[index] else { return "" }
        return text
    }

    /// A span attribute's value as text (a resource attribute when the span has none).
    func attribute(_ key: String) -> String {
        let value = attributes[key] ?? resourceAttributes[key]
        return value?.stringValue ?? value?.text ?? ""
    }

    /// The conversation to judge, with the mapped attributes as properties; nil when the span
    /// holds no assistant answer (a tool or retrieval span): there is nothing to judge.
    func conversation(mapping: [(property: String, attribute: String)]) -> JudgedConversation? {
        var properties = JSONObject()
        for (property, key) in mapping {
            if let value = attributes[key] ?? resourceAttributes[key] { properties[property] = value }
        }
        return try? JudgedConversation.make(messages: messages, properties: properties)
    }

    /// GenAI messages (`{"role", "parts": [{"type": "text", "content"}, {"type": "tool_call", "name"}]}`,
    /// or chat-completion style `{"role", "content"}`) as the judge's chat messages.
    static func messages(_ text: String) -> [JSON] {
        guard !text.isEmpty, let parsed = try? JSON.parse(text), case .array(let list) = parsed else { return [] }
        return list.compactMap { item -> JSON? in
            guard case .object(let message) = item, let role = message["role"]?.stringValue else { return nil }
            guard case .array(let parts)? = message["parts"] else { return item }
            var texts: [String] = []
            var toolCalls: [JSON] = []
            for case .object(let part) in parts {
                switch part["type"]?.stringValue ?? "text" {
                case "text":
                    if let content = part["content"]?.stringValue ?? part["text"]?.stringValue { texts.append(content) }
                case "tool_call":
                    toolCalls.append(.object(JSONObject([("id", part["id"] ?? .null),
                                                         ("function", .object(JSONObject([("name", part["name"] ?? .null),
                                                                                          ("arguments", part["arguments"] ?? .null)])))])))
                default:
                    break
                }
            }
            var converted = JSONObject([("role", .string(role)), ("content", .string(texts.joined(separator: "\n")))])
            if !toolCalls.isEmpty { converted["tool_calls"] = .array(toolCalls) }
            return .object(converted)
        }
    }
}

extension ObservabilityStore {
    /// Stores an export's spans and, in the same transaction, judges those the workspace's
    /// enabled pipelines select.
    func ingestSpans(_ drafts: [SpanDraft], workspace: Workspace) throws {
        guard !drafts.isEmpty else { return }
        let batch = SpanBatch(drafts, workspaceKey: workspace.id)
        let early = try pool.read { db in try PipelineRunner.load(workspace: workspace, db: db) }
        let ahead = early.judges.isEmpty ? nil : early.judgeAhead(drafts)
        try pool.writeTransaction { db in
            let runner = try PipelineRunner.load(workspace: workspace, db: db)
            guard !runner.judges.isEmpty else {
                try retainSpans(added: try insertSpans(batch, db: db), batch: batch, db: db)
                return
            }
            let lastRowid = try db.scalarInt64("SELECT coalesce(max(rowid), 0) FROM spans") ?? 0
            let added = try insertSpans(batch, db: db)
            let evaluations = try runner.evaluate(drafts, storedAfter: lastRowid, workspaceID: workspace.id,
                                                  ahead: runner.fingerprint == early.fingerprint ? ahead : nil, db: db)
            try insertEvaluations(evaluations, workspaceKey: workspace.id, db: db)
            try retainSpans(added: added, batch: batch, db: db)
        }
    }
}

import EmulatorJSON

/// Judges incoming spans, as a pure function of an export's span drafts and the workspace's
/// enabled configs: every span that an enabled config's span selector matches and its sampling
/// admits is judged by the config's frozen judges with the rule engine. The store
/// (`ingestSpans`) judges every span before it takes the write lock, then, in the export's
/// transaction, selects the stored spans with the configs' filters and keeps those verdicts,
/// so the export's 200 means its spans are already judged. Same span, same config: same row.
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

    /// Whether any judge maps attributes into properties or samples by an attribute: only then
    /// are a span's attribute maps parsed.
    var readsAttributes: Bool {
        judges.contains { judge in
            if !judge.frozen.mapping.isEmpty { return true }
            if case .attributeHash? = judge.frozen.sampling { return true }
            return false
        }
    }

    /// The enabled configs (in creation order), as judges to run.
    init(_ configs: [PipelineConfigRecord]) {
        var judges: [Judge] = []
        for config in configs {
            let filters = config.selectors.filter { $0.sourceKind == "span" }.map(\.filter)
            guard !filters.isEmpty else { continue }
            for frozen in config.judges {
                judges.append(Judge(configID: config.id, pipelineID: config.pipelineID, evaluationName: config.evaluationName(frozen),
                                    frozen: frozen, engine: RuleEngine(definition: frozen.definition), filters: filters))
            }
        }
        self.judges = judges
    }

    /// The distinct span filters the judges select by (nil: every span).
    var filters: Set<String?> { Set(judges.flatMap(\.filters)) }

    /// Every judge's verdict on every span of an export, whatever the selectors (they are
    /// applied later, in the transaction): by span key, one entry per judge, nil where the span
    /// has nothing to judge or the sampling leaves it out.
    typealias Verdicts = [String: [EvaluationDraft?]]

    func judge(_ drafts: [SpanDraft]) -> Verdicts {
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

    /// The evaluations of an export, in a stable order: for each span (by key), the verdicts of
    /// the judges one of whose filters selected it (`selected`: span keys by filter).
    func evaluations(_ drafts: [SpanDraft], verdicts: Verdicts, selected: [String?: Set<String>]) -> [EvaluationDraft] {
        guard !judges.isEmpty else { return [] }
        var keys = Set<String>()
        for draft in drafts { keys.insert(Self.key(draft)) }
        var evaluations: [EvaluationDraft] = []
        for key in keys.sorted() {
            let chosen = judges.indices.filter { index in judges[index].filters.contains { selected[$0]?.contains(key) == true } }
            guard !chosen.isEmpty, let verdicts = verdicts[key] else { continue }
            evaluations += chosen.compactMap { verdicts[$0] }
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

/// How span attributes fill the GenAI columns of a span: the OpenTelemetry GenAI semantic
/// conventions, published as each field's `source_attribute_key`. The older `gen_ai.*` names and
/// OpenInference's single-valued names are fallbacks here; what needs rebuilding (messages,
/// operations, invocation parameters) is `SpanConventions`. The attribute also stays in
/// `span_attributes`.
enum SpanAttributeMapping {
    enum Kind: Sendable {
        /// The attribute's string form (`''` when absent).
        case text
        /// An integer (0 when absent or not an integer).
        case integer
        /// A number, null when absent.
        case optionalReal
        /// A list of strings (a single string becomes a one-item list).
        case stringList
    }

    struct Column: Sendable {
        let name: String
        let attribute: String
        /// Older spellings read when the attribute is absent.
        let fallbacks: [String]
        let kind: Kind
        let type: FieldType
        let group: String

        var field: TelemetryField {
            let storage: TelemetryField.Storage
            switch kind {
            case .text: storage = .text(name)
            case .integer: storage = .integer(name)
            case .optionalReal: storage = .real(name, nullable: true)
            case .stringList: storage = .array(name)
            }
            return TelemetryField(name, type, group, storage, source: attribute)
        }
    }

    private static func column(_ name: String, _ attribute: String, _ kind: Kind = .text, _ type: FieldType = .TEXT,
                               group: String = "GenAI", fallbacks: [String] = []) -> Column {
        Column(name: name, attribute: attribute, fallbacks: fallbacks, kind: kind, type: type, group: group)
    }

    /// In the order of the `GetSpan` row model.
    static let columns: [Column] = [
        column("error_type", "error.type", .text, .ENUM, group: "Span"),
        column("operation_name", "gen_ai.operation.name", .text, .ENUM),
        column("provider_name", "gen_ai.provider.name", .text, .ENUM, fallbacks: ["gen_ai.system", "llm.provider", "llm.system"]),
        column("request_model", "gen_ai.request.model", .text, .ENUM, fallbacks: ["llm.model_name", "embedding.model_name"]),
        column("response_model", "gen_ai.response.model", .text, .ENUM, fallbacks: ["llm.model_name"]),
        column("response_id", "gen_ai.response.id"),
        column("output_type", "gen_ai.output.type", .text, .ENUM),
        column("conversation_id", "gen_ai.conversation.id"),
        column("data_source_id", "gen_ai.data_source.id"),
        column("agent_id", "gen_ai.agent.id"),
        column("agent_name", "gen_ai.agent.name", .text, .ENUM),
        column("agent_version", "gen_ai.agent.version"),
        column("agent_description", "gen_ai.agent.description"),
        column("workflow_name", "gen_ai.workflow.name"),
        column("prompt_name", "gen_ai.prompt.name"),
        column("tool_name", "gen_ai.tool.name", .text, .ENUM, fallbacks: ["tool.name"]),
        column("tool_type", "gen_ai.tool.type", .text, .ENUM),
        column("tool_call_id", "gen_ai.tool.call.id", fallbacks: ["tool_call.id"]),
        column("input_messages", "gen_ai.input.messages"),
        column("output_messages", "gen_ai.output.messages"),
        column("system_instructions", "gen_ai.system_instructions"),
        column("tool_definitions", "gen_ai.tool.definitions"),
        column("tool_call_arguments", "gen_ai.tool.call.arguments"),
        column("tool_call_result", "gen_ai.tool.call.result"),
        column("request_choice_count", "gen_ai.request.choice.count", .integer, .INT),
        column("request_max_tokens", "gen_ai.request.max_tokens", .integer, .INT),
        column("request_temperature", "gen_ai.request.temperature", .optionalReal, .FLOAT),
        column("request_top_p", "gen_ai.request.top_p", .optionalReal, .FLOAT),
        column("request_top_k", "gen_ai.request.top_k", .optionalReal, .FLOAT),
        column("request_presence_penalty", "gen_ai.request.presence_penalty", .optionalReal, .FLOAT),
        column("request_frequency_penalty", "gen_ai.request.frequency_penalty", .optionalReal, .FLOAT),
        column("request_seed", "gen_ai.request.seed", .integer, .INT),
        column("request_stop_sequences", "gen_ai.request.stop_sequences", .stringList, .ARRAY),
        column("request_encoding_formats", "gen_ai.request.encoding_formats", .stringList, .ARRAY),
        column("response_finish_reasons", "gen_ai.response.finish_reasons", .stringList, .ARRAY),
        column("usage_input_tokens", "gen_ai.usage.input_tokens", .integer, .INT, group: "Usage",
               fallbacks: ["gen_ai.usage.prompt_tokens", "llm.token_count.prompt"]),
        column("usage_output_tokens", "gen_ai.usage.output_tokens", .integer, .INT, group: "Usage",
               fallbacks: ["gen_ai.usage.completion_tokens", "llm.token_count.completion"]),
        column("usage_cache_read_input_tokens", "gen_ai.usage.cache_read.input_tokens", .integer, .INT, group: "Usage",
               fallbacks: ["gen_ai.usage.cache_read_input_tokens", "llm.token_count.prompt_details.cache_read"]),
        column("usage_cache_creation_input_tokens", "gen_ai.usage.cache_creation.input_tokens", .integer, .INT, group: "Usage",
               fallbacks: ["gen_ai.usage.cache_creation_input_tokens", "llm.token_count.prompt_details.cache_write"]),
    ]

    /// Each column's kind, in `columns` order (read per span without copying a `Column`).
    static let kinds: [Kind] = columns.map(\.kind)

    /// The columns an attribute key fills (a fallback spelling may fill two: `llm.model_name` is
    /// the request's and the response's model), and whether it is a fallback there.
    static let slotsByAttribute: [String: [(slot: Int, isFallback: Bool)]] = {
        var slots: [String: [(slot: Int, isFallback: Bool)]] = [:]
        for (index, column) in columns.enumerated() {
            slots[column.attribute, default: []].append((index, false))
            for fallback in column.fallbacks { slots[fallback, default: []].append((index, true)) }
        }
        return slots
    }()

    /// A column's position in `columns` (and in `SpanDraft.mapped`).
    static let index: [String: Int] = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.name, $0) })

    /// The positions the trace roll-up reads, looked up once.
    enum Slot {
        static let conversationID = index["conversation_id"]!, workflowName = index["workflow_name"]!
        static let agentID = index["agent_id"]!, agentName = index["agent_name"]!
        static let operationName = index["operation_name"]!, requestModel = index["request_model"]!, toolName = index["tool_name"]!
        static let inputMessages = index["input_messages"]!, outputMessages = index["output_messages"]!
        static let usage = usageColumns.map { index[$0]! }
    }

    /// The token-count columns, in the order the trace roll-up keeps them.
    static let usageColumns = ["usage_input_tokens", "usage_output_tokens", "usage_cache_read_input_tokens", "usage_cache_creation_input_tokens"]

    /// Operation names that count as LLM calls, tool calls and retrievals in a trace's roll-up.
    static let llmOperations: Set<String> = ["chat", "text_completion", "generate_content"]
    static let toolOperation = "execute_tool"
    static let retrievalOperation = "retrieval"
}

/// The four searchable telemetry resources (traces, spans, logs, span evaluations): their row
/// model in the order the API returns it, their table and the columns that order a feed. One
/// definition serves the field listing, the search compiler, the aggregates and the renderer.
struct TelemetryResource: Sendable {
    /// `traces`, `spans`, `logs`, `evaluations`.
    let name: String
    let table: String
    /// The row model's fields in order, then the search-only fields.
    let fields: [TelemetryField]
    /// The feed's time field (`start_time`, `timestamp`) and its column.
    let timeField: String
    let timeColumn: String
    /// The columns after the time column that make the feed order total.
    let keyColumns: [String]
    /// Where the fields are listed, for the unknown-field error.
    let fieldsPath: String

    var rowFields: [TelemetryField] { fields.filter(\.isRowColumn) }

    func field(_ name: String) -> TelemetryField? { fields.first { $0.name == name } }

    static let tenant: [TelemetryField] = [
        TelemetryField("customer_id", .TEXT, "Resource", .tenant(.customer_id)),
        TelemetryField("organization_id", .TEXT, "Resource", .tenant(.organization_id)),
        TelemetryField("workspace_id", .TEXT, "Resource", .tenant(.workspace_id)),
        TelemetryField("user_id", .TEXT, "Resource", .tenant(.user_id)),
        TelemetryField("service_account_id", .TEXT, "Resource", .tenant(.service_account_id)),
    ]

    static let spans = TelemetryResource(
        name: "spans", table: "spans",
        fields: tenant + [
            TelemetryField("trace_id", .TEXT, "Span", .text("trace_id")),
            TelemetryField("span_id", .TEXT, "Span", .text("span_id")),
            TelemetryField("parent_span_id", .TEXT, "Span", .text("parent_span_id")),
            TelemetryField("trace_state", .TEXT, "Span", .text("trace_state")),
            TelemetryField("start_time", .TIMESTAMP, "Span", .instant("start_ns")),
            TelemetryField("end_time", .TIMESTAMP, "Span", .instant("end_ns")),
            TelemetryField("duration_ns", .INT, "Span", .integer("duration_ns")),
            TelemetryField("span_name", .TEXT, "Span", .text("span_name")),
            TelemetryField("span_kind", .ENUM, "Span", .text("span_kind")),
            TelemetryField("service_name", .ENUM, "Resource", .text("service_name"), source: "service.name"),
            TelemetryField("status_code", .ENUM, "Span", .text("status_code")),
            TelemetryField("status_message", .TEXT, "Span", .text("status_message")),
        ] + SpanAttributeMapping.columns.map(\.field) + [
            TelemetryField("resource_attributes", .MAP, "Resource", .map("resource_attributes")),
            TelemetryField("span_attributes", .MAP, "Span", .map("span_attributes")),
            TelemetryField("scope_name", .TEXT, "Span", .text("scope_name")),
            TelemetryField("scope_version", .TEXT, "Span", .text("scope_version")),
        ],
        timeField: "start_time", timeColumn: "start_ns", keyColumns: ["span_id", "trace_id"],
        fieldsPath: "GET /v1/observability/spans/fields")

    static let traces = TelemetryResource(
        name: "traces", table: "traces",
        fields: tenant + [
            TelemetryField("trace_id", .TEXT, "Trace", .text("trace_id")),
            TelemetryField("root_span_id", .TEXT, "Trace", .text("root_span_id")),
            TelemetryField("root_span_name", .TEXT, "Trace", .text("root_span_name")),
            TelemetryField("start_time", .TIMESTAMP, "Trace", .instant("start_ns")),
            TelemetryField("end_time", .TIMESTAMP, "Trace", .instant("end_ns")),
            TelemetryField("duration_ns", .INT, "Trace", .integer("duration_ns")),
            TelemetryField("service_name", .ENUM, "Resource", .text("service_name"), source: "service.name"),
            TelemetryField("environment", .ENUM, "Resource", .text("environment"), source: "deployment.environment.name"),
            TelemetryField("conversation_id", .TEXT, "GenAI", .text("conversation_id"), source: "gen_ai.conversation.id"),
            TelemetryField("workflow_name", .TEXT, "GenAI", .text("workflow_name"), source: "gen_ai.workflow.name"),
            TelemetryField("agent_id", .TEXT, "GenAI", .text("agent_id"), source: "gen_ai.agent.id"),
            TelemetryField("agent_name", .TEXT, "GenAI", .text("agent_name"), source: "gen_ai.agent.name"),
            TelemetryField("status_code", .ENUM, "Trace", .text("status_code")),
            TelemetryField("error_count", .INT, "Trace", .integer("error_count")),
            TelemetryField("span_count", .INT, "Trace", .integer("span_count")),
            TelemetryField("gen_ai_span_count", .INT, "GenAI", .integer("gen_ai_span_count")),
            TelemetryField("llm_call_count", .INT, "GenAI", .integer("llm_call_count")),
            TelemetryField("tool_call_count", .INT, "GenAI", .integer("tool_call_count")),
            TelemetryField("retrieval_count", .INT, "GenAI", .integer("retrieval_count")),
            TelemetryField("evaluation_count", .INT, "Evaluation", .integer("evaluation_count")),
            TelemetryField("input_tokens", .INT, "Usage", .integer("input_tokens")),
            TelemetryField("output_tokens", .INT, "Usage", .integer("output_tokens")),
            TelemetryField("cache_read_input_tokens", .INT, "Usage", .integer("cache_read_input_tokens")),
            TelemetryField("cache_creation_input_tokens", .INT, "Usage", .integer("cache_creation_input_tokens")),
            TelemetryField("models_used", .ARRAY, "GenAI", .array("models_used")),
            TelemetryField("tools_used", .ARRAY, "GenAI", .array("tools_used")),
            TelemetryField("first_turn_last_input_message", .TEXT, "GenAI", .text("first_turn_last_input_message")),
            TelemetryField("first_turn_last_output_message", .TEXT, "GenAI", .text("first_turn_last_output_message")),
            TelemetryField("last_turn_last_input_message", .TEXT, "GenAI", .text("last_turn_last_input_message")),
            TelemetryField("last_turn_last_output_message", .TEXT, "GenAI", .text("last_turn_last_output_message")),
            // Search-only: matched when any span of the trace matches.
            TelemetryField("span_attributes", .MAP, "Span", .anySpan(.map("span_attributes"))),
            TelemetryField("resource_attributes", .MAP, "Resource", .anySpan(.map("resource_attributes"))),
            TelemetryField("error_message", .TEXT, "Trace", .anySpan(.errorMessage)),
        ],
        timeField: "start_time", timeColumn: "start_ns", keyColumns: ["trace_id"],
        fieldsPath: "GET /v1/observability/traces/fields")

    static let logs = TelemetryResource(
        name: "logs", table: "logs",
        fields: tenant + [
            TelemetryField("timestamp", .TIMESTAMP, "Log", .instant("time_ns")),
            TelemetryField("trace_id", .TEXT, "Log", .text("trace_id")),
            TelemetryField("span_id", .TEXT, "Log", .text("span_id")),
            TelemetryField("trace_flags", .INT, "Log", .integer("trace_flags")),
            TelemetryField("severity_text", .ENUM, "Log", .text("severity_text")),
            TelemetryField("severity_number", .INT, "Log", .integer("severity_number")),
            TelemetryField("service_name", .ENUM, "Resource", .text("service_name"), source: "service.name"),
            TelemetryField("body", .TEXT, "Log", .text("body")),
            TelemetryField("event_name", .ENUM, "Log", .text("event_name"), source: "event.name"),
            TelemetryField("resource_schema_url", .TEXT, "Resource", .text("resource_schema_url")),
            TelemetryField("resource_attributes", .MAP, "Resource", .map("resource_attributes")),
            TelemetryField("scope_schema_url", .TEXT, "Log", .text("scope_schema_url")),
            TelemetryField("scope_name", .TEXT, "Log", .text("scope_name")),
            TelemetryField("scope_version", .TEXT, "Log", .text("scope_version")),
            TelemetryField("scope_attributes", .MAP, "Log", .map("scope_attributes")),
            TelemetryField("log_attributes", .MAP, "Log", .map("log_attributes")),
        ],
        timeField: "timestamp", timeColumn: "time_ns", keyColumns: ["fingerprint"],
        fieldsPath: "GET /v1/observability/logs/fields")

    static let evaluations = TelemetryResource(
        name: "evaluations", table: "span_evaluations",
        fields: tenant + [
            TelemetryField("trace_id", .TEXT, "Evaluation", .text("trace_id")),
            TelemetryField("span_id", .TEXT, "Evaluation", .text("span_id")),
            TelemetryField("response_id", .TEXT, "GenAI", .text("response_id"), source: "gen_ai.response.id"),
            TelemetryField("conversation_id", .TEXT, "GenAI", .text("conversation_id"), source: "gen_ai.conversation.id"),
            TelemetryField("timestamp", .TIMESTAMP, "Evaluation", .instant("time_ns")),
            TelemetryField("evaluation_name", .ENUM, "Evaluation", .text("evaluation_name"), source: "gen_ai.evaluation.name"),
            TelemetryField("score_value", .FLOAT, "Evaluation", .real("score_value", nullable: false), source: "gen_ai.evaluation.score.value"),
            TelemetryField("score_label", .ENUM, "Evaluation", .text("score_label"), source: "gen_ai.evaluation.score.label"),
            TelemetryField("explanation", .TEXT, "Evaluation", .text("explanation"), source: "gen_ai.evaluation.explanation"),
            TelemetryField("metadata", .MAP, "Evaluation", .map("metadata")),
        ],
        timeField: "timestamp", timeColumn: "time_ns", keyColumns: ["eval_key"],
        fieldsPath: "GET /v1/observability/spans/evaluations/fields")
}

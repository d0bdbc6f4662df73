import EmulatorJSON
import EmulatorStore

/// A row of `events` with the derived fields, enough for previews and `extra_fields`.
struct EventRow {
    let rowID: Int64
    let eventID: String
    let correlationID: String
    let createdMs: Int64
    let inputTokens: Int64
    let outputTokens: Int64
    let modelName: String?
    let firstSystemMessage: String?
    let lastUserMessage: String?
    let responsePreview: String?
    let invokedTools: String
    let enabledTools: String
    let nbMessages: Int64
    let totalTimeElapsed: Double?
    let agentID: String?
    let metadata: String

    static let columns = "e.rowid, e.event_id, e.correlation_id, e.created_ms, e.input_tokens, e.output_tokens, e.model_name, e.first_system_message, e.last_user_message_preview, e.response_messages_preview, e.invoked_tools, e.enabled_tools, e.nb_messages, e.total_time_elapsed, e.api_agent_id, e.metadata"

    init(_ row: Row) {
        rowID = row.int64(0); eventID = row.string(1); correlationID = row.string(2); createdMs = row.int64(3)
        inputTokens = row.int64(4); outputTokens = row.int64(5); modelName = row.optionalString(6)
        firstSystemMessage = row.optionalString(7); lastUserMessage = row.optionalString(8); responsePreview = row.optionalString(9)
        invokedTools = row.string(10); enabledTools = row.string(11); nbMessages = row.int64(12)
        totalTimeElapsed = row.optionalDouble(13); agentID = row.optionalString(14); metadata = row.string(15)
    }

    /// The value of a catalogue field for `extra_fields`.
    func value(of field: FieldDefinition, annotations: [String: JSON]) -> JSON {
        switch field.source {
        case .mapEntry(_, let key):
            return (try? JSON.parse(metadata))?[key] ?? .null
        case .annotation(let judgeID):
            return annotations[judgeID] ?? .null
        case .column:
            switch field.name {
            case "event_id": return .string(eventID)
            case "correlation_id": return .string(correlationID)
            case "timestamp": return .string(Timestamp.format(createdMs))
            case "model_name": return .string(modelName)
            case "api_agent_id": return .string(agentID)
            case "first_system_message": return .string(firstSystemMessage)
            case "last_user_message_preview": return .string(lastUserMessage)
            case "response_messages_preview": return .string(responsePreview)
            case "nb_messages": return .int(nbMessages)
            case "invoked_tools": return (try? JSON.parse(invokedTools)) ?? .array([])
            case "enabled_tools": return (try? JSON.parse(enabledTools)) ?? .array([])
            case "input_tokens": return .int(inputTokens)
            case "output_tokens": return .int(outputTokens)
            case "total_time_elapsed": return totalTimeElapsed.map { .double($0) } ?? .null
            default: return .null
            }
        }
    }

    func preview(extraFields: [FieldDefinition], annotations: [String: JSON]) -> JSON {
        var extra = JSONObject()
        for field in extraFields { extra[field.name] = value(of: field, annotations: annotations) }
        return .object(JSONObject([
            ("event_id", .string(eventID)),
            ("correlation_id", .string(correlationID)),
            ("created_at", .string(Timestamp.format(createdMs))),
            ("extra_fields", .object(extra)),
            ("nb_input_tokens", .int(inputTokens)),
            ("nb_output_tokens", .int(outputTokens)),
        ]))
    }
}

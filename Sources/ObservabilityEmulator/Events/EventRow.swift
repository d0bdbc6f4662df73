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

    static let columns = "e.rowid AS rowid, e.event_id, e.correlation_id, e.created_ms, e.input_tokens, e.output_tokens, e.model_name, e.first_system_message, e.last_user_message_preview, e.response_messages_preview, e.invoked_tools, e.enabled_tools, e.nb_messages, e.total_time_elapsed, e.api_agent_id, e.metadata"

    /// The positions of `columns` in a statement's results, resolved once per query so a feed
    /// of many events reads each row by name without a lookup per column.
    struct Columns: ColumnPositions {
        var rowID = 0, eventID = 0, correlationID = 0, createdMs = 0, inputTokens = 0, outputTokens = 0, modelName = 0
        var firstSystemMessage = 0, lastUserMessage = 0, responsePreview = 0, invokedTools = 0, enabledTools = 0
        var nbMessages = 0, totalTimeElapsed = 0, agentID = 0, metadata = 0

        static let names: [ColumnName<Columns>] = [
            (\.rowID, "rowid"), (\.eventID, "event_id"), (\.correlationID, "correlation_id"), (\.createdMs, "created_ms"),
            (\.inputTokens, "input_tokens"), (\.outputTokens, "output_tokens"), (\.modelName, "model_name"),
            (\.firstSystemMessage, "first_system_message"), (\.lastUserMessage, "last_user_message_preview"),
            (\.responsePreview, "response_messages_preview"), (\.invokedTools, "invoked_tools"), (\.enabledTools, "enabled_tools"),
            (\.nbMessages, "nb_messages"), (\.totalTimeElapsed, "total_time_elapsed"), (\.agentID, "api_agent_id"), (\.metadata, "metadata"),
        ]
    }

    init(_ row: Row, _ columns: Columns) {
        rowID = row.int64(columns.rowID); eventID = row.string(columns.eventID); correlationID = row.string(columns.correlationID)
        createdMs = row.int64(columns.createdMs); inputTokens = row.int64(columns.inputTokens); outputTokens = row.int64(columns.outputTokens)
        modelName = row.optionalString(columns.modelName); firstSystemMessage = row.optionalString(columns.firstSystemMessage)
        lastUserMessage = row.optionalString(columns.lastUserMessage); responsePreview = row.optionalString(columns.responsePreview)
        invokedTools = row.string(columns.invokedTools); enabledTools = row.string(columns.enabledTools)
        nbMessages = row.int64(columns.nbMessages); totalTimeElapsed = row.optionalDouble(columns.totalTimeElapsed)
        agentID = row.optionalString(columns.agentID); metadata = row.string(columns.metadata)
    }

    /// The value of a catalogue field for `extra_fields`.
    func value(of field: FieldDefinition, annotations: [String: JSON]) -> JSON {
        switch field.source {
        case .mapEntry(_, let key):
            return (try? JSON.parse(metadata))?[key] ?? .null
        case .annotation(let judgeID):
            return annotations[judgeID] ?? .null
        case .column, .optionalColumn, .tenant, .anySpan:
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

/// The fields of a chat-completion event that filters and extra fields can name: the fixed
/// columns, `metadata.<key>` entries and `__judge_<judge-id>` annotations.
enum FieldCatalog {
    static let groups: [(name: String, label: String)] = [
        ("event", "Event"), ("messages", "Messages"), ("tools", "Tools"), ("usage", "Usage"),
        ("metadata", "Metadata"), ("judges", "Judges"),
    ]

    static let fixed: [FieldDefinition] = [
        FieldDefinition(name: "event_id", label: "Event ID", type: .TEXT, group: "event", source: .column("event_id")),
        FieldDefinition(name: "correlation_id", label: "Correlation ID", type: .TEXT, group: "event", source: .column("correlation_id")),
        FieldDefinition(name: "timestamp", label: "Timestamp", type: .TIMESTAMP, group: "event", source: .column("created_ms")),
        FieldDefinition(name: "model_name", label: "Model", type: .ENUM, group: "event", source: .column("model_name")),
        FieldDefinition(name: "api_agent_id", label: "Agent ID", type: .TEXT, group: "event", source: .column("api_agent_id")),
        FieldDefinition(name: "first_system_message", label: "System prompt", type: .TEXT, group: "messages", source: .column("first_system_message")),
        FieldDefinition(name: "last_user_message_preview", label: "Last user message", type: .TEXT, group: "messages", source: .column("last_user_message_preview")),
        FieldDefinition(name: "response_messages_preview", label: "Response", type: .TEXT, group: "messages", source: .column("response_messages_preview")),
        FieldDefinition(name: "nb_messages", label: "Number of messages", type: .INT, group: "messages", source: .column("nb_messages")),
        FieldDefinition(name: "invoked_tools", label: "Invoked tools", type: .ARRAY, group: "tools", source: .column("invoked_tools")),
        FieldDefinition(name: "enabled_tools", label: "Enabled tools", type: .ARRAY, group: "tools", source: .column("enabled_tools")),
        FieldDefinition(name: "input_tokens", label: "Input tokens", type: .INT, group: "usage", source: .column("input_tokens")),
        FieldDefinition(name: "output_tokens", label: "Output tokens", type: .INT, group: "usage", source: .column("output_tokens")),
        FieldDefinition(name: "total_time_elapsed", label: "Total time elapsed (s)", type: .FLOAT, group: "usage", source: .column("total_time_elapsed")),
    ]

    static let fixedByName: [String: FieldDefinition] = Dictionary(uniqueKeysWithValues: fixed.map { ($0.name, $0) })

    static let metadataPrefix = "metadata."
    static let judgePrefix = "__judge_"

    /// Resolves a field name. `judgeOutputType` answers for a judge id of the workspace
    /// (nil when the workspace has no such judge).
    static func resolve(_ name: String, judgeOutputType: (String) -> FieldType?) -> FieldDefinition? {
        if let field = fixedByName[name] { return field }
        if name.hasPrefix(metadataPrefix) {
            let key = String(name.dropFirst(metadataPrefix.count))
            guard !key.isEmpty, key.count <= 200 else { return nil }
            return FieldDefinition(name: name, label: "Metadata: \(key)", type: .TEXT, group: "metadata", source: .mapEntry(column: "metadata", key: key))
        }
        if name.hasPrefix(judgePrefix) {
            let id = String(name.dropFirst(judgePrefix.count)).lowercased()
            guard UUIDText.isValid(id), let type = judgeOutputType(id) else { return nil }
            return FieldDefinition(name: judgePrefix + id, label: "Judge \(id)", type: type, group: "judges", source: .annotation(judgeID: id))
        }
        return nil
    }
}

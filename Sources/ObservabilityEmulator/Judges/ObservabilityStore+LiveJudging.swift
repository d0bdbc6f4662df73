import EmulatorJSON

extension ObservabilityStore {
    /// An event's request and response messages as a conversation to judge, with its metadata as
    /// properties; nil when the workspace cannot see the event.
    func eventConversation(eventID: String, workspaceID: String) throws -> JudgedConversation? {
        guard let (body, metadata) = try pool.read({ db in
            try db.queryOne("SELECT e.body, e.metadata FROM events AS e WHERE e.event_id = ? AND \(Self.visibleToWorkspace)", [eventID, workspaceID]) {
                (try $0.bytes("body"), try $0.string("metadata"))
            }
        }) else { return nil }
        let parsed = try JSON.parse(body)
        let messages = (parsed["request_messages"]?.arrayValue ?? []) + (parsed["response_messages"]?.arrayValue ?? [])
        let properties = (try? JSON.parse(metadata))?.objectValue ?? JSONObject()
        return try JudgedConversation.stored(messages: messages, properties: properties, path: "event \(eventID) messages")
    }
}

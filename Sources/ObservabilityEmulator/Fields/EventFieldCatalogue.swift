import EmulatorStore

/// The fields of chat-completion events (`FieldCatalog`) over the `events` table aliased `e`:
/// fixed columns, `metadata.<key>` entries of the metadata JSON, and the workspace's
/// `__judge_<id>` annotations.
struct EventFieldCatalogue: FieldCatalogue {
    /// The workspace whose annotations `__judge_…` fields read.
    let workspaceID: String
    /// Output type of a judge of this workspace, by id.
    let judgeOutputType: (String) -> FieldType?

    func resolve(_ name: String) -> FieldDefinition? {
        FieldCatalog.resolve(name, judgeOutputType: judgeOutputType)
    }

    func expression(for field: FieldDefinition, _ arguments: inout [DatabaseValue]) -> String {
        switch field.source {
        case .column(let column):
            return "e." + column
        case .mapEntry(let column, let key):
            arguments.append(.text(key))
            return "(SELECT m.value FROM json_each(e.\(column)) AS m WHERE m.key = ?)"
        case .annotation(let judgeID):
            arguments.append(.text(workspaceID))
            arguments.append(.text(judgeID))
            let column = field.type == .FLOAT ? "value_num" : "value_text"
            return "(SELECT a.\(column) FROM annotations AS a WHERE a.event_rowid = e.rowid AND a.workspace_id = ? AND a.judge_id = ?)"
        }
    }

    var fieldListing: String { "GET /v1/observability/chat-completion-fields lists the fields" }
}

import EmulatorJSON
import EmulatorStore

/// A stored judge revision.
struct JudgeRecord {
    let id: String
    let workspaceID: String
    let ownerID: String
    let baseRevision: String
    let downRevision: String?
    let upRevision: String?
    let definition: JudgeDefinition
    let createdMs: Int64
    let updatedMs: Int64
    let deletedMs: Int64?

    static let columns = "id, workspace_id, owner_id, base_revision, down_revision, up_revision, name, description, model_name, output, instructions, tools, created_ms, updated_ms, deleted_ms"

    /// Reads a row of `columns` by name. The definition was validated when it was stored, so
    /// it is decoded, not validated again; its rules are parsed when it first judges.
    init(_ row: Row) throws {
        id = try row.string("id")
        workspaceID = try row.string("workspace_id")
        ownerID = try row.string("owner_id")
        baseRevision = try row.string("base_revision")
        downRevision = try row.optionalString("down_revision")
        upRevision = try row.optionalString("up_revision")
        let outputText = try row.string("output")
        guard let output = JudgeOutputSpec(stored: try JSON.parse(Array(outputText.utf8))) else {
            throw DatabaseError(code: 0, message: "judge \(id): stored output is not a judge output: \(outputText.prefix(200))")
        }
        let tools = (try JSON.parse(Array(try row.string("tools").utf8))).arrayValue?.compactMap(\.stringValue) ?? []
        definition = JudgeDefinition(name: try row.string("name"), description: try row.string("description"), modelName: try row.string("model_name"),
                                     output: output, instructions: try row.string("instructions"), tools: tools, parsedRules: nil)
        createdMs = try row.int64("created_ms")
        updatedMs = try row.int64("updated_ms")
        deletedMs = try row.isNull(row.index(of: "deleted_ms")) ? nil : row.int64("deleted_ms")
    }

    var json: JSON {
        .object(JSONObject([
            ("id", .string(id)), ("created_at", .string(Timestamp.format(createdMs))), ("updated_at", .string(Timestamp.format(updatedMs))),
            ("deleted_at", deletedMs.map { .string(Timestamp.format($0)) } ?? .null), ("owner_id", .string(ownerID)),
            ("workspace_id", .string(workspaceID)), ("name", .string(definition.name)), ("description", .string(definition.description)),
            ("model_name", .string(definition.modelName)), ("output", definition.output.json), ("instructions", .string(definition.instructions)),
            ("tools", .array(definition.tools.map { .string($0) })), ("up_revision", .string(upRevision)),
            ("down_revision", .string(downRevision)), ("base_revision", .string(baseRevision)),
        ]))
    }
}

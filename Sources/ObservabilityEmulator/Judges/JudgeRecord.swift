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

    init(_ row: Row) throws {
        id = row.string(0); workspaceID = row.string(1); ownerID = row.string(2); baseRevision = row.string(3)
        downRevision = row.optionalString(4); upRevision = row.optionalString(5)
        let output = try JSON.parse(row.string(9))
        let tools = (try JSON.parse(row.string(11))).arrayValue?.compactMap(\.stringValue) ?? []
        var object = JSONObject()
        object["name"] = .string(row.string(6)); object["description"] = .string(row.string(7)); object["model_name"] = .string(row.string(8))
        object["output"] = output; object["instructions"] = .string(row.string(10)); object["tools"] = .array(tools.map { .string($0) })
        definition = try JudgeDefinition.parse(BodyReader(object: object), trusted: true)
        createdMs = row.int64(12); updatedMs = row.int64(13); deletedMs = row.isNull(14) ? nil : row.int64(14)
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

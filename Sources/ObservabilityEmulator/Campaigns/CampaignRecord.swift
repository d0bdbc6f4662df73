import EmulatorJSON
import EmulatorStore
import Foundation

/// A stored campaign with its judge revision, as `CampaignPreview` shows it.
struct CampaignRecord {
    let id: String
    let workspaceID: String
    let ownerID: String
    let name: String
    let description: String
    let maxEvents: Int64
    let searchParams: String
    let judgeID: String
    let status: String
    let message: String?
    let statusReads: Int
    let pace: String
    let wallMs: Int64
    let createdMs: Int64
    let updatedMs: Int64
    let deletedMs: Int64?

    static let columns = "id, workspace_id, owner_id, name, description, max_nb_events, search_params, judge_id, status, message, status_reads, pace, wall_ms, created_ms, updated_ms, deleted_ms"

    init(_ row: Row) throws {
        id = try row.string("id"); workspaceID = try row.string("workspace_id"); ownerID = try row.string("owner_id")
        name = try row.string("name"); description = try row.string("description")
        maxEvents = try row.int64("max_nb_events"); searchParams = try row.string("search_params"); judgeID = try row.string("judge_id")
        status = try row.string("status"); message = try row.optionalString("message"); statusReads = try row.int("status_reads")
        pace = try row.string("pace"); wallMs = try row.int64("wall_ms")
        createdMs = try row.int64("created_ms"); updatedMs = try row.int64("updated_ms")
        deletedMs = try row.isNull("deleted_ms") ? nil : try row.int64("deleted_ms")
    }

    func json(judge: JudgeRecord?) -> JSON {
        .object(JSONObject([
            ("id", .string(id)), ("created_at", .string(Timestamp.format(createdMs))), ("updated_at", .string(Timestamp.format(updatedMs))),
            ("deleted_at", deletedMs.map { .string(Timestamp.format($0)) } ?? .null), ("name", .string(name)),
            ("owner_id", .string(ownerID)), ("workspace_id", .string(workspaceID)), ("description", .string(description)),
            ("max_nb_events", .int(maxEvents)), ("search_params", (try? JSON.parse(searchParams)) ?? ["filters": .null]),
            ("judge", judge?.json ?? .null),
        ]))
    }
}

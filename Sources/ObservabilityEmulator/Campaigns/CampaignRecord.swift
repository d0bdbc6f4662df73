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

    init(_ row: Row) {
        id = row.string(0); workspaceID = row.string(1); ownerID = row.string(2); name = row.string(3); description = row.string(4)
        maxEvents = row.int64(5); searchParams = row.string(6); judgeID = row.string(7); status = row.string(8)
        message = row.optionalString(9); statusReads = row.int(10); pace = row.string(11); wallMs = row.int64(12)
        createdMs = row.int64(13); updatedMs = row.int64(14); deletedMs = row.isNull(15) ? nil : row.int64(15)
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

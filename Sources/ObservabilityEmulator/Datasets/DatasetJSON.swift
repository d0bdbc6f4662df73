import EmulatorJSON
import EmulatorStore
import Foundation

/// Dataset, record and import-task rows rendered as the OpenAPI's `Dataset`, `DatasetRecord`
/// and `DatasetImportTask`.
enum DatasetJSON {
    static func dataset(_ row: Row) -> JSON {
        // id, workspace_id, owner_id, name, description, created_ms, updated_ms, deleted_ms
        .object(JSONObject([
            ("id", .string(row.string(0))), ("created_at", .string(Timestamp.format(row.int64(5)))),
            ("updated_at", .string(Timestamp.format(row.int64(6)))), ("deleted_at", row.isNull(7) ? .null : .string(Timestamp.format(row.int64(7)))),
            ("name", .string(row.string(3))), ("description", .string(row.string(4))), ("owner_id", .string(row.string(2))),
            ("workspace_id", .string(row.string(1))),
        ]))
    }
    static let datasetColumns = "id, workspace_id, owner_id, name, description, created_ms, updated_ms, deleted_ms"

    static func record(_ row: Row) -> JSON {
        // id, dataset_id, payload, properties, source, created_ms, updated_ms, deleted_ms
        .object(JSONObject([
            ("id", .string(row.string(0))), ("created_at", .string(Timestamp.format(row.int64(5)))),
            ("updated_at", .string(Timestamp.format(row.int64(6)))), ("deleted_at", row.isNull(7) ? .null : .string(Timestamp.format(row.int64(7)))),
            ("dataset_id", .string(row.string(1))), ("payload", (try? JSON.parse(row.string(2))) ?? ["messages": []]),
            ("properties", (try? JSON.parse(row.string(3))) ?? [:]), ("source", .string(row.string(4))),
        ]))
    }
    static let recordColumns = "id, dataset_id, payload, properties, source, created_ms, updated_ms, deleted_ms"

    static let taskColumns = "id, dataset_id, workspace_id, creator_id, status, progress, message, status_reads, pace, wall_ms, created_ms, updated_ms, deleted_ms"
}

import EmulatorJSON
import EmulatorStore
import Foundation

/// Dataset, record and import-task rows rendered as the OpenAPI's `Dataset`, `DatasetRecord`
/// and `DatasetImportTask`.
enum DatasetJSON {
    static func dataset(_ row: Row) throws -> JSON {
        let deleted = try row.index(of: "deleted_ms")
        return .object(JSONObject([
            ("id", .string(try row.string("id"))), ("created_at", .string(Timestamp.format(try row.int64("created_ms")))),
            ("updated_at", .string(Timestamp.format(try row.int64("updated_ms")))),
            ("deleted_at", row.isNull(deleted) ? .null : .string(Timestamp.format(row.int64(deleted)))),
            ("name", .string(try row.string("name"))), ("slug", .string(try row.string("slug"))), ("description", .string(try row.string("description"))),
            ("owner_id", .string(try row.string("owner_id"))), ("workspace_id", .string(try row.string("workspace_id"))),
        ]))
    }
    static let datasetColumns = "id, workspace_id, owner_id, name, slug, description, created_ms, updated_ms, deleted_ms"

    static func record(_ row: Row) throws -> JSON {
        let deleted = try row.index(of: "deleted_ms")
        let payload = try row.string("payload"), properties = try row.string("properties")
        return .object(JSONObject([
            ("id", .string(try row.string("id"))), ("created_at", .string(Timestamp.format(try row.int64("created_ms")))),
            ("updated_at", .string(Timestamp.format(try row.int64("updated_ms")))),
            ("deleted_at", row.isNull(deleted) ? .null : .string(Timestamp.format(row.int64(deleted)))),
            ("dataset_id", .string(try row.string("dataset_id"))), ("payload", (try? JSON.parse(payload)) ?? ["messages": []]),
            ("properties", (try? JSON.parse(properties)) ?? [:]), ("source", .string(try row.string("source"))),
        ]))
    }
    static let recordColumns = "id, dataset_id, payload, properties, source, created_ms, updated_ms, deleted_ms"

    static let taskColumns = """
        id, dataset_id, workspace_id, creator_id, status, progress, message, status_reads, pace, wall_ms, created_ms, updated_ms, deleted_ms,         requested_count, imported_count, skipped_count
        """
}

import EmulatorHTTP
import EmulatorJSON
import EmulatorStore

/// The minimal `/v1/files` the dataset imports need: upload (multipart, exactly as the SDK's
/// `files.upload` sends it), retrieve, download.
enum FileRoutes {
    static let maximumFileBytes = 8 * 1024 * 1024

    static func fileJSON(_ row: Row) -> JSON {
        // id, filename, purpose, bytes, created_ms, content line count
        .object(JSONObject([
            ("id", .string(row.string(0))), ("object", "file"), ("bytes", .int(row.int64(3))),
            ("created_at", .int(row.int64(4) / 1000)), ("filename", .string(row.string(1))), ("purpose", .string(row.string(2))),
            ("sample_type", "instruct"), ("source", "upload"), ("deleted", false), ("num_lines", .int(row.int64(5))),
            ("mimetype", "application/jsonl"),
        ]))
    }

    static let columns = "id, filename, purpose, bytes, created_ms, (length(content) - length(replace(CAST(content AS TEXT), char(10), '')))"

    static func upload(_ call: Call) throws -> HTTPResponseBox {
        let contentType = call.request.header(HTTPHeader.contentType) ?? ""
        let parts = try Multipart.parse(body: call.request.body, contentType: contentType)
        guard let file = parts.first(where: { $0.name == "file" }) else {
            throw APIError.validation("file: field required (a multipart part named 'file')")
        }
        if file.body.count > maximumFileBytes {
            throw APIError(413, nil, "file: larger than the emulator's limit of \(maximumFileBytes) bytes")
        }
        let purpose = parts.first(where: { $0.name == "purpose" }).map { String(decoding: $0.body, as: UTF8.self) } ?? "fine-tune"
        let filename = String((file.filename ?? "upload.jsonl").split(separator: "/").last ?? "upload.jsonl").prefix(255)
        let store = call.store
        let row = try store.pool.writeTransaction { db -> JSON in
            let id = store.ids.next()
            try db.run("INSERT INTO files (id, workspace_id, filename, purpose, bytes, content, created_ms, deleted_ms) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                       [id, call.workspace.id, String(filename), purpose, file.body.count, DatabaseValue.blob(file.body), store.nowMs()])
            return try db.queryExisting("SELECT \(columns) FROM files WHERE id = ?", [id], fileJSON)
        }
        return .json(row)
    }

    static func retrieve(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("file_id")
        guard let row = try call.store.pool.read({ db in
            try db.queryOne("SELECT \(columns) FROM files WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [id, call.workspace.id], fileJSON)
        }) else { throw APIError.notFound(nil, "file \(id) not found") }
        return .json(row)
    }

    static func content(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("file_id")
        guard let bytes = try call.store.pool.read({ db in
            try db.queryOne("SELECT content FROM files WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [id, call.workspace.id]) { $0.bytes(0) }
        }) else { throw APIError.notFound(nil, "file \(id) not found") }
        return .raw(HTTPResponse(status: 200, headers: [(HTTPHeader.contentType, "application/octet-stream")], body: bytes))
    }
}

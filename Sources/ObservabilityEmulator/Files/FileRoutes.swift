import EmulatorHTTP
import EmulatorJSON

/// The minimal `/v1/files` the dataset imports need: upload (multipart, exactly as the SDK's
/// `files.upload` sends it), retrieve, download.
enum FileRoutes {
    static let maximumFileBytes = 8 * 1024 * 1024

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
        let stored = try call.store.storeFile(workspaceID: call.workspace.id, filename: String(filename), purpose: purpose, content: file.body)
        return .json(stored.json)
    }

    static func retrieve(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("file_id")
        return .json(try call.store.file(id: id, workspaceID: call.workspace.id).json)
    }

    static func content(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("file_id")
        let bytes = try call.store.fileContent(id: id, workspaceID: call.workspace.id)
        return .raw(HTTPResponse(status: 200, headers: [(HTTPHeader.contentType, "application/octet-stream")], body: bytes))
    }
}

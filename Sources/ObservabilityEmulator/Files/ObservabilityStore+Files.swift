import EmulatorStore

extension ObservabilityStore {
    /// Stores an upload in the workspace and returns its metadata.
    func storeFile(workspaceID: String, filename: String, purpose: String, content: [UInt8]) throws -> StoredFile {
        try pool.writeTransaction { db in
            let id = ids.next()
            try db.run("INSERT INTO files (id, workspace_id, filename, purpose, bytes, content, created_ms, deleted_ms) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                       [id, workspaceID, filename, purpose, content.count, DatabaseValue.blob(content), nowMs()])
            return try db.queryExisting("SELECT \(StoredFile.columns) FROM files WHERE id = ?", [id], StoredFile.init(row:))
        }
    }

    /// A visible file's metadata.
    func file(id: String, workspaceID: String) throws -> StoredFile {
        guard let file = try pool.read({ db in
            try db.queryOne("SELECT \(StoredFile.columns) FROM files WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [id, workspaceID], StoredFile.init(row:))
        }) else { throw StoreError.notFound(.file, id: id) }
        return file
    }

    /// A visible file's bytes.
    func fileContent(id: String, workspaceID: String) throws -> [UInt8] {
        guard let bytes = try pool.read({ db in try fileContent(id: id, workspaceID: workspaceID, db: db) }) else {
            throw StoreError.notFound(.file, id: id)
        }
        return bytes
    }

    /// A visible file's bytes inside a read (imports read the file in their own snapshot).
    func fileContent(id: String, workspaceID: String, db: Database) throws -> [UInt8]? {
        try db.scalarBytes("SELECT content FROM files WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [id, workspaceID])
    }
}

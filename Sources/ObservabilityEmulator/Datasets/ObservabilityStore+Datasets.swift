import EmulatorJSON
import EmulatorStore
import Foundation

extension ObservabilityStore {
    // MARK: Datasets

    func createDataset(workspace: Workspace, name: String, description: String) throws -> JSON {
        try pool.writeTransaction { db in
            let id = ids.next()
            let now = nowMs()
            let slug = try freeSlug(for: name, workspaceID: workspace.id, db: db)
            try db.run("INSERT INTO datasets (id, workspace_id, owner_id, name, slug, description, created_ms, updated_ms, deleted_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                       [id, workspace.id, workspace.ownerID, name, slug, description, now, now])
            return try db.queryExisting("SELECT \(DatasetJSON.datasetColumns) FROM datasets WHERE id = ?", [id], DatasetJSON.dataset)
        }
    }

    /// The first free slug for a name among a table's rows of the workspace (`-2`, `-3`, … on a
    /// clash): datasets (deleted ones keep theirs), pipelines, pipeline configs; with
    /// `includingSeeded`, also the seeded rows (workspace `''`) it sees: offline evaluations.
    func freeSlug(for name: String, table: String = "datasets", fallback: String = "dataset", includingSeeded: Bool = false,
                  workspaceID: String, db: Database) throws -> String {
        let base = DatasetSlug.base(from: name, fallback: fallback)
        let scope = includingSeeded ? QuerySQL.visible() : "workspace_id = ?"
        var n = 1
        while true {
            let candidate = DatasetSlug.candidate(base, n)
            if try db.queryOne("SELECT 1 FROM \(table) WHERE \(scope) AND slug = ?", [workspaceID, candidate], { _ in true }) == nil {
                return candidate
            }
            n += 1
        }
    }

    /// Gives every dataset of an older database (made before slugs existed) its slug, oldest first.
    func backfillDatasetSlugs() throws {
        try pool.writeTransaction { db in
            let rows = try db.query("SELECT id, workspace_id, name FROM datasets WHERE slug IS NULL ORDER BY created_ms, id") {
                (id: try $0.string("id"), workspaceID: try $0.string("workspace_id"), name: try $0.string("name"))
            }
            for row in rows {
                try db.run("UPDATE datasets SET slug = ? WHERE id = ?", [try freeSlug(for: row.name, workspaceID: row.workspaceID, db: db), row.id])
            }
        }
    }

    /// The dataset id a `datasets/{dataset_id}` path names: a UUID-shaped value is always an id;
    /// anything else is a slug of the workspace's (not deleted) datasets.
    func datasetID(pathValue value: String, workspaceID: String) throws -> String {
        if UUIDText.isValid(value) { return value.lowercased() }
        guard let id = try pool.read({ db in
            try db.scalarString("SELECT id FROM datasets WHERE workspace_id = ? AND slug = ? AND deleted_ms IS NULL", [workspaceID, value])
        }) else { throw StoreError.notFound(.dataset, id: String(value.prefix(100))) }
        return id
    }

    func dataset(id: String, workspaceID: String) throws -> JSON? {
        try pool.read { db in
            try db.queryOne("SELECT \(DatasetJSON.datasetColumns) FROM datasets WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [id, workspaceID], DatasetJSON.dataset)
        }
    }

    /// Throws `notFound` unless the workspace has this dataset.
    func requireDataset(id: String, workspaceID: String) throws {
        try pool.read { db in try requireDataset(id: id, workspaceID: workspaceID, db: db) }
    }

    func requireDataset(id: String, workspaceID: String, db: Database) throws {
        guard try db.queryOne("SELECT 1 FROM datasets WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [id, workspaceID], { _ in true }) != nil else {
            throw StoreError.notFound(.dataset, id: id)
        }
    }

    func listDatasets(workspaceID: String, query: String?, page: PageRequest) throws -> (Int, [JSON]) {
        try pool.read { db in
            var list = PageQuery(from: "FROM datasets WHERE workspace_id = ? AND deleted_ms IS NULL", arguments: [workspaceID])
            list.matchNameOrDescription(query)
            return try list.run(db, columns: DatasetJSON.datasetColumns, page: page, DatasetJSON.dataset)
        }
    }

    /// Changes only the keys given (non-null).
    func patchDataset(id: String, workspaceID: String, name: String?, description: String?) throws -> JSON {
        try pool.writeTransaction { db in
            try requireDataset(id: id, workspaceID: workspaceID, db: db)
            let now = nowMs()
            if let name { try db.run("UPDATE datasets SET name = ?, updated_ms = ? WHERE id = ?", [name, now, id]) }
            if let description { try db.run("UPDATE datasets SET description = ?, updated_ms = ? WHERE id = ?", [description, now, id]) }
            return try db.queryExisting("SELECT \(DatasetJSON.datasetColumns) FROM datasets WHERE id = ?", [id], DatasetJSON.dataset)
        }
    }

    func deleteDataset(id: String, workspaceID: String) throws {
        try pool.writeTransaction { db in
            try requireDataset(id: id, workspaceID: workspaceID, db: db)
            let now = nowMs()
            try db.run("UPDATE datasets SET deleted_ms = ? WHERE id = ?", [now, id])
            try db.run("UPDATE records SET deleted_ms = ? WHERE dataset_id = ? AND deleted_ms IS NULL", [now, id])
        }
    }

    // MARK: Records

    func insertRecords(_ drafts: [RecordDraft], datasetID: String, workspaceID: String, db: Database) throws -> [String] {
        let now = nowMs()
        var ids: [String] = []
        let base = try db.scalarInt64("SELECT COALESCE(MAX(seq), 0) FROM records") ?? 0
        for (offset, draft) in drafts.enumerated() {
            let id = self.ids.next()
            try db.run("INSERT INTO records (id, dataset_id, workspace_id, payload, properties, source, created_ms, updated_ms, deleted_ms, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                       [id, datasetID, workspaceID, JSON.object(draft.payload).text, JSON.object(draft.properties).text, draft.source, now, now, base + Int64(offset) + 1])
            ids.append(id)
        }
        return ids
    }

    func createRecord(datasetID: String, workspaceID: String, draft: RecordDraft) throws -> JSON {
        try pool.writeTransaction { db in
            try requireDataset(id: datasetID, workspaceID: workspaceID, db: db)
            guard let id = try insertRecords([draft], datasetID: datasetID, workspaceID: workspaceID, db: db).first else {
                throw DatabaseError.rowNotFound("record insert returned no id")
            }
            return try db.queryExisting("SELECT \(DatasetJSON.recordColumns) FROM records WHERE id = ?", [id], DatasetJSON.record)
        }
    }

    /// Records newest first; ties (same millisecond) by insertion order, newest first.
    func listRecords(datasetID: String, workspaceID: String, page: PageRequest) throws -> (Int, [JSON]) {
        try pool.read { db in
            try requireDataset(id: datasetID, workspaceID: workspaceID, db: db)
            return try PageQuery(from: "FROM records WHERE dataset_id = ? AND deleted_ms IS NULL", arguments: [datasetID])
                .run(db, columns: DatasetJSON.recordColumns, order: "created_ms DESC, seq DESC", page: page, DatasetJSON.record)
        }
    }

    func record(id: String, workspaceID: String) throws -> JSON? {
        try pool.read { db in
            try db.queryOne("SELECT \(DatasetJSON.recordColumns) FROM records WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [id, workspaceID], DatasetJSON.record)
        }
    }

    func deleteRecords(ids: [String], workspaceID: String) throws {
        try pool.writeTransaction { db in
            for id in ids {
                guard try db.queryOne("SELECT 1 FROM records WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [id, workspaceID], { _ in true }) != nil else {
                    throw StoreError.notFound(.record, id: id)
                }
            }
            let now = nowMs()
            for id in ids { try db.run("UPDATE records SET deleted_ms = ? WHERE id = ?", [now, id]) }
        }
    }

    /// The two JSON columns of a record that a PUT replaces.
    enum RecordPart: String { case payload, properties }

    func updateRecord(id: String, workspaceID: String, part: RecordPart, value: JSONObject) throws {
        try pool.writeTransaction { db in
            let changed = try db.run("UPDATE records SET \(part.rawValue) = ?, updated_ms = ? WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL",
                                     [JSON.object(value).text, nowMs(), id, workspaceID])
            if changed == 0 { throw StoreError.notFound(.record, id: id) }
        }
    }
}

import EmulatorJSON
import EmulatorStore

extension ObservabilityStore {
    /// Creates the workspace's copies of the seeded judges once; ids derive from workspace and
    /// fixture so they are the same on every run.
    func materializeWorkspace(_ workspace: Workspace, judges: [JudgeDefinition]) throws {
        try pool.writeTransaction { db in
            let exists = try db.queryOne("SELECT 1 FROM workspaces WHERE id = ?", [workspace.id]) { _ in true } ?? false
            if exists { return }
            let now = nowMs()
            try db.run("INSERT INTO workspaces (id, created_ms) VALUES (?, ?)", [workspace.id, now])
            for (index, judge) in judges.enumerated() {
                let id = UUIDText.v5("judge:\(workspace.id):\(index):\(judge.name)")
                // Seeded judges date from the workspace's first request, oldest first in fixture order.
                try insertJudge(id: id, base: id, down: nil, workspace: workspace, definition: judge, createdMs: now - Int64(judges.count - index), db: db)
            }
        }
    }

    func insertJudge(id: String, base: String, down: String?, workspace: Workspace, definition: JudgeDefinition, createdMs: Int64, db: Database) throws {
        try db.run("""
            INSERT INTO judges (id, workspace_id, owner_id, base_revision, down_revision, up_revision, name, description, model_name,
                output_type, output, instructions, tools, created_ms, updated_ms, deleted_ms)
            VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            """, [id, workspace.id, workspace.ownerID, base, down, definition.name, definition.description, definition.modelName,
                  definition.output.typeName, definition.output.json.text, definition.instructions,
                  JSON.array(definition.tools.map { .string($0) }).text, createdMs, createdMs])
    }

    private func nameTaken(_ name: String, workspaceID: String, exceptBase: String?, db: Database) throws -> Bool {
        try db.queryOne("SELECT 1 FROM judges WHERE workspace_id = ? AND name = ? AND deleted_ms IS NULL AND up_revision IS NULL AND base_revision IS NOT ?",
                        [workspaceID, name, exceptBase]) { _ in true } ?? false
    }

    func createJudge(_ definition: JudgeDefinition, workspace: Workspace) throws -> JudgeRecord {
        try pool.writeTransaction { db in
            if try nameTaken(definition.name, workspaceID: workspace.id, exceptBase: nil, db: db) {
                throw StoreError.nameTaken(.judge, name: definition.name)
            }
            let id = ids.next()
            try insertJudge(id: id, base: id, down: nil, workspace: workspace, definition: definition, createdMs: nowMs(), db: db)
            guard let created = try fetchJudge(id: id, workspaceID: workspace.id, db: db) else {
                throw DatabaseError.rowNotFound("judge \(id) not found after its insert")
            }
            return created
        }
    }

    func fetchJudge(id: String, workspaceID: String, db: Database, includeDeleted: Bool = false) throws -> JudgeRecord? {
        try db.queryOne("SELECT \(JudgeRecord.columns) FROM judges WHERE id = ? AND workspace_id = ?\(includeDeleted ? "" : " AND deleted_ms IS NULL")",
                        [id, workspaceID], JudgeRecord.init)
    }

    func judge(id: String, workspaceID: String) throws -> JudgeRecord? {
        try pool.read { db in try fetchJudge(id: id, workspaceID: workspaceID, db: db) }
    }

    /// PUT: a new revision linked to the old one (`up_revision` / `down_revision`); the old one
    /// stays readable and refuses further updates (409).
    func updateJudge(id: String, definition: JudgeDefinition, workspace: Workspace) throws {
        try pool.writeTransaction { db in
            guard let current = try fetchJudge(id: id, workspaceID: workspace.id, db: db) else {
                throw StoreError.notFound(.judge, id: id)
            }
            if let newer = current.upRevision {
                throw StoreError.judgeHasNewerRevision(id: id, newer: newer)
            }
            if current.definition.sameContent(as: definition) {
                throw StoreError.judgeUnchanged(id: id)
            }
            if try nameTaken(definition.name, workspaceID: workspace.id, exceptBase: current.baseRevision, db: db) {
                throw StoreError.nameTaken(.judge, name: definition.name)
            }
            let newID = ids.next()
            let now = nowMs()
            try insertJudge(id: newID, base: current.baseRevision, down: current.id, workspace: workspace, definition: definition, createdMs: now, db: db)
            try db.run("UPDATE judges SET up_revision = ?, updated_ms = ? WHERE id = ?", [newID, now, current.id])
        }
    }

    /// Soft-deletes the whole chain of revisions the id belongs to.
    func deleteJudge(id: String, workspaceID: String) throws {
        try pool.writeTransaction { db in
            guard let current = try fetchJudge(id: id, workspaceID: workspaceID, db: db) else {
                throw StoreError.notFound(.judge, id: id)
            }
            try db.run("UPDATE judges SET deleted_ms = ? WHERE base_revision = ? AND workspace_id = ? AND deleted_ms IS NULL",
                       [nowMs(), current.baseRevision, workspaceID])
        }
    }

    /// The newest live revision of each judge, newest first, filtered and paged.
    func listJudges(workspaceID: String, query: String?, types: [String], models: [String], page: PageRequest) throws -> (Int, [JudgeRecord]) {
        try pool.read { db in
            var list = PageQuery(from: "FROM judges WHERE workspace_id = ? AND deleted_ms IS NULL AND up_revision IS NULL", arguments: [workspaceID])
            list.matchNameOrDescription(query)
            list.restrict("output_type", to: types)
            list.restrict("model_name", to: models)
            return try list.run(db, columns: JudgeRecord.columns, page: page, JudgeRecord.init)
        }
    }
}

import EmulatorJSON
import EmulatorStore

/// Pipelines and standalone pipeline configs: stored per workspace, hard-deleted.
/// Judges are named by slug and frozen into the configs at the revision they have then.
extension ObservabilityStore {
    // MARK: Pipelines

    func createPipeline(_ draft: PipelineDraft, workspace: Workspace) throws -> PipelineRecord {
        try pool.writeTransaction { db in
            let (name, judges, id, now, slug) = try newEntry(draft, .pipeline, workspace: workspace, db: db)
            let selectors = draft.selectors ?? []
            let enabled = draft.enabled ?? true
            try db.run("""
                INSERT INTO pipelines (id, workspace_id, owner_id, name, slug, description, selectors, enabled, created_ms, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [id, workspace.id, workspace.ownerID, name, slug, draft.description ?? nil, PipelineSelector.text(selectors),
                      enabled ? 1 : 0, now, now])
            try insertPipelineConfigs(pipelineID: id, pipelineName: name, pipelineSlug: slug, selectors: selectors, enabled: enabled,
                                      judges: judges, workspaceID: workspace.id, now: now, db: db)
            return try existingPipeline(id: id, workspaceID: workspace.id, db: db)
        }
    }

    func pipeline(id: String, workspaceID: String) throws -> PipelineRecord {
        try pool.read { db in try existingPipeline(id: id, workspaceID: workspaceID, db: db) }
    }

    func listPipelines(workspaceID: String, enabled: Bool?, query: String?, page: PageRequest) throws -> (Int, [PipelineRecord]) {
        try pool.read { db in
            var list = PageQuery(from: "FROM pipelines WHERE workspace_id = ?", arguments: [workspaceID])
            if let enabled {
                list.from += " AND enabled = ?"
                list.arguments.append(enabled ? 1 : 0)
            }
            list.matchNameOrDescription(query)
            let (count, pipelines) = try list.run(db, columns: PipelineRecord.columns, page: page, PipelineRecord.init)
            return (count, try pipelines.map { try withConfigs($0, db: db) })
        }
    }

    /// Updates the given fields; new `definitions` replace the pipeline's configs (judges frozen
    /// again, at their current revisions). The slug stays.
    func updatePipeline(id: String, _ draft: PipelineDraft, workspace: Workspace) throws -> PipelineRecord {
        try pool.writeTransaction { db in
            let current = try existingPipeline(id: id, workspaceID: workspace.id, db: db)
            let name = draft.name ?? current.name
            if name != current.name { try checkNameFree(name, .pipeline, workspaceID: workspace.id, except: id, db: db) }
            let selectors = draft.selectors ?? current.selectors
            let enabled = draft.enabled ?? current.enabled
            let description = draft.description ?? current.description
            let now = nowMs()
            try db.run("UPDATE pipelines SET name = ?, description = ?, selectors = ?, enabled = ?, updated_ms = ? WHERE id = ?",
                       [name, description, PipelineSelector.text(selectors), enabled ? 1 : 0, now, id])
            let judges = try draft.references.map { try freezeJudges($0, workspaceID: workspace.id, db: db) }
                ?? current.configs.flatMap(\.judges)
            try db.run("DELETE FROM pipeline_configs WHERE pipeline_id = ?", [id])
            try insertPipelineConfigs(pipelineID: id, pipelineName: name, pipelineSlug: current.slug, selectors: selectors, enabled: enabled,
                                      judges: judges, workspaceID: workspace.id, now: now, db: db,
                                      keeping: Dictionary(current.configs.map { ($0.judges.first?.slug ?? "", $0) }, uniquingKeysWith: { a, _ in a }))
            return try existingPipeline(id: id, workspaceID: workspace.id, db: db)
        }
    }

    func deletePipeline(id: String, workspaceID: String) throws {
        try pool.writeTransaction { db in
            _ = try existingPipeline(id: id, workspaceID: workspaceID, db: db)
            try db.run("DELETE FROM pipeline_configs WHERE pipeline_id = ?", [id])
            try db.run("DELETE FROM pipelines WHERE id = ?", [id])
        }
    }

    /// One config per judge: slug `<pipeline slug>-<judge slug>`, kind `judge-v1`. A config kept
    /// over an update (same judge, same revision) keeps its id and creation time.
    private func insertPipelineConfigs(pipelineID: String, pipelineName: String, pipelineSlug: String, selectors: [PipelineSelector],
                                       enabled: Bool, judges: [FrozenJudge], workspaceID: String, now: Int64, db: Database,
                                       keeping kept: [String: PipelineConfigRecord] = [:]) throws {
        for (position, judge) in judges.enumerated() {
            let previous = kept[judge.slug].flatMap { $0.judges.first?.judgeID == judge.judgeID ? $0 : nil }
            try db.run("""
                INSERT INTO pipeline_configs (id, workspace_id, pipeline_id, position, name, slug, pipeline_kind, description, selectors,
                    enabled, definitions, judges, created_ms, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?, 'judge-v1', NULL, ?, ?, ?, ?, ?, ?)
                """, [previous?.id ?? ids.next(), workspaceID, pipelineID, position, "\(pipelineName): \(judge.definition.name)",
                      "\(pipelineSlug)-\(judge.slug)", PipelineSelector.text(selectors), enabled ? 1 : 0,
                      JSON.array([judge.definitionV1]).text, JSON.array([judge.json]).text, previous?.createdMs ?? now, now])
        }
    }

    private func existingPipeline(id: String, workspaceID: String, db: Database) throws -> PipelineRecord {
        guard let pipeline = try db.queryOne("SELECT \(PipelineRecord.columns) FROM pipelines WHERE id = ? AND workspace_id = ?",
                                             [id, workspaceID], PipelineRecord.init) else {
            throw StoreError.notFound(.pipeline, id: id)
        }
        return try withConfigs(pipeline, db: db)
    }

    private func withConfigs(_ pipeline: PipelineRecord, db: Database) throws -> PipelineRecord {
        var pipeline = pipeline
        pipeline.configs = try db.query("SELECT \(PipelineConfigRecord.columns) FROM pipeline_configs WHERE pipeline_id = ? ORDER BY position",
                                        [pipeline.id], PipelineConfigRecord.init)
        return pipeline
    }

    // MARK: Standalone pipeline configs (SDK 2.10 – 3.1)

    func createPipelineConfig(_ draft: PipelineDraft, workspace: Workspace) throws -> PipelineConfigRecord {
        try pool.writeTransaction { db in
            let (name, judges, id, now, slug) = try newEntry(draft, .pipelineConfig, workspace: workspace, db: db)
            try db.run("""
                INSERT INTO pipeline_configs (id, workspace_id, pipeline_id, position, name, slug, pipeline_kind, description, selectors,
                    enabled, definitions, judges, created_ms, updated_ms)
                VALUES (?, ?, NULL, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [id, workspace.id, name, slug, draft.kind ?? "judge", draft.description ?? nil,
                      PipelineSelector.text(draft.selectors ?? []), (draft.enabled ?? true) ? 1 : 0,
                      JSON.array(draft.definitions ?? []).text, JSON.array(judges.map(\.json)).text, now, now])
            return try existingConfig(id: id, workspaceID: workspace.id, db: db)
        }
    }

    func pipelineConfig(id: String, workspaceID: String) throws -> PipelineConfigRecord {
        try pool.read { db in try existingConfig(id: id, workspaceID: workspaceID, db: db) }
    }

    func listPipelineConfigs(workspaceID: String, kind: String?, enabled: Bool?, query: String?, page: PageRequest) throws -> (Int, [PipelineConfigRecord]) {
        try pool.read { db in
            var list = PageQuery(from: "FROM pipeline_configs WHERE workspace_id = ? AND pipeline_id IS NULL", arguments: [workspaceID])
            if let kind { list.restrict("pipeline_kind", to: [kind]) }
            if let enabled {
                list.from += " AND enabled = ?"
                list.arguments.append(enabled ? 1 : 0)
            }
            list.matchNameOrDescription(query)
            return try list.run(db, columns: PipelineConfigRecord.columns, page: page, PipelineConfigRecord.init)
        }
    }

    /// A full replacement (PUT); the slug and creation time stay.
    func replacePipelineConfig(id: String, _ draft: PipelineDraft, workspace: Workspace) throws -> PipelineConfigRecord {
        try pool.writeTransaction { db in
            _ = try existingConfig(id: id, workspaceID: workspace.id, db: db)
            let name = draft.name ?? ""
            try checkNameFree(name, .pipelineConfig, workspaceID: workspace.id, except: id, db: db)
            let judges = try freezeJudges(draft.references ?? [], workspaceID: workspace.id, db: db)
            try db.run("""
                UPDATE pipeline_configs SET name = ?, pipeline_kind = ?, description = ?, selectors = ?, enabled = ?, definitions = ?,
                    judges = ?, updated_ms = ? WHERE id = ?
                """, [name, draft.kind ?? "judge", draft.description ?? nil, PipelineSelector.text(draft.selectors ?? []),
                      (draft.enabled ?? true) ? 1 : 0, JSON.array(draft.definitions ?? []).text, JSON.array(judges.map(\.json)).text,
                      nowMs(), id])
            return try existingConfig(id: id, workspaceID: workspace.id, db: db)
        }
    }

    func deletePipelineConfig(id: String, workspaceID: String) throws {
        try pool.writeTransaction { db in
            _ = try existingConfig(id: id, workspaceID: workspaceID, db: db)
            try db.run("DELETE FROM pipeline_configs WHERE id = ?", [id])
        }
    }

    private func existingConfig(id: String, workspaceID: String, db: Database) throws -> PipelineConfigRecord {
        guard let config = try db.queryOne("""
            SELECT \(PipelineConfigRecord.columns) FROM pipeline_configs WHERE id = ? AND workspace_id = ? AND pipeline_id IS NULL
            """, [id, workspaceID], PipelineConfigRecord.init) else {
            throw StoreError.notFound(.pipelineConfig, id: id)
        }
        return config
    }

    // MARK: Shared

    /// What a new pipeline or standalone config starts with: its name (checked free in the
    /// workspace), its judges frozen at their current revisions, an id, the time and a free slug.
    private func newEntry(_ draft: PipelineDraft, _ resource: StoreError.Resource, workspace: Workspace,
                          db: Database) throws -> (name: String, judges: [FrozenJudge], id: String, now: Int64, slug: String) {
        let name = draft.name ?? ""
        try checkNameFree(name, resource, workspaceID: workspace.id, except: nil, db: db)
        let judges = try freezeJudges(draft.references ?? [], workspaceID: workspace.id, db: db)
        let id = ids.next()
        let now = nowMs()
        let (table, fallback) = resource == .pipeline ? ("pipelines", "pipeline") : ("pipeline_configs", "pipeline-config")
        let slug = try freeSlug(for: name, table: table, fallback: fallback, workspaceID: workspace.id, db: db)
        return (name, judges, id, now, slug)
    }

    /// Throws `nameTaken` when another pipeline (or standalone config) of the workspace has the name.
    private func checkNameFree(_ name: String, _ resource: StoreError.Resource, workspaceID: String, except id: String?, db: Database) throws {
        let sql = resource == .pipeline
            ? "SELECT 1 FROM pipelines WHERE workspace_id = ? AND name = ? AND id <> ?"
            : "SELECT 1 FROM pipeline_configs WHERE workspace_id = ? AND pipeline_id IS NULL AND name = ? AND id <> ?"
        if try db.queryOne(sql, [workspaceID, name, id ?? ""], { _ in true }) ?? false {
            throw StoreError.nameTaken(resource, name: name)
        }
    }

    /// The judges the references name, each the newest live revision of the workspace's judge
    /// whose slug (made from its name as dataset slugs are) or id is the reference; unknown:
    /// SCORER_NOT_FOUND naming the field.
    func freezeJudges(_ references: [JudgeReference], workspaceID: String, db: Database) throws -> [FrozenJudge] {
        guard !references.isEmpty else { return [] }
        let live = try db.query("""
            SELECT \(JudgeRecord.columns) FROM judges WHERE workspace_id = ? AND deleted_ms IS NULL AND up_revision IS NULL
            ORDER BY created_ms, id
            """, [workspaceID], JudgeRecord.init)
        return try references.map { reference in
            let slug = reference.slug.lowercased()
            guard let judge = live.first(where: { DatasetSlug.base(from: $0.definition.name, fallback: "judge") == slug || $0.id == slug }) else {
                throw StoreError.notFound(.scorer, id: "'\(reference.slug.prefix(100))'", field: "\(reference.path).slug")
            }
            return FrozenJudge(judgeID: judge.id, slug: DatasetSlug.base(from: judge.definition.name, fallback: "judge"),
                               version: try revisionNumber(judge, db: db), definition: judge.definition,
                               mapping: reference.mapping, sampling: reference.sampling)
        }
    }

    /// A revision's place in its chain: 1 for the first, following `down_revision` links.
    private func revisionNumber(_ judge: JudgeRecord, db: Database) throws -> Int {
        var number = 1
        var down = judge.downRevision
        while let id = down, number < 100_000 {
            number += 1
            down = try db.queryOne("SELECT down_revision FROM judges WHERE id = ?", [id]) { try $0.optionalString("down_revision") } ?? nil
        }
        return number
    }
}

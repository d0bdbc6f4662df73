import EmulatorJSON
import EmulatorStore

/// Offline evaluations in SQLite: projects, evaluations, runs with their records,
/// generations and scores, optimizations with their trials and observations. A workspace sees
/// its own rows and the seeded ones (workspace `''`). Everything computed (statistics, goals)
/// is computed by `RunReport` from what these return.
extension ObservabilityStore {
    /// `workspace_id` condition of what a workspace sees.
    static let offlineVisible = QuerySQL.visible()

    static func offlineJSON(_ text: String?) -> JSON {
        guard let text else { return .null }
        return (try? JSON.parse(Array(text.utf8))) ?? .null
    }

    static func offlineStrings(_ text: String) -> [String] {
        offlineJSON(text).arrayValue?.compactMap(\.stringValue) ?? []
    }

    static func offlineText(_ value: JSON) -> String { value.text }

    static func offlineTags(_ tags: [String]) -> String { JSON.array(tags.map(JSON.string)).text }

    // MARK: Projects

    private static let projectColumns = "id, workspace_id, creator_id, name, slug, description, created_ms, updated_ms"

    private static func project(_ row: Row) throws -> EvalProject {
        EvalProject(id: try row.string("id"), workspaceID: try row.string("workspace_id"), creatorID: try row.string("creator_id"),
                    name: try row.string("name"), slug: try row.string("slug"), description: try row.optionalString("description"),
                    createdMs: try row.int64("created_ms"), updatedMs: try row.int64("updated_ms"))
    }

    /// Projects newest first; `query` keeps those whose name or slug contains it, ignoring case.
    func evalProjects(workspaceID: String, query: String?, page: PageRequest) throws -> (Int, [EvalProject]) {
        try pool.read { db in
            var list = PageQuery(from: "FROM eval_projects WHERE \(Self.offlineVisible)", arguments: [workspaceID])
            if let query, !query.isEmpty {
                list.from += " AND (instr(ulower(name), ?) > 0 OR instr(ulower(slug), ?) > 0)"
                list.arguments += [query.lowercased(), query.lowercased()]
            }
            return try list.run(db, columns: Self.projectColumns, page: page, Self.project)
        }
    }

    /// A project by slug, or by id when the value is UUID-shaped.
    func evalProject(_ value: String, workspaceID: String) throws -> EvalProject {
        try pool.read { db in try evalProject(value, workspaceID: workspaceID, db: db) }
    }

    private func evalProject(_ value: String, workspaceID: String, db: Database) throws -> EvalProject {
        let column = UUIDText.isValid(value) ? "id" : "slug"
        guard let project = try db.queryOne("SELECT \(Self.projectColumns) FROM eval_projects WHERE \(column) = ? AND \(Self.offlineVisible)",
                                            [UUIDText.isValid(value) ? value.lowercased() : value, workspaceID], Self.project) else {
            throw StoreError.notFound(.project, id: String(value.prefix(100)))
        }
        return project
    }

    func evalProject(id: String, workspaceID: String) throws -> EvalProject? {
        try pool.read { db in try db.queryOne("SELECT \(Self.projectColumns) FROM eval_projects WHERE id = ? AND \(Self.offlineVisible)", [id, workspaceID], Self.project) }
    }

    // MARK: Evaluations

    private static let evaluationColumns = "id, workspace_id, project_id, creator_id, name, slug, description, tags, metadata, created_ms, updated_ms"

    private static func evaluation(_ row: Row) throws -> EvalEvaluation {
        EvalEvaluation(id: try row.string("id"), workspaceID: try row.string("workspace_id"), projectID: try row.string("project_id"),
                       creatorID: try row.string("creator_id"), name: try row.string("name"), slug: try row.string("slug"),
                       description: try row.optionalString("description"), tags: offlineStrings(try row.string("tags")),
                       metadata: offlineJSON(try row.string("metadata")), createdMs: try row.int64("created_ms"), updatedMs: try row.int64("updated_ms"))
    }

    /// The evaluations of some projects that the workspace sees, newest first.
    func evalEvaluations(projectIDs: [String], workspaceID: String) throws -> [EvalEvaluation] {
        guard !projectIDs.isEmpty else { return [] }
        return try pool.read { db in
            try db.query("SELECT \(Self.evaluationColumns) FROM eval_evaluations WHERE \(Self.offlineVisible) AND project_id IN (\(Array(repeating: "?", count: projectIDs.count).joined(separator: ","))) ORDER BY created_ms DESC, id DESC",
                         [workspaceID] + projectIDs.map { $0 as DatabaseValueConvertible }, Self.evaluation)
        }
    }

    func evalEvaluations(projectID: String, workspaceID: String, page: PageRequest) throws -> (Int, [EvalEvaluation]) {
        try pool.read { db in
            try PageQuery(from: "FROM eval_evaluations WHERE \(Self.offlineVisible) AND project_id = ?", arguments: [workspaceID, projectID])
                .run(db, columns: Self.evaluationColumns, page: page, Self.evaluation)
        }
    }

    /// An evaluation by slug, or by id when the value is UUID-shaped.
    func evalEvaluation(_ value: String, workspaceID: String) throws -> EvalEvaluation {
        try pool.read { db in
            let isID = UUIDText.isValid(value)
            guard let evaluation = try db.queryOne("SELECT \(Self.evaluationColumns) FROM eval_evaluations WHERE \(isID ? "id" : "slug") = ? AND \(Self.offlineVisible)",
                                                   [isID ? value.lowercased() : value, workspaceID], Self.evaluation) else {
                throw StoreError.notFound(.evaluation, id: String(value.prefix(100)))
            }
            return evaluation
        }
    }

    // MARK: Runs

    private static let runColumns = """
        id, workspace_id, evaluation_id, creator_id, name, description, tags, metadata, num_generations, evaluators, run_evaluators, \
        run_info, status, dataset_id, system, created_ms, updated_ms
        """

    private static func runHeader(_ row: Row) throws -> EvalRun {
        let specs = { (text: String) in offlineJSON(text).arrayValue?.compactMap(EvaluatorSpec.stored) ?? [] }
        return EvalRun(id: try row.string("id"), workspaceID: try row.string("workspace_id"), evaluationID: try row.string("evaluation_id"),
                       creatorID: try row.string("creator_id"), name: try row.string("name"), description: try row.optionalString("description"),
                       tags: offlineStrings(try row.string("tags")), metadata: offlineJSON(try row.string("metadata")),
                       numGenerations: try row.int("num_generations"), evaluators: specs(try row.string("evaluators")),
                       runEvaluators: specs(try row.string("run_evaluators")), runInfo: offlineJSON(try row.string("run_info")),
                       status: try row.string("status"), datasetID: try row.optionalString("dataset_id"), system: offlineJSON(try row.string("system")),
                       runScores: [], records: [], createdMs: try row.int64("created_ms"), updatedMs: try row.int64("updated_ms"))
    }

    /// Runs with everything they hold, newest first: all the workspace sees, or one
    /// evaluation's, or one run (`runID`).
    func evalRuns(workspaceID: String, evaluationID: String? = nil, runID: String? = nil) throws -> [EvalRun] {
        try pool.read { db in
            var condition = Self.offlineVisible
            var arguments: [DatabaseValueConvertible] = [workspaceID]
            if let evaluationID { condition += " AND evaluation_id = ?"; arguments.append(evaluationID) }
            if let runID { condition += " AND id = ?"; arguments.append(runID) }
            var runs = try db.query("SELECT \(Self.runColumns) FROM eval_runs WHERE \(condition) ORDER BY created_ms DESC, id DESC", arguments, Self.runHeader)
            guard !runs.isEmpty else { return [] }
            let selected = "SELECT id FROM eval_runs WHERE \(condition)"
            var scoresByGeneration: [String: [EvalScore]] = [:]
            var runScores: [String: [EvalScore]] = [:]
            try db.forEach("SELECT run_id, generation_id, evaluator, value, metadata, status, rationale, error, created_ms, id FROM eval_scores WHERE run_id IN (\(selected)) ORDER BY run_id, generation_id, position", arguments,
                           columns: EvalRunColumns.Score.init) { row, c in
                let score = EvalScore(id: row.string(c.id), evaluator: row.string(c.evaluator), value: Self.offlineJSON(row.string(c.value)),
                                      metadata: Self.offlineJSON(row.string(c.metadata)), status: row.string(c.status),
                                      rationale: row.optionalString(c.rationale), error: row.optionalString(c.error), createdMs: row.int64(c.createdMs))
                if let generation = row.optionalString(c.generationID) {
                    scoresByGeneration[generation, default: []].append(score)
                } else {
                    runScores[row.string(c.runID), default: []].append(score)
                }
            }
            var generationsByRecord: [String: [EvalGeneration]] = [:]
            try db.forEach("SELECT id, record_id, output, metadata, status, error, created_ms FROM eval_generations WHERE run_id IN (\(selected)) ORDER BY run_id, record_id, position", arguments,
                           columns: EvalRunColumns.Generation.init) { row, c in
                let id = row.string(c.id)
                generationsByRecord[row.string(c.recordID), default: []].append(EvalGeneration(
                    id: id, output: Self.offlineJSON(row.string(c.output)), metadata: Self.offlineJSON(row.string(c.metadata)), status: row.string(c.status),
                    error: row.optionalString(c.error), scores: scoresByGeneration[id] ?? [], createdMs: row.int64(c.createdMs)))
            }
            var recordsByRun: [String: [EvalRecord]] = [:]
            try db.forEach("SELECT id, run_id, input, dataset_record_id, record_info, metadata, created_ms FROM eval_records WHERE run_id IN (\(selected)) ORDER BY run_id, position", arguments,
                           columns: EvalRunColumns.Record.init) { row, c in
                let id = row.string(c.id), runID = row.string(c.runID)
                recordsByRun[runID, default: []].append(EvalRecord(
                    id: id, runID: runID, input: Self.offlineJSON(row.string(c.input)), datasetRecordID: row.optionalString(c.datasetRecordID),
                    recordInfo: Self.offlineJSON(row.string(c.recordInfo)), metadata: Self.offlineJSON(row.string(c.metadata)),
                    generations: generationsByRecord[id] ?? [], createdMs: row.int64(c.createdMs)))
            }
            for index in runs.indices {
                runs[index].records = recordsByRun[runs[index].id] ?? []
                runs[index].runScores = runScores[runs[index].id] ?? []
            }
            return runs
        }
    }

    func evalRun(id: String, workspaceID: String) throws -> EvalRun {
        guard let run = try evalRuns(workspaceID: workspaceID, runID: id).first else { throw StoreError.notFound(.evaluationRun, id: id) }
        return run
    }

    /// The evaluations (with their projects) of some ids, for the references runs carry.
    func evalEvaluationsByID(workspaceID: String) throws -> [String: (EvalEvaluation, EvalProject?)] {
        try pool.read { db in
            let projects = try db.query("SELECT \(Self.projectColumns) FROM eval_projects WHERE \(Self.offlineVisible)", [workspaceID], Self.project)
            let byID = Dictionary(projects.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let evaluations = try db.query("SELECT \(Self.evaluationColumns) FROM eval_evaluations WHERE \(Self.offlineVisible)", [workspaceID], Self.evaluation)
            return Dictionary(evaluations.map { ($0.id, ($0, byID[$0.projectID])) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// The optimization each run is observed by (the oldest, when several), keyed by run id.
    func evalRunOptimizations(workspaceID: String) throws -> [String: (id: String, name: String)] {
        try pool.read { db in
            var refs: [String: (id: String, name: String)] = [:]
            try db.forEach("""
                SELECT o.run_id, z.id, z.name FROM eval_observations o JOIN eval_optimizations z ON z.id = o.optimization_id
                WHERE \(QuerySQL.visible("o")) AND \(QuerySQL.visible("z")) ORDER BY z.created_ms, z.id
                """, [workspaceID, workspaceID]) { row in
                let runID = try row.string("run_id")
                if refs[runID] == nil { refs[runID] = (try row.string("id"), try row.string("name")) }
            }
            return refs
        }
    }

    // MARK: Writing runs

    /// Finds a project or evaluation by slug or name among what the workspace sees.
    private func findByReference(_ table: String, _ ref: RunUpload.Reference, scope: String?, workspaceID: String, db: Database) throws -> String? {
        var arguments: [DatabaseValueConvertible] = [workspaceID]
        var condition = Self.offlineVisible
        if let scope { condition += " AND project_id = ?"; arguments.append(scope) }
        if let slug = ref.slug {
            return try db.scalarString("SELECT id FROM \(table) WHERE \(condition) AND slug = ? ORDER BY workspace_id, created_ms LIMIT 1", arguments + [slug])
        }
        return try db.scalarString("SELECT id FROM \(table) WHERE \(condition) AND name = ? ORDER BY workspace_id, created_ms LIMIT 1", arguments + [ref.name ?? ""])
    }

    func resolveProject(_ ref: RunUpload.Reference, workspaceID: String, creatorID: String, nowMs: Int64, makeID: () -> String, db: Database) throws -> String {
        if let id = try findByReference("eval_projects", ref, scope: nil, workspaceID: workspaceID, db: db) { return id }
        guard let name = ref.name else { throw StoreError.notFound(.project, id: ref.slug ?? "", field: "project.slug") }
        let id = makeID()
        let slug = try freeSlug(for: ref.slug ?? name, table: "eval_projects", fallback: "project", includingSeeded: true, workspaceID: workspaceID, db: db)
        try db.run("INSERT INTO eval_projects (\(Self.projectColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [id, workspaceID, creatorID, name, slug, ref.description, nowMs, nowMs])
        return id
    }

    func resolveEvaluation(_ ref: RunUpload.Reference, projectID: String, workspaceID: String, creatorID: String, nowMs: Int64,
                                   makeID: () -> String, db: Database) throws -> String {
        if let id = try findByReference("eval_evaluations", ref, scope: projectID, workspaceID: workspaceID, db: db) { return id }
        guard let name = ref.name else { throw StoreError.notFound(.evaluation, id: ref.slug ?? "", field: "evaluation.slug") }
        let id = makeID()
        let slug = try freeSlug(for: ref.slug ?? name, table: "eval_evaluations", fallback: "evaluation", includingSeeded: true, workspaceID: workspaceID, db: db)
        try db.run("INSERT INTO eval_evaluations (\(Self.evaluationColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [id, workspaceID, projectID, creatorID, name, slug, ref.description, Self.offlineTags(ref.tags), Self.offlineText(ref.metadata), nowMs, nowMs])
        return id
    }

    /// Stores an uploaded run in one transaction (its project and evaluation created when new);
    /// returns the run id with its evaluation and project ids.
    func insertEvalRun(_ upload: RunUpload, workspaceID: String, makeID: () -> String) throws -> (runID: String, evaluationID: String, projectID: String) {
        try pool.writeTransaction { db in
            try insertEvalRun(upload, workspaceID: workspaceID, makeID: makeID, db: db)
        }
    }

    func insertEvalRun(_ upload: RunUpload, workspaceID: String, makeID: () -> String, db: Database) throws -> (runID: String, evaluationID: String, projectID: String) {
        let run = upload.run
        let projectID = try resolveProject(upload.project, workspaceID: workspaceID, creatorID: run.creatorID, nowMs: run.createdMs, makeID: makeID, db: db)
        let evaluationID = try resolveEvaluation(upload.evaluation, projectID: projectID, workspaceID: workspaceID, creatorID: run.creatorID,
                                                 nowMs: run.createdMs, makeID: makeID, db: db)
        try db.run("INSERT INTO eval_runs (\(Self.runColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            run.id, workspaceID, evaluationID, run.creatorID, run.name, run.description, Self.offlineTags(run.tags), Self.offlineText(run.metadata),
            run.numGenerations, JSON.array(run.evaluators.map(\.json)).text, JSON.array(run.runEvaluators.map(\.json)).text,
            Self.offlineText(run.runInfo), run.status, run.datasetID, Self.offlineText(run.system), run.createdMs, run.updatedMs,
        ])
        func insertScore(_ score: EvalScore, generationID: String?, position: Int) throws {
            try db.run("INSERT INTO eval_scores (id, workspace_id, run_id, generation_id, position, evaluator, value, metadata, status, rationale, error, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                score.id, workspaceID, run.id, generationID, position, score.evaluator, Self.offlineText(score.value), Self.offlineText(score.metadata),
                score.status, score.rationale, score.error, score.createdMs,
            ])
        }
        for (position, record) in run.records.enumerated() {
            try db.run("INSERT INTO eval_records (id, workspace_id, run_id, position, input, dataset_record_id, record_info, metadata, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                record.id, workspaceID, run.id, position, Self.offlineText(record.input), record.datasetRecordID, Self.offlineText(record.recordInfo),
                Self.offlineText(record.metadata), record.createdMs,
            ])
            for (g, generation) in record.generations.enumerated() {
                try db.run("INSERT INTO eval_generations (id, workspace_id, run_id, record_id, position, output, metadata, status, error, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                    generation.id, workspaceID, run.id, record.id, g, Self.offlineText(generation.output), Self.offlineText(generation.metadata),
                    generation.status, generation.error, generation.createdMs,
                ])
                for (s, score) in generation.scores.enumerated() { try insertScore(score, generationID: generation.id, position: s) }
            }
        }
        for (s, score) in run.runScores.enumerated() { try insertScore(score, generationID: nil, position: s) }
        return (run.id, evaluationID, projectID)
    }

    /// Whether the seeded offline evaluations are in (a persistent database seeded before).
    func hasSeededOfflineEvaluations() throws -> Bool {
        try pool.read { db in try db.queryOne("SELECT 1 FROM eval_projects WHERE workspace_id = '' LIMIT 1") { _ in true } ?? false }
    }
}

import EmulatorJSON
import EmulatorStore

/// Optimizations with their trials and observations in SQLite; visibility and JSON
/// columns as in `ObservabilityStore+OfflineEvaluations.swift`.
extension ObservabilityStore {
    private static let optimizationColumns = """
        id, workspace_id, project_id, evaluation_id, creator_id, name, algorithm, status, source, description, steer, tags, \
        workflow_execution_id, workflow_run_id, objective_spec, outcome, created_ms, updated_ms
        """

    private static func optimization(_ row: Row) throws -> EvalOptimization {
        EvalOptimization(id: try row.string("id"), workspaceID: try row.string("workspace_id"), projectID: try row.string("project_id"),
                         evaluationID: try row.optionalString("evaluation_id"), creatorID: try row.string("creator_id"), name: try row.string("name"),
                         algorithm: try row.string("algorithm"), status: try row.string("status"), source: try row.string("source"),
                         description: try row.optionalString("description"), steer: try row.optionalString("steer"), tags: offlineStrings(try row.string("tags")),
                         workflowExecutionID: try row.optionalString("workflow_execution_id"), workflowRunID: try row.optionalString("workflow_run_id"),
                         objectiveSpec: offlineJSON(try row.string("objective_spec")), outcome: offlineJSON(try row.string("outcome")),
                         createdMs: try row.int64("created_ms"), updatedMs: try row.int64("updated_ms"))
    }

    /// Optimizations newest first, restricted by project, evaluation, status, algorithm and
    /// tags (each given tag must be present).
    func evalOptimizations(workspaceID: String, projectID: String?, evaluationID: String?, status: String?, algorithm: String?,
                           tags: [String], page: PageRequest) throws -> (Int, [EvalOptimization]) {
        try pool.read { db in
            var list = PageQuery(from: "FROM eval_optimizations WHERE \(Self.offlineVisible)", arguments: [workspaceID])
            for (column, value) in [("project_id", projectID), ("evaluation_id", evaluationID), ("status", status), ("algorithm", algorithm)] {
                if let value { list.from += " AND \(column) = ?"; list.arguments.append(value) }
            }
            for tag in tags {
                list.from += " AND EXISTS (SELECT 1 FROM json_each(tags) WHERE json_each.value = ?)"
                list.arguments.append(tag)
            }
            return try list.run(db, columns: Self.optimizationColumns, page: page, Self.optimization)
        }
    }

    func evalOptimization(id: String, workspaceID: String) throws -> EvalOptimization {
        guard let found = try pool.read({ db in
            try db.queryOne("SELECT \(Self.optimizationColumns) FROM eval_optimizations WHERE id = ? AND \(Self.offlineVisible)", [id, workspaceID], Self.optimization)
        }) else { throw StoreError.notFound(.optimization, id: id) }
        return found
    }

    /// One page of an optimization's trials, in the order they were uploaded, with their observations.
    func evalTrials(optimizationID: String, workspaceID: String, page: PageRequest) throws -> (Int, [EvalTrial]) {
        try pool.read { db in
            var (count, trials) = try PageQuery(from: "FROM eval_trials WHERE \(Self.offlineVisible) AND optimization_id = ?", arguments: [workspaceID, optimizationID])
                .run(db, columns: "id, optimization_id, algorithm_trial_key, status, metadata, parent_trial_id, hypothesis, resolution, created_ms, updated_ms",
                     order: "position ASC", page: page) { row in
                    EvalTrial(id: try row.string("id"), optimizationID: try row.string("optimization_id"),
                              algorithmTrialKey: try row.string("algorithm_trial_key"), status: try row.string("status"),
                              metadata: Self.offlineJSON(try row.string("metadata")), parentTrialID: try row.optionalString("parent_trial_id"),
                              hypothesis: try row.optionalString("hypothesis"), resolution: try row.optionalString("resolution"), observations: [],
                              createdMs: try row.int64("created_ms"), updatedMs: try row.int64("updated_ms"))
                }
            for index in trials.indices {
                trials[index].observations = try db.query("SELECT run_id, observation_type, score, metadata FROM eval_observations WHERE trial_id = ? ORDER BY position",
                                                          [trials[index].id]) { row in
                    EvalObservation(runID: try row.string("run_id"), observationType: try row.optionalString("observation_type"),
                                    score: try row.optionalDouble("score"), metadata: Self.offlineJSON(try row.string("metadata")))
                }
            }
            return (count, trials)
        }
    }

    /// Stores an uploaded optimization in one transaction; every observed run must be visible.
    func insertEvalOptimization(_ upload: OptimizationUpload, workspaceID: String, makeID: () -> String) throws -> EvalOptimization {
        try pool.writeTransaction { db in
            var optimization = upload.optimization
            optimization.workspaceID = workspaceID
            optimization.projectID = try resolveProject(upload.project, workspaceID: workspaceID, creatorID: optimization.creatorID,
                                                        nowMs: optimization.createdMs, makeID: makeID, db: db)
            if let evaluation = upload.evaluation {
                optimization.evaluationID = try resolveEvaluation(evaluation, projectID: optimization.projectID, workspaceID: workspaceID,
                                                                  creatorID: optimization.creatorID, nowMs: optimization.createdMs, makeID: makeID, db: db)
            }
            var trials = upload.trials
            for t in trials.indices {
                for o in trials[t].observations.indices {
                    let observation = trials[t].observations[o]
                    let found: String?
                    if let name = observation.runName {
                        found = try db.scalarString("SELECT id FROM eval_runs WHERE name = ? AND \(Self.offlineVisible) ORDER BY created_ms DESC, id DESC LIMIT 1",
                                                    [name, workspaceID])
                    } else {
                        found = try db.scalarString("SELECT id FROM eval_runs WHERE id = ? AND \(Self.offlineVisible)", [observation.runID, workspaceID])
                    }
                    guard let found else {
                        throw StoreError.notFound(.evaluationRun, id: observation.runName ?? observation.runID,
                                                  field: "trials[\(t)].observations[\(o)].\(observation.runName == nil ? "run_id" : "run_name")")
                    }
                    trials[t].observations[o].runID = found
                    trials[t].observations[o].runName = nil
                }
            }
            let o = optimization
            try db.run("INSERT INTO eval_optimizations (\(Self.optimizationColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                o.id, workspaceID, o.projectID, o.evaluationID, o.creatorID, o.name, o.algorithm, o.status, o.source, o.description, o.steer,
                Self.offlineTags(o.tags), o.workflowExecutionID, o.workflowRunID, Self.offlineText(o.objectiveSpec), Self.offlineText(o.outcome), o.createdMs, o.updatedMs,
            ])
            for (position, trial) in trials.enumerated() {
                try db.run("INSERT INTO eval_trials (id, workspace_id, optimization_id, position, algorithm_trial_key, status, metadata, parent_trial_id, hypothesis, resolution, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                    trial.id, workspaceID, o.id, position, trial.algorithmTrialKey, trial.status, Self.offlineText(trial.metadata), trial.parentTrialID,
                    trial.hypothesis, trial.resolution, trial.createdMs, trial.updatedMs,
                ])
                for (index, observation) in trial.observations.enumerated() {
                    try db.run("INSERT INTO eval_observations (trial_id, position, workspace_id, optimization_id, run_id, observation_type, score, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                        trial.id, index, workspaceID, o.id, observation.runID, observation.observationType, observation.score, Self.offlineText(observation.metadata),
                    ])
                }
            }
            return optimization
        }
    }
}

import EmulatorJSON

/// The 14 read operations of offline evaluations (SDK 3.1+: `evaluations.projects`, `evaluations`,
/// `evaluations.runs`, `evaluations.records`, `evaluations.optimizations`) and the two
/// control-plane loaders. Everything computed comes from `RunReport`.
enum OfflineEvaluationRoutes {
    // MARK: JSON of stored things

    /// Seeded rows (workspace `''`) are reported as the caller's, as they are visible in every workspace.
    static func workspaceID(_ stored: String, _ call: Call) -> JSON { .string(stored.isEmpty ? call.workspace.id : stored) }

    static func projectJSON(_ project: EvalProject, evaluations: [EvalEvaluation], _ call: Call) -> JSON {
        .object(JSONObject(RunReport.stamps(project.id, project.createdMs, project.updatedMs) + [
            ("workspace_id", workspaceID(project.workspaceID, call)), ("creator_id", .string(project.creatorID)),
            ("name", .string(project.name)), ("slug", .string(project.slug)), ("description", .string(project.description)),
            ("is_favorite", false),
            ("evaluations", .array(evaluations.map { ["id": .string($0.id), "name": .string($0.name), "slug": .string($0.slug)] })),
        ]))
    }

    static func evaluationJSON(_ evaluation: EvalEvaluation, _ call: Call) -> JSON {
        .object(JSONObject(RunReport.stamps(evaluation.id, evaluation.createdMs, evaluation.updatedMs) + [
            ("workspace_id", workspaceID(evaluation.workspaceID, call)), ("creator_id", .string(evaluation.creatorID)),
            ("project_id", .string(evaluation.projectID)), ("name", .string(evaluation.name)), ("slug", .string(evaluation.slug)),
            ("description", .string(evaluation.description)), ("tags", .array(evaluation.tags.map(JSON.string))),
            ("metadata_", evaluation.metadata), ("is_favorite", false),
        ]))
    }

    static func reference(id: String, slug: String, name: String) -> JSON {
        ["id": .string(id), "slug": .string(slug), "name": .string(name)]
    }

    static func optimizationJSON(_ o: EvalOptimization, detail: (evaluation: EvalEvaluation?, project: EvalProject?)? = nil) -> JSON {
        var pairs = RunReport.stamps(o.id, o.createdMs, o.updatedMs) + [
            ("creator_id", .string(o.creatorID)), ("project_id", .string(o.projectID)), ("name", .string(o.name)),
            ("algorithm", .string(o.algorithm)), ("status", .string(o.status)), ("source", .string(o.source)),
            ("evaluation_id", .string(o.evaluationID)), ("description", .string(o.description)), ("steer", .string(o.steer)),
            ("tags", .array(o.tags.map(JSON.string))), ("workflow_execution_id", .string(o.workflowExecutionID)),
            ("workflow_run_id", .string(o.workflowRunID)), ("objective_spec", o.objectiveSpec), ("outcome", o.outcome),
        ]
        if let detail {
            pairs.append(("evaluation", detail.evaluation.map { reference(id: $0.id, slug: $0.slug, name: $0.name) } ?? .null))
            pairs.append(("project", detail.project.map { reference(id: $0.id, slug: $0.slug, name: $0.name) } ?? .null))
        }
        return .object(JSONObject(pairs))
    }

    /// A page of already filtered items.
    static func page<T>(_ items: [T], _ page: PageRequest) -> ArraySlice<T> {
        guard page.offset < items.count, page.size > 0 else { return [] }
        return items[page.offset..<min(items.count, page.offset + page.size)]
    }

    // MARK: Projects and evaluations

    static func listProjects(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let (count, projects) = try call.store.evalProjects(workspaceID: call.workspace.id, query: call.query("q"), page: page)
        let evaluations = try call.store.evalEvaluations(projectIDs: projects.map(\.id), workspaceID: call.workspace.id)
        let results = projects.map { project in projectJSON(project, evaluations: evaluations.filter { $0.projectID == project.id }, call) }
        return .json(["projects": call.paginated(count: count, results: results, page: page)])
    }

    static func getProject(_ call: Call) throws -> HTTPResponseBox {
        let project = try call.store.evalProject(call.parameters["project_slug"] ?? "", workspaceID: call.workspace.id)
        return .json(projectJSON(project, evaluations: try call.store.evalEvaluations(projectIDs: [project.id], workspaceID: call.workspace.id), call))
    }

    static func listEvaluations(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let project = try call.store.evalProject(call.parameters["project_slug"] ?? "", workspaceID: call.workspace.id)
        let (count, evaluations) = try call.store.evalEvaluations(projectID: project.id, workspaceID: call.workspace.id, page: page)
        return .json(["evaluations": call.paginated(count: count, results: evaluations.map { evaluationJSON($0, call) }, page: page)])
    }

    static func getEvaluation(_ call: Call) throws -> HTTPResponseBox {
        .json(evaluationJSON(try call.store.evalEvaluation(call.parameters["evaluation_slug"] ?? "", workspaceID: call.workspace.id), call))
    }

    // MARK: Runs

    static func searchRuns(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let filter = try RunFilter.parse(call.request.body)
        let evaluation = try call.store.evalEvaluation(call.parameters["evaluation_slug"] ?? "", workspaceID: call.workspace.id)
        let runs = try call.store.evalRuns(workspaceID: call.workspace.id, evaluationID: evaluation.id)
        let optimizations = try call.store.evalRunOptimizations(workspaceID: call.workspace.id)
        let selected = runs.map(RunReport.init).filter { filter.matches($0, projectID: evaluation.projectID) }
        let results = Self.page(selected, page).map { $0.runJSON(optimization: optimizations[$0.run.id]) }
        return .json(["runs": call.paginated(count: selected.count, results: Array(results), page: page)])
    }

    static func searchAllRuns(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let filter = try RunFilter.parse(call.request.body)
        let runs = try call.store.evalRuns(workspaceID: call.workspace.id)
        let evaluations = try call.store.evalEvaluationsByID(workspaceID: call.workspace.id)
        let optimizations = try call.store.evalRunOptimizations(workspaceID: call.workspace.id)
        let selected = runs.map(RunReport.init).filter { filter.matches($0, projectID: evaluations[$0.run.evaluationID]?.0.projectID ?? "") }
        let results = Self.page(selected, page).map { report in
            let refs = evaluations[report.run.evaluationID]
            return report.runJSON(optimization: optimizations[report.run.id], evaluation: refs?.0, project: refs?.1)
        }
        return .json(["runs": call.paginated(count: selected.count, results: Array(results), page: page)])
    }

    static func run(_ call: Call) throws -> RunReport {
        RunReport(run: try call.store.evalRun(id: try call.pathID("run_id"), workspaceID: call.workspace.id))
    }

    static func getRun(_ call: Call) throws -> HTTPResponseBox {
        let report = try run(call)
        return .json(report.runJSON(optimization: try call.store.evalRunOptimizations(workspaceID: call.workspace.id)[report.run.id]))
    }

    static func getStatistics(_ call: Call) throws -> HTTPResponseBox {
        let report = try run(call)
        return .json(report.statisticsJSON(over: report.run.records, includeRunEvaluators: true))
    }

    static func computeStatistics(_ call: Call) throws -> HTTPResponseBox {
        let report = try run(call)
        let filter = try RecordFilter.parse(call.request.body)
        return .json(report.statisticsJSON(over: filter.apply(report), includeRunEvaluators: !filter.narrows))
    }

    static func searchRecords(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let report = try run(call)
        let records = try RecordFilter.parse(call.request.body).apply(report)
        let results = Self.page(records, page).map(report.recordJSON)
        return .json(["records": call.paginated(count: records.count, results: Array(results), page: page)])
    }

    static func getRecord(_ call: Call) throws -> HTTPResponseBox {
        let report = try run(call)
        let recordID = try call.pathID("record_id")
        guard let record = report.run.records.first(where: { $0.id == recordID }) else {
            throw StoreError.notFound(.evaluationRecord, id: recordID)
        }
        return .json(report.recordJSON(record))
    }

    // MARK: Optimizations

    static func listOptimizations(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let workspace = call.workspace.id
        let project = try call.query("project").map { try call.store.evalProject($0, workspaceID: workspace) }
        let evaluation = try call.query("evaluation").map { try call.store.evalEvaluation($0, workspaceID: workspace) }
        let (count, items) = try call.store.evalOptimizations(
            workspaceID: workspace, projectID: project?.id, evaluationID: evaluation?.id, status: call.query("status"),
            algorithm: call.query("algorithm"), tags: call.queryAll("tags"), page: page)
        return .json(["optimizations": call.paginated(count: count, results: items.map { optimizationJSON($0) }, page: page)])
    }

    static func getOptimization(_ call: Call) throws -> HTTPResponseBox {
        let workspace = call.workspace.id
        let optimization = try call.store.evalOptimization(id: try call.pathID("optimization_id"), workspaceID: workspace)
        let evaluation = try optimization.evaluationID.map { try call.store.evalEvaluation($0, workspaceID: workspace) }
        let project = try call.store.evalProject(id: optimization.projectID, workspaceID: workspace)
        return .json(optimizationJSON(optimization, detail: (evaluation, project)))
    }

    static func listTrials(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let workspace = call.workspace.id
        let optimization = try call.store.evalOptimization(id: try call.pathID("optimization_id"), workspaceID: workspace)
        let (count, trials) = try call.store.evalTrials(optimizationID: optimization.id, workspaceID: workspace, page: page)
        let observed = Set(trials.flatMap { $0.observations.map(\.runID) })
        var reports: [String: RunReport] = [:]
        for run in try call.store.evalRuns(workspaceID: workspace) where observed.contains(run.id) { reports[run.id] = RunReport(run: run) }
        let optimizations = try call.store.evalRunOptimizations(workspaceID: workspace)
        let results: [JSON] = trials.map { trial in
            .object(JSONObject(RunReport.stamps(trial.id, trial.createdMs, trial.updatedMs) + [
                ("optimization_id", .string(trial.optimizationID)), ("algorithm_trial_key", .string(trial.algorithmTrialKey)),
                ("status", .string(trial.status)), ("metadata_", trial.metadata), ("parent_trial_id", .string(trial.parentTrialID)),
                ("hypothesis", .string(trial.hypothesis)), ("resolution", .string(trial.resolution)),
                ("observations", .array(trial.observations.compactMap { observation in
                    guard let report = reports[observation.runID] else { return nil }
                    return .object(JSONObject([
                        ("run", report.runJSON(optimization: optimizations[observation.runID])),
                        ("observation_type", .string(observation.observationType)),
                        ("score", observation.score.map(JSON.double) ?? .null), ("metadata", observation.metadata),
                    ]))
                })),
            ]))
        }
        return .json(["trials": call.paginated(count: count, results: results, page: page)])
    }

    // MARK: Control plane

    /// The loaders write into the workspace of the Bearer token, which they need.
    static func requireWorkspace(_ call: Call) throws {
        try call.requireBearer("offline evaluations belong to a workspace: send 'Authorization: Bearer <token>'")
    }

    /// `POST /__emulator/evaluation-runs` → 201 with the ids and slugs the read API takes.
    static func loadRun(_ call: Call) throws -> HTTPResponseBox {
        try requireWorkspace(call)
        let app = call.app
        let upload = try RunUpload.parse(try call.body(), creatorID: call.workspace.ownerID, nowMs: app.clock.nowMs(), makeID: { app.ids.next() })
        let stored = try call.store.insertEvalRun(upload, workspaceID: call.workspace.id, makeID: { app.ids.next() })
        let evaluation = try call.store.evalEvaluation(stored.evaluationID, workspaceID: call.workspace.id)
        let project = try call.store.evalProject(stored.projectID, workspaceID: call.workspace.id)
        return .json([
            "run_id": .string(stored.runID), "evaluation_id": .string(evaluation.id), "evaluation_slug": .string(evaluation.slug),
            "project_id": .string(project.id), "project_slug": .string(project.slug),
            "record_ids": .array(upload.run.records.map { .string($0.id) }),
        ], status: 201)
    }

    /// `POST /__emulator/optimizations` → 201 with the optimization and trial ids.
    static func loadOptimization(_ call: Call) throws -> HTTPResponseBox {
        try requireWorkspace(call)
        let app = call.app
        let upload = try OptimizationUpload.parse(try call.body(), creatorID: call.workspace.ownerID, nowMs: app.clock.nowMs(), makeID: { app.ids.next() })
        let stored = try call.store.insertEvalOptimization(upload, workspaceID: call.workspace.id, makeID: { app.ids.next() })
        return .json([
            "optimization_id": .string(stored.id), "project_id": .string(stored.projectID), "evaluation_id": .string(stored.evaluationID),
            "trial_ids": .array(upload.trials.map { .string($0.id) }),
        ], status: 201)
    }
}

import EmulatorJSON

/// `POST /__emulator/optimizations`: one optimization with its trials, read and checked whole.
///
/// ```
/// {"project": "<name>" | {"name", "slug"?, "description"?}, "evaluation"?: "<name>" | {...},
///  "name", "algorithm", "status"?, "source"?, "description"?, "steer"?, "tags"?,
///  "workflow_execution_id"?, "workflow_run_id"?, "objective_spec"?, "outcome"?, "created_at"?,
///  "trials": [{"algorithm_trial_key", "status"?, "metadata"?, "parent_trial_key"?,
///              "hypothesis"?, "resolution"?,
///              "observations": [{"run_id" | "run_name", "observation_type"?, "score"?, "metadata"?}]}]}
/// ```
/// Observed runs must be runs the workspace sees (checked when stored: 404 naming the field);
/// `run_name` names the newest such run with that name.
struct OptimizationUpload {
    var project: RunUpload.Reference
    var evaluation: RunUpload.Reference?
    var optimization: EvalOptimization
    var trials: [EvalTrial]

    static func parse(_ reader: BodyReader, creatorID: String, nowMs: Int64, makeID: () -> String) throws -> OptimizationUpload {
        let project = try RunUpload.reference(reader, "project")
        let evaluation = reader.value("evaluation").map { $0.isNull } == false ? try RunUpload.reference(reader, "evaluation") : nil
        var created = nowMs
        if let text = try reader.string("created_at", required: false, nullable: true) {
            guard let ms = Timestamp.parse(text) else { throw reader.fail("created_at", "'\(text.prefix(40))' is not an RFC 3339 date-time") }
            created = ms
        }
        func objectOrNull(_ r: BodyReader, _ key: String) throws -> JSON {
            try r.object(key, required: false, nullable: true).map { .object($0.object) } ?? .null
        }
        let optimization = EvalOptimization(
            id: makeID(), workspaceID: "", projectID: "", evaluationID: nil, creatorID: creatorID,
            name: try reader.requiredString("name", minLength: 1, maxLength: 200),
            algorithm: try reader.requiredString("algorithm", minLength: 1),
            status: try reader.string("status", required: false, nullable: true) ?? "completed",
            source: try reader.string("source", required: false, nullable: true) ?? "sdk",
            description: try reader.string("description", required: false, nullable: true),
            steer: try reader.string("steer", required: false, nullable: true),
            tags: try reader.stringArray("tags", required: false, nullable: true) ?? [],
            workflowExecutionID: try reader.string("workflow_execution_id", required: false, nullable: true),
            workflowRunID: try reader.string("workflow_run_id", required: false, nullable: true),
            objectiveSpec: try objectOrNull(reader, "objective_spec"), outcome: try objectOrNull(reader, "outcome"),
            createdMs: created, updatedMs: created)
        var trials: [EvalTrial] = []
        var idsByKey: [String: String] = [:]
        for (index, item) in (try reader.array("trials", required: false, nullable: true) ?? []).enumerated() {
            let path = "trials[\(index)]"
            guard case .object(let object) = item else { throw APIError.validation("\(path): expected an object, got \(item.typeDescription)") }
            let trial = BodyReader(object: object, path: path)
            let key = try trial.requiredString("algorithm_trial_key", minLength: 1)
            guard idsByKey[key] == nil else { throw trial.fail("algorithm_trial_key", "'\(key.prefix(100))' appears twice") }
            var parent: String?
            if let parentKey = try trial.string("parent_trial_key", required: false, nullable: true) {
                guard let parentID = idsByKey[parentKey] else {
                    throw trial.fail("parent_trial_key", "no earlier trial has the key '\(parentKey.prefix(100))'")
                }
                parent = parentID
            }
            var observations: [EvalObservation] = []
            for (o, observationItem) in (try trial.array("observations", required: false, nullable: true) ?? []).enumerated() {
                let opath = trial.fieldPath("observations") + "[\(o)]"
                guard case .object(let observationObject) = observationItem else {
                    throw APIError.validation("\(opath): expected an object, got \(observationItem.typeDescription)")
                }
                let observation = BodyReader(object: observationObject, path: opath)
                let runID = try observation.string("run_id", required: false, nullable: true)
                let runName = try observation.string("run_name", required: false, nullable: true)
                guard (runID == nil) != (runName == nil) else { throw observation.fail("run_id", "give exactly one of run_id and run_name") }
                if let runID, !UUIDText.isValid(runID) { throw observation.fail("run_id", "'\(runID.prefix(64))' is not a valid UUID") }
                observations.append(EvalObservation(
                    runID: runID?.lowercased() ?? "", runName: runName,
                    observationType: try observation.string("observation_type", required: false, nullable: true),
                    score: try observation.number("score"), metadata: try RunUpload.objectOrEmpty(observation, "metadata")))
            }
            let id = makeID()
            idsByKey[key] = id
            trials.append(EvalTrial(
                id: id, optimizationID: optimization.id, algorithmTrialKey: key,
                status: try trial.string("status", required: false, nullable: true) ?? "completed",
                metadata: try RunUpload.objectOrEmpty(trial, "metadata"), parentTrialID: parent,
                hypothesis: try trial.string("hypothesis", required: false, nullable: true),
                resolution: try trial.string("resolution", required: false, nullable: true),
                observations: observations, createdMs: created, updatedMs: created))
        }
        return OptimizationUpload(project: project, evaluation: evaluation, optimization: optimization, trials: trials)
    }
}

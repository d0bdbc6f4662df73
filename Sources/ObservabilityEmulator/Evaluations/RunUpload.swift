import EmulatorJSON

/// `POST /__emulator/evaluation-runs`: one run as Mistral's evaluation SDK uploads it, read and
/// checked whole before anything is stored. Every problem is a 422 naming the field
/// (`records[2].generations[0].scores.tone: no evaluator named 'tone' in evaluators`).
///
/// ```
/// {"project": "Language Detection" | {"name", "slug"?, "description"?},
///  "evaluation": "Accuracy Eval" | {"name", "slug"?, "description"?, "tags"?, "metadata"?},
///  "name"?, "description"?, "tags"?, "metadata"?, "status"?, "dataset_id"?, "run_info"?,
///  "num_generations"?, "created_at"?,
///  "system"?: {"name", "params": {…}, "kind"?, "spec"?},
///  "evaluators": [{"name", "description"?, "goal"?, "aggregate_goal"?, "statistics"?, …}],
///  "run_evaluators"?: [...], "run_scores"?: {"<run evaluator>": score},
///  "records": [{"input", "dataset_record_id"?, "record_info"?, "metadata"?,
///               "generations": [{"output", "metadata"?, "status"?, "error"?,
///                                "scores": {"<evaluator>": score | [score, …]}}]}]}
/// ```
/// A score is `{"value", "rationale"?, "metadata"?, "status"?, "error"?}` or a bare value.
struct RunUpload {
    /// A project or evaluation named by the upload: found by slug or name, created when new.
    struct Reference {
        var name: String?
        var slug: String?
        var description: String?
        var tags: [String] = []
        var metadata: JSON = [:]
    }

    var project: Reference
    var evaluation: Reference
    /// The run with its own ids set; `evaluationID` and `workspaceID` are set when stored.
    var run: EvalRun

    static func reference(_ reader: BodyReader, _ key: String) throws -> Reference {
        guard let value = reader.value(key), !value.isNull else { throw reader.fail(key, "field required") }
        if case .string(let name) = value {
            guard !name.isEmpty else { throw reader.fail(key, "must not be empty") }
            return Reference(name: name)
        }
        guard case .object(let object) = value else { throw reader.fail(key, "expected a name or an object, got \(value.typeDescription)") }
        let nested = BodyReader(object: object, path: reader.fieldPath(key))
        var ref = Reference(name: try nested.string("name", required: false, nullable: true, minLength: 1, maxLength: 200),
                            slug: try nested.string("slug", required: false, nullable: true, minLength: 1, maxLength: 64),
                            description: try nested.string("description", required: false, nullable: true))
        guard ref.name != nil || ref.slug != nil else { throw nested.fail("name", "field required (or give a slug)") }
        ref.tags = try nested.stringArray("tags", required: false, nullable: true) ?? []
        ref.metadata = try nested.object("metadata", required: false, nullable: true).map { .object($0.object) } ?? [:]
        return ref
    }

    static func objectOrEmpty(_ reader: BodyReader, _ key: String) throws -> JSON {
        try reader.object(key, required: false, nullable: true).map { .object($0.object) } ?? [:]
    }

    static func evaluators(_ reader: BodyReader, _ key: String) throws -> [EvaluatorSpec] {
        let items = try reader.array(key, required: false, nullable: true) ?? []
        var seen = Set<String>()
        return try items.enumerated().map { index, item in
            let path = "\(reader.fieldPath(key))[\(index)]"
            guard case .object(let object) = item else { throw APIError.validation("\(path): expected an object, got \(item.typeDescription)") }
            let spec = try EvaluatorSpec.parse(BodyReader(object: object, path: path))
            guard seen.insert(spec.name).inserted else { throw APIError.validation("\(path).name: '\(spec.name)' appears twice") }
            return spec
        }
    }

    /// A score object or a bare value.
    static func score(_ value: JSON, path: String, evaluator: String, nowMs: Int64, makeID: () -> String) throws -> EvalScore {
        guard case .object(let object) = value else {
            guard value.doubleValue != nil || value.stringValue != nil || value.boolValue != nil else {
                throw APIError.validation("\(path): expected a score object, a number, a string or a boolean, got \(value.typeDescription)")
            }
            return EvalScore(id: makeID(), evaluator: evaluator, value: value, metadata: [:], status: "completed", createdMs: nowMs)
        }
        let reader = BodyReader(object: object, path: path)
        guard let scoreValue = reader.value("value") else { throw reader.fail("value", "field required") }
        if case .object = scoreValue { throw reader.fail("value", "expected a number, a string, a boolean or null, got an object") }
        if case .array = scoreValue { throw reader.fail("value", "expected a number, a string, a boolean or null, got an array") }
        let error = try reader.string("error", required: false, nullable: true)
        return EvalScore(id: makeID(), evaluator: evaluator, value: scoreValue, metadata: try objectOrEmpty(reader, "metadata"),
                         status: try reader.string("status", required: false, nullable: true) ?? (error == nil ? "completed" : "failed"),
                         rationale: try reader.string("rationale", required: false, nullable: true), error: error, createdMs: nowMs)
    }

    /// `{"<evaluator>": score | [score]}`, every name one of `names`.
    static func scores(_ reader: BodyReader, _ key: String, names: [String], listName: String, nowMs: Int64,
                       makeID: () -> String) throws -> [EvalScore] {
        guard let map = try reader.object(key, required: false, nullable: true) else { return [] }
        var scores: [EvalScore] = []
        for (name, value) in map.object {
            let path = map.fieldPath(name)
            guard names.contains(name) else {
                throw APIError.validation("\(path): no evaluator named '\(name.prefix(100))' in \(listName)")
            }
            if case .array(let items) = value {
                for (index, item) in items.enumerated() {
                    scores.append(try score(item, path: "\(path)[\(index)]", evaluator: name, nowMs: nowMs, makeID: makeID))
                }
            } else {
                scores.append(try score(value, path: path, evaluator: name, nowMs: nowMs, makeID: makeID))
            }
        }
        return scores
    }

    static func parse(_ reader: BodyReader, creatorID: String, nowMs: Int64, makeID: () -> String) throws -> RunUpload {
        let project = try reference(reader, "project")
        let evaluation = try reference(reader, "evaluation")
        var created = nowMs
        if let text = try reader.string("created_at", required: false, nullable: true) {
            guard let ms = Timestamp.parse(text) else { throw reader.fail("created_at", "'\(text.prefix(40))' is not an RFC 3339 date-time") }
            created = ms
        }
        let evaluators = try Self.evaluators(reader, "evaluators")
        let runEvaluators = try Self.evaluators(reader, "run_evaluators")
        var system: JSON = .null
        if let sys = try reader.object("system", required: false, nullable: true) {
            let name = try sys.requiredString("name", minLength: 1)
            let params = try sys.object("params", required: false, nullable: true)
            for (key, value) in params?.object ?? JSONObject() {
                switch value {
                case .string, .int, .double, .bool: continue
                default: throw params!.fail(key, "expected a string, a number or a boolean, got \(value.typeDescription)")
                }
            }
            system = .object(JSONObject([
                ("name", .string(name)), ("params", params.map { .object($0.object) } ?? [:]),
                ("kind", .string(try sys.string("kind", required: false, nullable: true) ?? "custom")),
                ("spec", try sys.object("spec", required: false, nullable: true).map { .object($0.object) } ?? .null),
            ]))
        }
        let runID = makeID()
        let names = evaluators.map(\.name)
        guard let recordItems = try reader.array("records"), !recordItems.isEmpty else { throw reader.fail("records", "must have at least 1 item") }
        var records: [EvalRecord] = []
        for (index, item) in recordItems.enumerated() {
            let path = "records[\(index)]"
            guard case .object(let object) = item else { throw APIError.validation("\(path): expected an object, got \(item.typeDescription)") }
            let record = BodyReader(object: object, path: path)
            guard let input = record.value("input") else { throw record.fail("input", "field required") }
            let recordID = makeID()
            guard let generationItems = try record.array("generations"), !generationItems.isEmpty else {
                throw record.fail("generations", "must have at least 1 item")
            }
            var generations: [EvalGeneration] = []
            for (g, generationItem) in generationItems.enumerated() {
                let gpath = record.fieldPath("generations") + "[\(g)]"
                guard case .object(let generationObject) = generationItem else {
                    throw APIError.validation("\(gpath): expected an object, got \(generationItem.typeDescription)")
                }
                let generation = BodyReader(object: generationObject, path: gpath)
                guard let output = generation.value("output") else { throw generation.fail("output", "field required") }
                let generationID = makeID()
                let error = try generation.string("error", required: false, nullable: true)
                generations.append(EvalGeneration(
                    id: generationID, output: output, metadata: try objectOrEmpty(generation, "metadata"),
                    status: try generation.string("status", required: false, nullable: true) ?? (error == nil ? "completed" : "failed"),
                    error: error,
                    scores: try scores(generation, "scores", names: names, listName: "evaluators", nowMs: created, makeID: makeID),
                    createdMs: created))
            }
            records.append(EvalRecord(
                id: recordID, runID: runID, input: input,
                datasetRecordID: try record.string("dataset_record_id", required: false, nullable: true),
                recordInfo: try record.object("record_info", required: false, nullable: true).map { .object($0.object) } ?? .null,
                metadata: try objectOrEmpty(record, "metadata"), generations: generations, createdMs: created))
        }
        let mostGenerations = records.map(\.generations.count).max() ?? 1
        let numGenerations = try reader.integer("num_generations", required: false).map(Int.init) ?? mostGenerations
        guard numGenerations >= mostGenerations else {
            throw reader.fail("num_generations", "a record has \(mostGenerations) generations, more than num_generations (\(numGenerations))")
        }
        let runScores = try scores(reader, "run_scores", names: runEvaluators.map(\.name), listName: "run_evaluators", nowMs: created, makeID: makeID)
        let run = EvalRun(
            id: runID, workspaceID: "", evaluationID: "", creatorID: creatorID,
            name: try reader.string("name", required: false, nullable: true, minLength: 1, maxLength: 200)
                ?? ((system["name"]?.stringValue).map { "\($0) \(Timestamp.format(created))" } ?? "run \(Timestamp.format(created))"),
            description: try reader.string("description", required: false, nullable: true),
            tags: try reader.stringArray("tags", required: false, nullable: true) ?? [],
            metadata: try objectOrEmpty(reader, "metadata"), numGenerations: numGenerations,
            evaluators: evaluators, runEvaluators: runEvaluators,
            runInfo: try reader.object("run_info", required: false, nullable: true).map { .object($0.object) } ?? .null,
            status: try reader.string("status", required: false, nullable: true) ?? "completed",
            datasetID: try reader.string("dataset_id", required: false, nullable: true),
            system: system, runScores: runScores, records: records, createdMs: created, updatedMs: created)
        return RunUpload(project: project, evaluation: evaluation, run: run)
    }
}

import EmulatorJSON

/// Everything a run's reads return that is computed rather than stored: statistics per
/// evaluator at generation, record and run level, goal results, `passed`, run scores, and the
/// JSON of runs, records and statistics responses.
///
/// Goals (as the evaluation SDK's documentation describes them):
/// - generation level: an evaluator's `goal` against each of its scores in the generation;
/// - record and run level: `aggregate_goal` against its `metric` (default `avg`) of the
///   statistics; without one, `goal` against the average (for a categorical evaluator, against
///   each score: `pass_rate`, the share of scores that meet it, must be 1); plus the goal of
///   each requested statistic, against that statistic;
/// - run evaluators: their goal (or aggregate goal) against the run score's value.
/// A `GoalResult` passes when all its items pass, and is null when it has none (direction-only
/// goals); a run or record passes when every verdict it has passes, null when it has none.
struct RunReport {
    let run: EvalRun
    let kinds: [String: EvaluatorStatistics.Kind]

    init(run: EvalRun) {
        self.run = run
        var kinds: [String: EvaluatorStatistics.Kind] = [:]
        let scores = run.records.flatMap(\.scores)
        for evaluator in run.evaluators {
            kinds[evaluator.name] = EvaluatorStatistics.kind(of: scores.filter { $0.evaluator == evaluator.name })
        }
        self.kinds = kinds
    }

    // MARK: Statistics and goals

    func statistics(_ evaluator: EvaluatorSpec, scores: [(score: EvalScore, recordID: String)]) -> EvaluatorStatistics {
        EvaluatorStatistics(kind: kinds[evaluator.name] ?? .numeric, scores: scores.filter { $0.score.evaluator == evaluator.name },
                            specs: evaluator.statistics ?? [])
    }

    /// Statistics of every evaluator over some records.
    func statistics(over records: [EvalRecord]) -> [(name: String, stats: EvaluatorStatistics)] {
        let scores = records.flatMap { record in record.scores.map { (score: $0, recordID: record.id) } }
        return run.evaluators.map { ($0.name, statistics($0, scores: scores)) }
    }

    /// The generation-level verdict of `goal` on one score; nil when the goal gives none.
    static func verdict(_ goal: GoalSpec, on score: EvalScore) -> (actual: Double, passed: Bool)? {
        guard goal.hasThreshold, score.isUsable else { return nil }
        if let number = ScoreValue.number(score.value), score.value.stringValue == nil {
            return goal.accepts(number).map { (number, $0) }
        }
        guard let label = ScoreValue.label(of: score.value), let passed = goal.accepts(label: label) else { return nil }
        return (passed ? 1 : 0, passed)
    }

    /// A `GoalResult` from items; nil when the evaluator has no goal at all.
    static func goalResult(_ items: [(JSON, Bool)], hasGoal: Bool) -> (json: JSON, passed: Bool?)? {
        guard hasGoal else { return nil }
        let passed: Bool? = items.isEmpty ? nil : items.allSatisfy(\.1)
        return (.object(JSONObject([("passed", passed.map(JSON.bool) ?? .null), ("results", .array(items.map(\.0)))])), passed)
    }

    /// The record- or run-level goal result of one evaluator over its statistics.
    func aggregateGoal(_ evaluator: EvaluatorSpec, _ stats: EvaluatorStatistics) -> (json: JSON, passed: Bool?)? {
        var items: [(JSON, Bool)] = []
        var hasGoal = false
        if let goal = evaluator.aggregateGoal {
            hasGoal = true
            let metric = goal.metric ?? "avg"
            if let actual = stats.metric(metric), let passed = goal.accepts(actual) { items.append((goal.item(metric: metric, actual: actual, passed: passed), passed)) }
        } else if let goal = evaluator.goal {
            hasGoal = true
            if stats.kind == .numeric {
                let metric = goal.metric ?? "avg"
                if let actual = stats.metric(metric), let passed = goal.accepts(actual) { items.append((goal.item(metric: metric, actual: actual, passed: passed), passed)) }
            } else if goal.hasThreshold {
                let verdicts = stats.samples.compactMap { sample -> Bool? in
                    Self.verdict(goal, on: EvalScore(id: "", evaluator: "", value: sample.value, metadata: .null, status: "", createdMs: 0))?.passed
                }
                if !verdicts.isEmpty {
                    let rate = Double(verdicts.filter { $0 }.count) / Double(verdicts.count)
                    let rule = GoalSpec(op: .gte, value: .double(1))
                    items.append((rule.item(metric: "pass_rate", actual: rate, passed: rate >= 1), rate >= 1))
                }
            }
        }
        for spec in evaluator.statistics ?? [] {
            guard let goal = spec.goal else { continue }
            hasGoal = true
            if let actual = stats.value(of: spec), let passed = goal.accepts(actual) {
                items.append((goal.item(metric: spec.id, actual: actual, passed: passed), passed))
            }
        }
        return Self.goalResult(items, hasGoal: hasGoal)
    }

    /// A run evaluator's goal result against its run score.
    func runEvaluatorGoal(_ evaluator: EvaluatorSpec) -> (json: JSON, passed: Bool?)? {
        guard let goal = evaluator.aggregateGoal ?? evaluator.goal else { return nil }
        var items: [(JSON, Bool)] = []
        for score in run.runScores where score.evaluator == evaluator.name {
            if let verdict = Self.verdict(goal, on: score) { items.append((goal.item(metric: goal.metric ?? "value", actual: verdict.actual, passed: verdict.passed), verdict.passed)) }
        }
        return Self.goalResult(items, hasGoal: true)
    }

    /// Statistics, goal results and `passed` over some records; run evaluators count only when
    /// `includeRunEvaluators` (they scored the whole run, not a part of it).
    func summary(over records: [EvalRecord], includeRunEvaluators: Bool) -> (statistics: JSON, goals: JSON, passed: Bool?, verdicts: [String: Bool?]) {
        var statisticsJSON = JSONObject(), goals = JSONObject()
        var verdicts: [String: Bool?] = [:]
        let all = statistics(over: records)
        for (evaluator, entry) in zip(run.evaluators, all) {
            statisticsJSON[entry.name] = entry.stats.json
            if let result = aggregateGoal(evaluator, entry.stats) {
                goals[entry.name] = result.json
                verdicts[entry.name] = result.passed
            }
        }
        if includeRunEvaluators {
            for evaluator in run.runEvaluators {
                if let result = runEvaluatorGoal(evaluator) {
                    goals[evaluator.name] = result.json
                    verdicts[evaluator.name] = result.passed
                }
            }
        }
        let known = verdicts.values.compactMap { $0 }
        return (.object(statisticsJSON), .object(goals), known.isEmpty ? nil : known.allSatisfy { $0 }, verdicts)
    }

    /// `passed`, `failed` or `not_evaluated` for one verdict.
    static func status(_ verdict: Bool??) -> String {
        switch verdict {
        case .some(.some(true)): "passed"
        case .some(.some(false)): "failed"
        default: "not_evaluated"
        }
    }

    /// The overall status of a set of verdicts: failed if any fails, passed if any passes.
    static func overallStatus(_ verdicts: [String: Bool?]) -> String {
        let known = verdicts.values.compactMap { $0 }
        if known.contains(false) { return "failed" }
        return known.isEmpty ? "not_evaluated" : "passed"
    }

    // MARK: JSON

    static func time(_ ms: Int64) -> JSON { .string(Timestamp.format(ms)) }

    static func stamps(_ id: String, _ created: Int64, _ updated: Int64) -> [(String, JSON)] {
        [("id", .string(id)), ("created_at", time(created)), ("updated_at", time(updated)), ("deleted_at", .null)]
    }

    static func scoreJSON(_ score: EvalScore) -> JSON {
        .object(JSONObject(stamps(score.id, score.createdMs, score.createdMs) + [
            ("value", score.value), ("metadata_", score.metadata), ("status", .string(score.status)),
            ("rationale", .string(score.rationale)), ("error", .string(score.error)),
        ]))
    }

    func evaluatorJSON(_ spec: EvaluatorSpec, numScores: Int) -> JSON {
        .object(JSONObject(Self.stamps(UUIDText.v5("evaluator:\(run.id):\(spec.name)"), run.createdMs, run.updatedMs) + [
            ("name", .string(spec.name)), ("description", .string(spec.description)), ("tags", .array(spec.tags.map(JSON.string))),
            ("num_scores", .int(Int64(numScores))), ("goal", spec.goal?.json ?? .null), ("aggregate_goal", spec.aggregateGoal?.json ?? .null),
            ("statistics", spec.statistics.map { .array($0.map(\.json)) } ?? .null), ("weight", .double(spec.weight)),
            ("direction", .string(spec.direction)), ("min_value", spec.minValue.map(JSON.double) ?? .null),
            ("max_value", spec.maxValue.map(JSON.double) ?? .null),
        ]))
    }

    var systemJSON: JSON {
        guard case .object(let system) = run.system else { return .null }
        return .object(JSONObject(Self.stamps(UUIDText.v5("system:\(run.id)"), run.createdMs, run.updatedMs) + [
            ("name", system["name"] ?? ""), ("params", system["params"] ?? [:]), ("kind", system["kind"] ?? "custom"),
            ("spec", system["spec"] ?? .null),
        ]))
    }

    /// `EvaluationRunV2Response`, or `EvaluationRunV2WithRefsResponse` when the references are given.
    func runJSON(optimization: (id: String, name: String)?, evaluation: EvalEvaluation? = nil, project: EvalProject? = nil) -> JSON {
        let scores = run.records.flatMap(\.scores)
        let summary = summary(over: run.records, includeRunEvaluators: true)
        var runScores = JSONObject()
        for score in run.runScores { runScores[score.evaluator] = Self.scoreJSON(score) }
        var pairs = Self.stamps(run.id, run.createdMs, run.updatedMs) + [
            ("creator_id", .string(run.creatorID)), ("evaluation_id", .string(run.evaluationID)), ("name", .string(run.name)),
            ("description", .string(run.description)), ("tags", .array(run.tags.map(JSON.string))), ("metadata_", run.metadata),
            ("num_generations", .int(Int64(run.numGenerations))),
            ("evaluators", .array(run.evaluators.map { spec in evaluatorJSON(spec, numScores: scores.filter { $0.evaluator == spec.name }.count) })),
            ("run_info", run.runInfo), ("status", .string(run.status)), ("dataset_id", .string(run.datasetID)),
            ("run_evaluators", .array(run.runEvaluators.map { spec in evaluatorJSON(spec, numScores: run.runScores.filter { $0.evaluator == spec.name }.count) })),
            ("system", systemJSON), ("statistics", summary.statistics), ("goal_results", summary.goals),
            ("passed", summary.passed.map(JSON.bool) ?? .null), ("run_scores", .object(runScores)),
            ("optimization", optimization.map { ["optimization_id": .string($0.id), "name": .string($0.name)] } ?? .null),
        ]
        if let evaluation {
            pairs.append(("evaluation", ["id": .string(evaluation.id), "name": .string(evaluation.name), "slug": .string(evaluation.slug)]))
            pairs.append(("project", project.map { ["id": .string($0.id), "name": .string($0.name), "slug": .string($0.slug)] } ?? .null))
        }
        return .object(JSONObject(pairs))
    }

    /// `RunStatisticsResponse` over some records.
    func statisticsJSON(over records: [EvalRecord], includeRunEvaluators: Bool) -> JSON {
        let summary = summary(over: records, includeRunEvaluators: includeRunEvaluators)
        return .object(JSONObject([
            ("run_id", .string(run.id)), ("statistics", summary.statistics), ("goal_results", summary.goals),
            ("passed", summary.passed.map(JSON.bool) ?? .null),
        ]))
    }

    func generationJSON(_ generation: EvalGeneration, recordID: String) -> JSON {
        var scores = JSONObject(), statisticsJSON = JSONObject(), goals = JSONObject()
        let pairs = generation.scores.map { (score: $0, recordID: recordID) }
        for evaluator in run.evaluators {
            let own = generation.scores.filter { $0.evaluator == evaluator.name }
            guard !own.isEmpty else { continue }
            scores[evaluator.name] = .array(own.map(Self.scoreJSON))
            statisticsJSON[evaluator.name] = statistics(evaluator, scores: pairs).json
            if let goal = evaluator.goal {
                let items = own.compactMap { score in Self.verdict(goal, on: score).map { (goal.item(metric: "value", actual: $0.actual, passed: $0.passed), $0.passed) } }
                goals[evaluator.name] = Self.goalResult(items, hasGoal: true)?.json
            }
        }
        return .object(JSONObject(Self.stamps(generation.id, generation.createdMs, generation.createdMs) + [
            ("output", generation.output), ("metadata_", generation.metadata), ("status", .string(generation.status)),
            ("error", .string(generation.error)), ("scores", .object(scores)), ("statistics", .object(statisticsJSON)),
            ("goal_results", .object(goals)),
        ]))
    }

    /// `EvaluationRunRecordV2Response`.
    func recordJSON(_ record: EvalRecord) -> JSON {
        let summary = summary(over: [record], includeRunEvaluators: false)
        let output: JSON = .object(JSONObject(Self.stamps(UUIDText.v5("output-record:\(record.id)"), record.createdMs, record.createdMs) + [
            ("metadata_", record.metadata), ("record_info", record.recordInfo),
            ("generations", .array(record.generations.map { generationJSON($0, recordID: record.id) })),
            ("statistics", summary.statistics), ("goal_results", summary.goals),
        ]))
        return .object(JSONObject(Self.stamps(record.id, record.createdMs, record.createdMs) + [
            ("input", record.input), ("dataset_record_id", .string(record.datasetRecordID)), ("output_record", output),
        ]))
    }
}

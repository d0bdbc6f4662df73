import EmulatorJSON

/// `EvaluationRunRecordFilterInput`: which records of a run, and in which order.
struct RecordFilter: Sendable {
    enum Sort: Sendable {
        case createdAt(descending: Bool)
        case score(evaluator: String, metric: String, descending: Bool)
    }

    var input: ContentFilterGroup?
    var output: ContentFilterGroup?
    var scores: ScoreFilterGroup?
    var goals: GoalFilterGroup?
    var sort: Sort?

    /// Whether the filter selects a part of the run (a sort alone does not).
    var narrows: Bool { input != nil || output != nil || scores != nil || goals != nil }

    /// Reads an optional body (absent or `null`: no filter).
    static func parse(_ bytes: [UInt8]) throws -> RecordFilter {
        guard let reader = try OptionalBody.parse(bytes) else { return RecordFilter() }
        var filter = RecordFilter()
        filter.input = try reader.object("input_filters", required: false, nullable: true).map(ContentFilterGroup.parse)
        filter.output = try reader.object("output_filters", required: false, nullable: true).map(ContentFilterGroup.parse)
        filter.scores = try reader.object("score_filters", required: false, nullable: true).map(ScoreFilterGroup.parse)
        filter.goals = try reader.object("goal_filters", required: false, nullable: true).map(GoalFilterGroup.parse)
        if let sort = try reader.object("sort", required: false, nullable: true) {
            let descending = try FilterGroups.oneOf(sort, "direction", ["asc", "desc"], default: "desc") == "desc"
            let kind = try sort.string("kind", required: false, nullable: true)
            if sort.has("evaluator_name") || kind == "score" {
                filter.sort = .score(evaluator: try sort.requiredString("evaluator_name"),
                                     metric: try FilterGroups.oneOf(sort, "metric", ["avg", "min", "max", "std"], default: "avg"),
                                     descending: descending)
            } else {
                _ = try FilterGroups.oneOf(sort, "field", ["created_at"], default: nil)
                filter.sort = .createdAt(descending: descending)
            }
        }
        return filter
    }

    /// The records of the run this filter selects, in its order (upload order by default).
    func apply(_ report: RunReport) -> [EvalRecord] {
        var selected: [(record: EvalRecord, stats: [String: EvaluatorStatistics])] = []
        for record in report.run.records {
            if let input, !input.matches(any: [record.input]) { continue }
            if let output, !output.matches(any: record.generations.map(\.output)) { continue }
            var stats: [String: EvaluatorStatistics] = [:]
            for entry in report.statistics(over: [record]) { stats[entry.name] = entry.stats }
            if let scores, !scores.matches(stats) { continue }
            if let goals, !goals.matches(report.summary(over: [record], includeRunEvaluators: false).verdicts) { continue }
            selected.append((record, stats))
        }
        switch sort {
        case nil:
            break
        case .createdAt(let descending):
            selected = selected.enumerated().sorted { a, b in
                let (x, y) = (a.element.record, b.element.record)
                if x.createdMs != y.createdMs { return descending ? x.createdMs > y.createdMs : x.createdMs < y.createdMs }
                return descending ? a.offset > b.offset : a.offset < b.offset
            }.map(\.element)
        case .score(let evaluator, let metric, let descending):
            // Records without the metric come last, in upload order.
            selected = selected.enumerated().sorted { a, b in
                let x = a.element.stats[evaluator]?.metric(metric), y = b.element.stats[evaluator]?.metric(metric)
                switch (x, y) {
                case let (x?, y?) where x != y: return descending ? x > y : x < y
                case (nil, _?): return false
                case (_?, nil): return true
                default: return a.offset < b.offset
                }
            }.map(\.element)
        }
        return selected.map(\.record)
    }
}

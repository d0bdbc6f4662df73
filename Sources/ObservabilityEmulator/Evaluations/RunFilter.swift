import EmulatorJSON

/// `EvaluationRunFilterInput`: which runs a run search returns. Lists restrict to their values;
/// `ownership` ORs its terms by default (there are no favourites in the emulator, so
/// `starred_by_me` matches nothing); `tags` needs all its values (`and`) or one (`or`); score
/// and goal filters apply to the run's statistics and goal results; `system` and `metadata`
/// compare the run's system name and params and its metadata.
struct RunFilter: Sendable {
    var runIDs: [String]?
    var evaluationIDs: [String]?
    var creatorIDs: [String]?
    var projectIDs: [String]?
    var ownership: (combinator: String, creators: [String], projects: [String], starred: Bool)?
    var tags: (combinator: String, values: [String])?
    var scores: ScoreFilterGroup?
    var goals: GoalFilterGroup?
    var systemNames: ContentFilterGroup?
    var systemParams: KeyValueFilterGroup?
    var metadata: KeyValueFilterGroup?

    static func parse(_ bytes: [UInt8]) throws -> RunFilter {
        guard let reader = try OptionalBody.parse(bytes) else { return RunFilter() }
        var filter = RunFilter()
        filter.runIDs = try reader.stringArray("run_ids", required: false, nullable: true)
        filter.evaluationIDs = try reader.stringArray("evaluation_ids", required: false, nullable: true)
        filter.creatorIDs = try reader.stringArray("creator_ids", required: false, nullable: true)
        filter.projectIDs = try reader.stringArray("project_ids", required: false, nullable: true)
        if let ownership = try reader.object("ownership", required: false, nullable: true) {
            filter.ownership = (try FilterGroups.combinator(ownership, default: "or"),
                                try ownership.stringArray("creator_ids", required: false, nullable: true) ?? [],
                                try ownership.stringArray("project_ids", required: false, nullable: true) ?? [],
                                try ownership.value("starred_by_me").map { value -> Bool in
                                    guard let flag = value.boolValue else { throw ownership.fail("starred_by_me", "expected a boolean, got \(value.typeDescription)") }
                                    return flag
                                } ?? false)
        }
        if let tags = try reader.object("tags", required: false, nullable: true) {
            filter.tags = (try FilterGroups.combinator(tags), try tags.stringArray("values", required: false, nullable: true) ?? [])
        }
        filter.scores = try reader.object("score_filters", required: false, nullable: true).map(ScoreFilterGroup.parse)
        filter.goals = try reader.object("goal_filters", required: false, nullable: true).map(GoalFilterGroup.parse)
        if let system = try reader.object("system", required: false, nullable: true) {
            filter.systemNames = try system.object("name", required: false, nullable: true).map(ContentFilterGroup.parse)
            filter.systemParams = try system.object("params", required: false, nullable: true).map(KeyValueFilterGroup.parse)
        }
        filter.metadata = try reader.object("metadata", required: false, nullable: true).map(KeyValueFilterGroup.parse)
        return filter
    }

    /// Whether a run matches; `projectID` is the project of the run's evaluation.
    func matches(_ report: RunReport, projectID: String) -> Bool {
        let run = report.run
        if let runIDs, !runIDs.isEmpty, !runIDs.contains(run.id) { return false }
        if let evaluationIDs, !evaluationIDs.isEmpty, !evaluationIDs.contains(run.evaluationID) { return false }
        if let creatorIDs, !creatorIDs.isEmpty, !creatorIDs.contains(run.creatorID) { return false }
        if let projectIDs, !projectIDs.isEmpty, !projectIDs.contains(projectID) { return false }
        if let ownership {
            var terms: [Bool] = []
            if !ownership.creators.isEmpty { terms.append(ownership.creators.contains(run.creatorID)) }
            if !ownership.projects.isEmpty { terms.append(ownership.projects.contains(projectID)) }
            if ownership.starred { terms.append(false) }
            if !FilterGroups.combine(ownership.combinator, terms) { return false }
        }
        if let tags, !FilterGroups.combine(tags.combinator, tags.values.map { run.tags.contains($0) }) { return false }
        if let systemNames {
            guard let name = run.system["name"] else { return false }
            if !systemNames.matches(any: [name]) { return false }
        }
        if let systemParams, !systemParams.matches(run.system["params"] ?? [:]) { return false }
        if let metadata, !metadata.matches(run.metadata) { return false }
        if let scores {
            var stats: [String: EvaluatorStatistics] = [:]
            for entry in report.statistics(over: run.records) { stats[entry.name] = entry.stats }
            if !scores.matches(stats) { return false }
        }
        if let goals, !goals.matches(report.summary(over: run.records, includeRunEvaluators: true).verdicts) { return false }
        return true
    }
}

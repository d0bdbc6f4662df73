import EmulatorJSON

/// The filter groups shared by record and run searches, read from the request body. Shapes that
/// do not fit the reference are 422; a metric nothing can compute is 400.
enum FilterGroups {
    /// `and` (the default) or `or` over the results of a group's filters; an empty group matches.
    static func combine(_ combinator: String, _ results: [Bool]) -> Bool {
        guard !results.isEmpty else { return true }
        return combinator == "or" ? results.contains(true) : results.allSatisfy { $0 }
    }

    static func combinator(_ reader: BodyReader, default fallback: String = "and") throws -> String {
        let value = try reader.string("combinator", required: false, nullable: true) ?? fallback
        guard value == "and" || value == "or" else { throw reader.fail("combinator", "'\(value.prefix(20))' is not one of and, or") }
        return value
    }

    static func oneOf(_ reader: BodyReader, _ key: String, _ allowed: [String], default fallback: String?) throws -> String {
        guard let value = try reader.string(key, required: fallback == nil, nullable: fallback != nil) ?? fallback else { throw reader.fail(key, "field required") }
        guard allowed.contains(value) else { throw reader.fail(key, "'\(value.prefix(40))' is not one of \(allowed.joined(separator: ", "))") }
        return value
    }

    /// The objects of a group's `filters` array, each with its own path.
    static func filters(_ group: BodyReader) throws -> [BodyReader] {
        let items = try group.array("filters", required: false, nullable: true) ?? []
        return try items.enumerated().map { index, item in
            guard case .object(let object) = item else {
                throw APIError.validation("\(group.fieldPath("filters"))[\(index)]: expected an object, got \(item.typeDescription)")
            }
            return BodyReader(object: object, path: "\(group.fieldPath("filters"))[\(index)]")
        }
    }

    /// The text a content filter compares: a string as it is, anything else as JSON.
    static func text(_ value: JSON) -> String {
        if case .string(let text) = value { return text }
        return value.text
    }

    /// The value at a dotted path (`messages.0.content`); the whole value without a path.
    static func value(at path: String?, in root: JSON) -> JSON? {
        guard let path, !path.isEmpty else { return root }
        var current = root
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let object):
                guard let next = object[String(part)] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(part), index >= 0, index < items.count else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}

/// `ContentSearchFilterGroup`: text filters on a record's input or its generations' outputs.
struct ContentFilterGroup: Sendable {
    struct Filter: Sendable {
        var value: String
        var path: String?
        var equals: Bool
    }

    var combinator: String
    var filters: [Filter]

    static func parse(_ reader: BodyReader) throws -> ContentFilterGroup {
        ContentFilterGroup(combinator: try FilterGroups.combinator(reader), filters: try FilterGroups.filters(reader).map { filter in
            Filter(value: try filter.requiredString("value"), path: try filter.string("path", required: false, nullable: true),
                   equals: try FilterGroups.oneOf(filter, "operator", ["contains", "equals"], default: "contains") == "equals")
        })
    }

    /// `equals`: the text at the path is the value; `contains`: it holds the value, ignoring case.
    func matches(_ filter: Filter, _ root: JSON) -> Bool {
        guard let found = FilterGroups.value(at: filter.path, in: root) else { return false }
        let text = FilterGroups.text(found)
        return filter.equals ? text == filter.value : text.lowercased().contains(filter.value.lowercased())
    }

    /// Whether the group matches any of the values (a record's outputs: any generation).
    func matches(any values: [JSON]) -> Bool {
        FilterGroups.combine(combinator, filters.map { filter in values.contains { matches(filter, $0) } })
    }
}

/// `ScoreFilterGroup`: conditions on an evaluator's statistics (of a record, or of a run).
struct ScoreFilterGroup: Sendable {
    struct Filter: Sendable {
        var evaluator: String
        var metric: String
        var op: String
        var value: JSON
    }

    var combinator: String
    var filters: [Filter]

    static func parse(_ reader: BodyReader) throws -> ScoreFilterGroup {
        ScoreFilterGroup(combinator: try FilterGroups.combinator(reader), filters: try FilterGroups.filters(reader).map { filter in
            let parsed = Filter(evaluator: try filter.requiredString("evaluator_name"), metric: try filter.requiredString("metric"),
                                op: try FilterGroups.oneOf(filter, "operator", ["gt", "gte", "lt", "lte", "eq"], default: nil),
                                value: try filter.value("value") ?? .null)
            switch parsed.value {
            case .int, .double: break
            case .string:
                guard parsed.op == "eq" else {
                    throw APIError.searchBadRequest("\(filter.fieldPath("operator")): a label can only be compared with eq, got \(parsed.op)")
                }
            case .null: throw filter.fail("value", "field required")
            default: throw filter.fail("value", "expected a number or a string, got \(parsed.value.typeDescription)")
            }
            guard EvaluatorStatistics.isKnownMetric(parsed.metric, specs: []) || parsed.metric.contains("_") else {
                throw APIError.searchBadRequest("\(filter.fieldPath("metric")): unknown metric '\(parsed.metric.prefix(40))' (avg, min, max, std, sum, count, p<N>, mode or a requested statistic's id)")
            }
            return parsed
        })
    }

    /// One filter against statistics keyed by evaluator name; an evaluator without statistics,
    /// or a metric they cannot give, does not match.
    static func matches(_ filter: Filter, _ stats: [String: EvaluatorStatistics]) -> Bool {
        guard let stats = stats[filter.evaluator] else { return false }
        if case .string(let label) = filter.value { return stats.mode.contains(label) }
        guard let actual = stats.metric(filter.metric == "value" ? "avg" : filter.metric), let target = filter.value.doubleValue else { return false }
        switch filter.op {
        case "gt": return actual > target
        case "gte": return actual >= target
        case "lt": return actual < target
        case "lte": return actual <= target
        default: return actual == target
        }
    }

    func matches(_ stats: [String: EvaluatorStatistics]) -> Bool {
        FilterGroups.combine(combinator, filters.map { Self.matches($0, stats) })
    }
}

/// `GoalStatusFilterGroup`: goal statuses, of one evaluator or overall.
struct GoalFilterGroup: Sendable {
    struct Filter: Sendable {
        var values: [String]
        var evaluator: String?
    }

    var combinator: String
    var filters: [Filter]

    static func parse(_ reader: BodyReader) throws -> GoalFilterGroup {
        GoalFilterGroup(combinator: try FilterGroups.combinator(reader), filters: try FilterGroups.filters(reader).map { filter in
            let values = try filter.stringArray("values") ?? []
            for (index, value) in values.enumerated() where !["passed", "failed", "not_evaluated"].contains(value) {
                throw APIError.validation("\(filter.fieldPath("values"))[\(index)]: '\(value.prefix(40))' is not one of passed, failed, not_evaluated")
            }
            return Filter(values: values, evaluator: try filter.string("evaluator_name", required: false, nullable: true))
        })
    }

    func matches(_ verdicts: [String: Bool?]) -> Bool {
        FilterGroups.combine(combinator, filters.map { filter in
            let status = filter.evaluator.map { RunReport.status(verdicts[$0]) } ?? RunReport.overallStatus(verdicts)
            return filter.values.contains(status)
        })
    }
}

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

/// An optional JSON body: absent, empty or `null` means none; otherwise an object.
enum OptionalBody {
    /// What the generated SDK (3.1–3.7) sends for a whole-body filter left unset
    /// (`evaluations.runs.search_all()` without `evaluation_run_filter_input`): its UNSET
    /// sentinel serialised as a JSON string. Read as no filter, so the method works unchanged.
    static let sdkUnsetSentinel = "~?~unset~?~sentinel~?~"

    static func parse(_ bytes: [UInt8]) throws -> BodyReader? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        let value: JSON
        do { value = try JSON.parse(bytes) } catch let error as JSONParseError {
            throw APIError.validation("body: invalid JSON: \(error.description)")
        }
        if value.isNull || value == .string(sdkUnsetSentinel) { return nil }
        guard case .object(let object) = value else { throw APIError.validation("body: expected a JSON object or null, got \(value.typeDescription)") }
        return BodyReader(object: object)
    }
}

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

    /// The most filters one group holds.
    static let maximumFilters = 100

    /// The objects of a group's `filters` array, each with its own path.
    static func filters(_ group: BodyReader) throws -> [BodyReader] {
        let items = try group.array("filters", required: false, nullable: true) ?? []
        if items.count > maximumFilters {
            throw APIError.limitExceeded("\(group.fieldPath("filters")): at most \(maximumFilters) filters in one group (got \(items.count))")
        }
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
                                value: filter.value("value") ?? .null)
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

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

/// One condition of a filter group, read from one object of the group's `filters` and tested
/// against what the group filters (a record's input, an evaluator's statistics, …).
protocol GroupCondition: Sendable {
    associatedtype Subject
    init(_ filter: BodyReader) throws
    func holds(_ subject: Subject) -> Bool
}

/// A `{combinator, filters}` group of the record and run searches: its conditions joined by
/// `and` (the default) or `or`; an empty group matches.
struct FilterGroup<Condition: GroupCondition>: Sendable {
    var combinator: String
    var filters: [Condition]

    static func parse(_ reader: BodyReader) throws -> FilterGroup {
        FilterGroup(combinator: try FilterGroups.combinator(reader), filters: try FilterGroups.filters(reader).map(Condition.init))
    }

    func matches(_ subject: Condition.Subject) -> Bool {
        FilterGroups.combine(combinator, filters.map { $0.holds(subject) })
    }
}

/// `ContentSearchFilterGroup`: text filters on a record's input or its generations' outputs.
typealias ContentFilterGroup = FilterGroup<ContentCondition>

/// `equals`: the text at the path is the value; `contains`: it holds the value, ignoring case.
struct ContentCondition: GroupCondition {
    var value: String
    var path: String?
    var equals: Bool

    init(_ filter: BodyReader) throws {
        value = try filter.requiredString("value")
        path = try filter.string("path", required: false, nullable: true)
        equals = try FilterGroups.oneOf(filter, "operator", ["contains", "equals"], default: "contains") == "equals"
    }

    func holds(_ root: JSON) -> Bool {
        guard let found = FilterGroups.value(at: path, in: root) else { return false }
        let text = FilterGroups.text(found)
        return equals ? text == value : text.lowercased().contains(value.lowercased())
    }
}

extension FilterGroup where Condition == ContentCondition {
    /// Whether the group matches any of the values (a record's outputs: any generation).
    func matches(any values: [JSON]) -> Bool {
        FilterGroups.combine(combinator, filters.map { filter in values.contains { filter.holds($0) } })
    }
}

/// `ScoreFilterGroup`: conditions on an evaluator's statistics (of a record, or of a run).
typealias ScoreFilterGroup = FilterGroup<ScoreCondition>

/// An evaluator's metric compared with a number, or its mode with a label; an evaluator
/// without statistics, or a metric they cannot give, does not match.
struct ScoreCondition: GroupCondition {
    var evaluator: String
    var metric: String
    var op: String
    var value: JSON

    init(_ filter: BodyReader) throws {
        evaluator = try filter.requiredString("evaluator_name")
        metric = try filter.requiredString("metric")
        op = try FilterGroups.oneOf(filter, "operator", ["gt", "gte", "lt", "lte", "eq"], default: nil)
        value = filter.value("value") ?? .null
        switch value {
        case .int, .double: break
        case .string:
            guard op == "eq" else {
                throw APIError.searchBadRequest("\(filter.fieldPath("operator")): a label can only be compared with eq, got \(op)")
            }
        case .null: throw filter.fail("value", "field required")
        default: throw filter.fail("value", "expected a number or a string, got \(value.typeDescription)")
        }
        guard EvaluatorStatistics.isKnownMetric(metric, specs: []) || metric.contains("_") else {
            throw APIError.searchBadRequest("\(filter.fieldPath("metric")): unknown metric '\(metric.prefix(40))' (avg, min, max, std, sum, count, p<N>, mode or a requested statistic's id)")
        }
    }

    func holds(_ statistics: [String: EvaluatorStatistics]) -> Bool {
        guard let stats = statistics[evaluator] else { return false }
        if case .string(let label) = value { return stats.mode.contains(label) }
        guard let actual = stats.metric(metric == "value" ? "avg" : metric), let target = value.doubleValue else { return false }
        switch op {
        case "gt": return actual > target
        case "gte": return actual >= target
        case "lt": return actual < target
        case "lte": return actual <= target
        default: return actual == target
        }
    }
}

/// `GoalStatusFilterGroup`: goal statuses, of one evaluator or overall.
typealias GoalFilterGroup = FilterGroup<GoalCondition>

struct GoalCondition: GroupCondition {
    var values: [String]
    var evaluator: String?

    init(_ filter: BodyReader) throws {
        values = try filter.stringArray("values") ?? []
        for (index, value) in values.enumerated() where !["passed", "failed", "not_evaluated"].contains(value) {
            throw APIError.validation("\(filter.fieldPath("values"))[\(index)]: '\(value.prefix(40))' is not one of passed, failed, not_evaluated")
        }
        evaluator = try filter.string("evaluator_name", required: false, nullable: true)
    }

    func holds(_ verdicts: [String: Bool?]) -> Bool {
        let status = evaluator.map { RunReport.status(verdicts[$0]) } ?? RunReport.overallStatus(verdicts)
        return values.contains(status)
    }
}

/// `SystemParamFilterGroup` and `MetadataFilterGroup`: key, operator, value over an object.
typealias KeyValueFilterGroup = FilterGroup<KeyValueCondition>

struct KeyValueCondition: GroupCondition {
    var key: String
    var op: String
    var value: JSON

    init(_ filter: BodyReader) throws {
        let value = filter.value("value") ?? .null
        guard value.doubleValue != nil || value.stringValue != nil || value.boolValue != nil else {
            throw filter.fail("value", value.isNull ? "field required" : "expected a number, a string or a boolean, got \(value.typeDescription)")
        }
        key = try filter.requiredString("key")
        op = try FilterGroups.oneOf(filter, "operator", ["eq", "contains", "gt", "gte", "lt", "lte"], default: nil)
        self.value = value
    }

    func holds(_ object: JSON) -> Bool {
        guard let found = object[key], !found.isNull else { return false }
        switch op {
        case "eq":
            if let a = found.doubleValue, let b = value.doubleValue { return a == b }
            return found == value
        case "contains":
            return FilterGroups.text(found).lowercased().contains(FilterGroups.text(value).lowercased())
        default:
            guard let a = found.doubleValue, let b = value.doubleValue else { return false }
            switch op {
            case "gt": return a > b
            case "gte": return a >= b
            case "lt": return a < b
            default: return a <= b
            }
        }
    }
}

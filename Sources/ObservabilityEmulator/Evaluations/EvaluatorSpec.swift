import EmulatorJSON

/// A run-level statistic an evaluator asks for (`Statistic` of the reference): a plain numeric
/// reduction, a percentile (type 7), or precision/recall/f1 against expected labels.
struct StatisticSpec: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case simple(String)
        case percentile(Double)
        case classification(metric: String, positiveLabel: String?, average: String?, expectedKey: String, labels: [String]?)
    }

    static let simpleKinds = ["avg", "sum", "min", "max", "std", "count"]
    static let classificationKinds = ["precision", "recall", "f1"]
    static let averages = ["macro", "micro", "weighted"]

    var kind: Kind
    var goal: GoalSpec?

    /// The canonical id a `ScalarStatisticValue` carries and a goal's `metric` may name:
    /// `avg`, `p90`, `p99.5`, `f1_macro`, `precision_spam`.
    var id: String {
        switch kind {
        case .simple(let name): return name
        case .percentile(let p): return "p" + (ScoreValue.label(of: .double(p)) ?? "")
        case .classification(let metric, let positive, let average, _, _): return "\(metric)_\(positive ?? average ?? "")"
        }
    }

    static func parse(_ reader: BodyReader) throws -> StatisticSpec {
        let kind = try reader.string("kind", required: false) ?? "percentile"
        let goal = try reader.object("goal", required: false, nullable: true).map(GoalSpec.parse)
        if simpleKinds.contains(kind) { return StatisticSpec(kind: .simple(kind), goal: goal) }
        if kind == "percentile" {
            guard let p = try reader.number("percentile", required: true) else { throw reader.fail("percentile", "field required") }
            guard p >= 0 && p <= 100 else { throw reader.fail("percentile", "must be between 0 and 100, got \(p)") }
            return StatisticSpec(kind: .percentile(p), goal: goal)
        }
        guard classificationKinds.contains(kind) else {
            throw reader.fail("kind", "'\(kind.prefix(40))' is not one of \((simpleKinds + ["percentile"] + classificationKinds).joined(separator: ", "))")
        }
        let positive = try reader.string("positive_label", required: false, nullable: true)
        let average = try reader.string("average", required: false, nullable: true)
        if let average, !averages.contains(average) {
            throw reader.fail("average", "'\(average.prefix(40))' is not one of macro, micro, weighted")
        }
        guard (positive == nil) != (average == nil) else {
            throw reader.fail(positive == nil ? "positive_label" : "average", "give exactly one of positive_label and average")
        }
        let labels = try reader.stringArray("labels", required: false, nullable: true)
        let expectedKey = try reader.string("expected_key", required: false) ?? "expected"
        return StatisticSpec(kind: .classification(metric: kind, positiveLabel: positive, average: average, expectedKey: expectedKey, labels: labels), goal: goal)
    }

    var json: JSON {
        var pairs: [(String, JSON)]
        switch kind {
        case .simple(let name): pairs = [("kind", .string(name))]
        case .percentile(let p): pairs = [("kind", "percentile"), ("percentile", .double(p))]
        case .classification(let metric, let positive, let average, let key, let labels):
            pairs = [("kind", .string(metric)), ("positive_label", .string(positive)), ("average", .string(average)),
                     ("expected_key", .string(key)), ("labels", labels.map { .array($0.map(JSON.string)) } ?? .null)]
        }
        pairs.append(("goal", goal?.json ?? .null))
        return .object(JSONObject(pairs))
    }
}

/// An evaluator of a run as uploaded: its name (the key of its scores), goals and the
/// statistics it asks for. Run evaluators have the same shape and score the run as a whole.
struct EvaluatorSpec: Equatable, Sendable {
    var name: String
    var description: String?
    var tags: [String] = []
    var goal: GoalSpec?
    var aggregateGoal: GoalSpec?
    var statistics: [StatisticSpec]?
    var weight: Double = 1
    var direction: String?
    var minValue: Double?
    var maxValue: Double?

    static func parse(_ reader: BodyReader) throws -> EvaluatorSpec {
        var spec = EvaluatorSpec(name: try reader.requiredString("name", minLength: 1, maxLength: 200))
        spec.description = try reader.string("description", required: false, nullable: true)
        spec.tags = try reader.stringArray("tags", required: false, nullable: true) ?? []
        spec.goal = try reader.object("goal", required: false, nullable: true).map(GoalSpec.parse)
        spec.aggregateGoal = try reader.object("aggregate_goal", required: false, nullable: true).map(GoalSpec.parse)
        if let items = try reader.array("statistics", required: false, nullable: true) {
            spec.statistics = try items.enumerated().map { index, item in
                guard case .object(let object) = item else {
                    throw APIError.validation("\(reader.fieldPath("statistics"))[\(index)]: expected an object, got \(item.typeDescription)")
                }
                return try StatisticSpec.parse(BodyReader(object: object, path: "\(reader.fieldPath("statistics"))[\(index)]"))
            }
        }
        spec.weight = try reader.number("weight") ?? 1
        spec.direction = try reader.string("direction", required: false, nullable: true)
        if let direction = spec.direction, direction != "maximize" && direction != "minimize" {
            throw reader.fail("direction", "'\(direction.prefix(40))' is not one of maximize, minimize")
        }
        spec.minValue = try reader.number("min_value")
        spec.maxValue = try reader.number("max_value")
        return spec
    }

    /// The stored form (the `EvaluatorV2` fields that are not computed).
    var json: JSON {
        .object(JSONObject([
            ("name", .string(name)), ("description", .string(description)), ("tags", .array(tags.map(JSON.string))),
            ("goal", goal?.json ?? .null), ("aggregate_goal", aggregateGoal?.json ?? .null),
            ("statistics", statistics.map { .array($0.map(\.json)) } ?? .null), ("weight", .double(weight)),
            ("direction", .string(direction)), ("min_value", minValue.map(JSON.double) ?? .null), ("max_value", maxValue.map(JSON.double) ?? .null),
        ]))
    }

    /// Reads the stored form back (it was checked when uploaded).
    static func stored(_ value: JSON) -> EvaluatorSpec? {
        guard case .object(let object) = value else { return nil }
        return try? parse(BodyReader(object: object))
    }
}

/// How score values are read: numbers and booleans (1/0) are numeric, strings are labels.
enum ScoreValue {
    static func number(_ value: JSON) -> Double? {
        if let number = value.doubleValue { return number }
        if let flag = value.boolValue { return flag ? 1 : 0 }
        return nil
    }

    /// A value as a label: strings as they are, integral numbers without a fraction (`1`, not
    /// `1.0`), booleans as `true`/`false`.
    static func label(of value: JSON) -> String? {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            if number.rounded() == number && abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        default: return nil
        }
    }
}

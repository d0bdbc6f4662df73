import EmulatorJSON

/// A pass/fail criterion on an evaluator's scores or statistics, as the evaluation SDK uploads it
/// (`Goal.gte(0.8)` → `{"operator": "gte", "value": 0.8}`; `Goal.between(0.2, 0.8)` →
/// `{"operator": "between", "min": 0.2, "max": 0.8}`; `metric` picks the statistic, `avg` by
/// default). Direction-only goals (`higher_is_better`, `lower_is_better`) give no verdict.
struct GoalSpec: Equatable, Sendable {
    enum Operator: String, CaseIterable, Sendable {
        case gte, gt, lte, lt, eq, between, `in`
        case higherIsBetter = "higher_is_better", lowerIsBetter = "lower_is_better"
    }

    var op: Operator
    /// The threshold of gte/gt/lte/lt/eq (a number, or a label for `eq` on a categorical score).
    var value: JSON?
    var min: Double?
    var max: Double?
    /// The accepted labels or numbers of `in`.
    var values: [JSON]?
    var metric: String?

    /// Whether the goal gives a verdict (direction hints do not).
    var hasThreshold: Bool { op != .higherIsBetter && op != .lowerIsBetter }

    /// `higher_is_better` for lower bounds, `lower_is_better` for upper bounds, else nil.
    var direction: String? {
        switch op {
        case .gte, .gt, .higherIsBetter: "higher_is_better"
        case .lte, .lt, .lowerIsBetter: "lower_is_better"
        default: nil
        }
    }

    /// Reads and checks a goal; every problem names its field under `reader.path`.
    static func parse(_ reader: BodyReader) throws -> GoalSpec {
        let opText = try reader.requiredString("operator")
        guard let op = Operator(rawValue: opText) else {
            throw reader.fail("operator", "'\(opText.prefix(40))' is not one of \(Operator.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var goal = GoalSpec(op: op, metric: try reader.string("metric", required: false, nullable: true))
        switch op {
        case .gte, .gt, .lte, .lt:
            guard let number = try reader.number("value", required: true) else { throw reader.fail("value", "field required") }
            goal.value = .double(number)
        case .eq:
            guard let value = reader.value("value"), !value.isNull else { throw reader.fail("value", "field required") }
            guard value.doubleValue != nil || value.stringValue != nil || value.boolValue != nil else {
                throw reader.fail("value", "expected a number, a string or a boolean, got \(value.typeDescription)")
            }
            goal.value = value
        case .between:
            guard let low = try reader.number("min", required: true) else { throw reader.fail("min", "field required") }
            guard let high = try reader.number("max", required: true) else { throw reader.fail("max", "field required") }
            guard low <= high else { throw reader.fail("max", "must be at least min (\(low)), got \(high)") }
            goal.min = low
            goal.max = high
        case .in:
            guard let items = try reader.array("values"), !items.isEmpty else { throw reader.fail("values", "must have at least 1 item") }
            for (index, item) in items.enumerated() where item.doubleValue == nil && item.stringValue == nil && item.boolValue == nil {
                throw APIError.validation("\(reader.fieldPath("values"))[\(index)]: expected a number, a string or a boolean, got \(item.typeDescription)")
            }
            goal.values = items
        case .higherIsBetter, .lowerIsBetter:
            break
        }
        return goal
    }

    /// The stored and returned form (`GoalSpec` of the reference).
    var json: JSON {
        .object(JSONObject([
            ("operator", .string(op.rawValue)), ("value", value ?? .null), ("min", min.map(JSON.double) ?? .null),
            ("max", max.map(JSON.double) ?? .null), ("values", values.map(JSON.array) ?? .null), ("metric", .string(metric)),
        ]))
    }

    /// Whether a number meets the goal; nil for direction-only goals.
    func accepts(_ actual: Double) -> Bool? {
        switch op {
        case .gte: return actual >= (value?.doubleValue ?? 0)
        case .gt: return actual > (value?.doubleValue ?? 0)
        case .lte: return actual <= (value?.doubleValue ?? 0)
        case .lt: return actual < (value?.doubleValue ?? 0)
        case .eq: return value?.doubleValue.map { $0 == actual } ?? false
        case .between: return actual >= (min ?? 0) && actual <= (max ?? 0)
        case .in: return (values ?? []).contains { $0.doubleValue == actual }
        case .higherIsBetter, .lowerIsBetter: return nil
        }
    }

    /// Whether a label meets the goal (`eq` or `in` with labels); false for numeric operators.
    func accepts(label: String) -> Bool? {
        switch op {
        case .eq: return value.map { ScoreValue.label(of: $0) == label } ?? false
        case .in: return (values ?? []).contains { ScoreValue.label(of: $0) == label }
        case .higherIsBetter, .lowerIsBetter: return nil
        default: return false
        }
    }

    /// One `GoalResultItem`.
    func item(metric: String, actual: Double, passed: Bool) -> JSON {
        .object(JSONObject([
            ("metric", .string(metric)), ("operator", .string(op.rawValue)), ("actual", .double(actual)), ("passed", .bool(passed)),
            ("target", value?.doubleValue.map(JSON.double) ?? .null), ("target_min", min.map(JSON.double) ?? .null),
            ("target_max", max.map(JSON.double) ?? .null), ("direction", .string(direction)),
        ]))
    }
}

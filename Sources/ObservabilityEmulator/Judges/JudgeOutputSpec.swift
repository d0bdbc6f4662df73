import EmulatorJSON

/// What a judge answers: one of its options, or a number in [min, max].
enum JudgeOutputSpec: Equatable {
    struct Option: Equatable { let value: String; let description: String }
    case classification([Option])
    case regression(min: Double, minDescription: String, max: Double, maxDescription: String)

    var typeName: String {
        if case .classification = self { return "CLASSIFICATION" }
        return "REGRESSION"
    }

    /// Reads back what `json` wrote when the judge was stored (validated then); nil when the
    /// stored text is not that shape.
    init?(stored: JSON) {
        switch stored["type"]?.stringValue {
        case "CLASSIFICATION":
            guard let items = stored["options"]?.arrayValue else { return nil }
            let options = items.compactMap { item -> Option? in
                guard let value = item["value"]?.stringValue, let description = item["description"]?.stringValue else { return nil }
                return Option(value: value, description: description)
            }
            guard options.count == items.count else { return nil }
            self = .classification(options)
        case "REGRESSION":
            guard let min = stored["min"]?.doubleValue, let max = stored["max"]?.doubleValue,
                  let minDescription = stored["min_description"]?.stringValue, let maxDescription = stored["max_description"]?.stringValue else { return nil }
            self = .regression(min: min, minDescription: minDescription, max: max, maxDescription: maxDescription)
        default:
            return nil
        }
    }

    var json: JSON {
        switch self {
        case .classification(let options):
            return ["type": "CLASSIFICATION", "options": .array(options.map { ["value": .string($0.value), "description": .string($0.description)] })]
        case .regression(let min, let minDescription, let max, let maxDescription):
            return .object(JSONObject([("type", "REGRESSION"), ("min", .double(min)), ("min_description", .string(minDescription)),
                                       ("max", .double(max)), ("max_description", .string(maxDescription))]))
        }
    }
}

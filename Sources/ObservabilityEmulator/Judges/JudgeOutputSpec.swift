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

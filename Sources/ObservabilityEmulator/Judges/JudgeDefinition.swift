import EmulatorJSON

/// A judge as `PostJudgeInSchema` / `PutJudgeInSchema` define it, validated, with its rules parsed.
struct JudgeDefinition: Equatable {
    var name: String
    var description: String
    var modelName: String
    var output: JudgeOutputSpec
    var instructions: String
    var tools: [String]
    /// The rules of the instructions; nil for a definition read back from the database until
    /// `rules` parses them.
    var parsedRules: [JudgeRule]?

    /// The rule lines of the instructions (`when … then …` lines), parsed on demand for stored definitions.
    var rules: [JudgeRule] {
        parsedRules ?? ((try? RuleParser.parse(instructions, output: output, checkPatterns: false)) ?? [])
    }

    /// Validates a judge body. Every problem is a 422 naming the field (`output.options[1].value`)
    /// or the instruction line of a bad rule.
    static func parse(_ reader: BodyReader) throws -> JudgeDefinition {
        let name = try reader.requiredString("name", minLength: 5, maxLength: 50)
        let description = try reader.requiredString("description", maxLength: 500)
        let modelName = try reader.requiredString("model_name", maxLength: 500)
        guard let outputReader = try reader.object("output") else { throw reader.fail("output", "field required") }
        let output = try parseOutput(outputReader)
        let instructions = try reader.requiredString("instructions", maxLength: 10_000)
        let tools = try reader.stringArray("tools") ?? []
        let rules = try RuleParser.parse(instructions, output: output)
        return JudgeDefinition(name: name, description: description, modelName: modelName, output: output, instructions: instructions, tools: tools, parsedRules: rules)
    }

    /// The `judge_definition` of a live-judging body (events and dataset records).
    static func inline(in body: BodyReader) throws -> JudgeDefinition {
        guard let reader = try body.object("judge_definition") else { throw APIError.validation("judge_definition: field required") }
        return try parse(reader)
    }

    /// CLASSIFICATION or REGRESSION; `type` is inferred when absent because the official
    /// documentation's own examples omit it.
    static func parseOutput(_ reader: BodyReader) throws -> JudgeOutputSpec {
        let type: String
        if let given = try reader.string("type", required: false, nullable: true) {
            type = given
        } else if reader.has("options") {
            type = "CLASSIFICATION"
        } else if reader.has("min_description") || reader.has("max_description") || reader.has("min") || reader.has("max") {
            type = "REGRESSION"
        } else {
            throw reader.fail("type", "field required: CLASSIFICATION (with options) or REGRESSION (with min_description and max_description)")
        }
        switch type {
        case "CLASSIFICATION":
            guard let items = try reader.array("options") else { throw reader.fail("options", "field required") }
            if items.isEmpty { throw reader.fail("options", "at least one option is required") }
            var options: [JudgeOutputSpec.Option] = []
            for (index, item) in items.enumerated() {
                guard case .object(let object) = item else {
                    throw APIError.validation("\(reader.fieldPath("options"))[\(index)]: expected an object, got \(item.typeDescription)")
                }
                let optionReader = BodyReader(object: object, path: "\(reader.fieldPath("options"))[\(index)]")
                let value = try optionReader.requiredString("value")
                if value.trimmedSpaces.isEmpty { throw optionReader.fail("value", "must not be empty") }
                if options.contains(where: { $0.value == value }) { throw optionReader.fail("value", "duplicate option value '\(value)'") }
                let description = try optionReader.requiredString("description")
                options.append(.init(value: value, description: description))
            }
            return .classification(options)
        case "REGRESSION":
            let min = try reader.number("min") ?? 0
            let max = try reader.number("max") ?? 1
            if min < 0 { throw reader.fail("min", "must be at least 0 (got \(min))") }
            if max <= min { throw reader.fail("max", "must be greater than min (\(min)), got \(max)") }
            if max >= 1e9 { throw reader.fail("max", "must be less than 1e9") }
            let minDescription = try reader.requiredString("min_description")
            let maxDescription = try reader.requiredString("max_description")
            return .regression(min: min, minDescription: minDescription, max: max, maxDescription: maxDescription)
        default:
            throw reader.fail("type", "'\(type.prefix(40))' is not one of CLASSIFICATION, REGRESSION")
        }
    }

    /// The definition's fields as stored and compared (the rules derive from the instructions).
    func sameContent(as other: JudgeDefinition) -> Bool {
        name == other.name && description == other.description && modelName == other.modelName && output == other.output
            && instructions == other.instructions && tools == other.tools
    }
}

import EmulatorJSON
import Foundation

/// The conversation a judge looks at: messages and optional properties.
struct JudgedConversation {
    let messages: [JSONObject]
    let properties: JSONObject

    /// Validates `messages` (a list of objects with a string `role`) and requires something to
    /// judge: an assistant message with content or tool calls. Otherwise 400
    /// JUDGE_CONVERSATION_FORMAT_ERROR.
    static func make(messages: [JSON], properties: JSONObject, path: String = "messages") throws -> JudgedConversation {
        var objects: [JSONObject] = []
        for (index, item) in messages.enumerated() {
            guard case .object(let object) = item else {
                throw APIError.validation("\(path)[\(index)]: expected a message object with 'role' and 'content', got \(item.typeDescription)")
            }
            guard case .string = object["role"] ?? .null else {
                throw APIError.validation("\(path)[\(index)].role: field required (a string such as 'user' or 'assistant')")
            }
            objects.append(object)
        }
        let conversation = JudgedConversation(messages: objects, properties: properties)
        guard conversation.answerMessage != nil else {
            throw APIError(400, "JUDGE_CONVERSATION_FORMAT_ERROR", "\(path): the conversation has no assistant message to judge (need a message with role 'assistant' and content or tool_calls)")
        }
        return conversation
    }

    /// A conversation stored by the emulator (an event, a dataset record): a malformed message is
    /// not the caller's body at fault, so it is the 400 JUDGE_CONVERSATION_FORMAT_ERROR, not a 422.
    static func stored(messages: [JSON], properties: JSONObject, path: String) throws -> JudgedConversation {
        do {
            return try make(messages: messages, properties: properties, path: path)
        } catch let error as APIError where error.status == 422 {
            throw APIError(400, "JUDGE_CONVERSATION_FORMAT_ERROR", error.message)
        }
    }

    /// The judged answer: the last assistant message with content or tool calls.
    var answerMessage: JSONObject? {
        messages.last { m in
            m["role"]?.stringValue == "assistant" && (!messageText(m).isEmpty || !(m["tool_calls"]?.arrayValue ?? []).isEmpty)
        }
    }

    var assistant: String { answerMessage.map(messageText) ?? "" }
    var user: String { messages.last { $0["role"]?.stringValue == "user" }.map(messageText) ?? "" }
    var system: String { messages.first { $0["role"]?.stringValue == "system" }.map(messageText) ?? "" }
    var conversationText: String { messages.map(messageText).filter { !$0.isEmpty }.joined(separator: "\n") }
    var toolNames: [String] {
        messages.filter { $0["role"]?.stringValue == "assistant" }.flatMap { m in
            (m["tool_calls"]?.arrayValue ?? []).compactMap { $0["function"]?["name"]?.stringValue ?? $0["name"]?.stringValue }
        }
    }

    func property(_ key: String) -> String? {
        switch properties[key] {
        case .none, .some(.null): return nil
        case .some(.string(let s)): return s
        case .some(let other): return other.text
        }
    }

    func text(of subject: JudgeRule.Subject) -> String? {
        switch subject {
        case .user: return user
        case .assistant: return assistant
        case .system: return system
        case .conversation: return conversationText
        case .tools: return toolNames.joined(separator: ", ")
        case .property(let key): return property(key)
        }
    }

    /// A canonical rendering for the tie-breaking hash.
    var fingerprint: String { JSON.array(messages.map { .object($0) }).text + JSON.object(properties).text }
}

/// The deterministic judge of SPEC 5.3: rules first, then a transparent heuristic.
struct RuleEngine {
    let definition: JudgeDefinition
    let rules: [JudgeRule]

    init(definition: JudgeDefinition) {
        self.definition = definition
        rules = definition.rules
    }

    func judge(_ conversation: JudgedConversation) -> (analysis: String, answer: JSON) {
        for rule in rules {
            guard let condition = rule.condition else {
                return (analysis(for: rule, reason: "no earlier rule matched, so the 'otherwise' rule on line \(rule.line) decided"), answerJSON(rule.answer))
            }
            if matches(condition, conversation) {
                return (analysis(for: rule, reason: "rule on line \(rule.line) matched (\(describe(condition)))"), answerJSON(rule.answer))
            }
        }
        return Heuristic(definition: definition).judge(conversation)
    }

    private func analysis(for rule: JudgeRule, reason: String) -> String {
        "Decided by the instructions: \(reason), answering \(answerText(rule.answer))."
    }

    private func answerJSON(_ answer: JudgeRule.Answer) -> JSON {
        switch answer {
        case .option(let value): return .string(value)
        case .number(let n): return .double(n)
        }
    }

    private func answerText(_ answer: JudgeRule.Answer) -> String {
        switch answer {
        case .option(let value): return "\"\(value)\""
        case .number(let n): return Heuristic.format(n)
        }
    }

    private func describe(_ c: (subject: JudgeRule.Subject, negated: Bool, op: JudgeRule.Operator, operand: JudgeRule.Operand)) -> String {
        let operand: String
        switch c.operand {
        case .text(let t): operand = "\"\(t)\""
        case .subject(let s): operand = s.name
        }
        return "\(c.subject.name) \(c.negated ? "not " : "")\(c.op.rawValue) \(operand)"
    }

    func matches(_ c: (subject: JudgeRule.Subject, negated: Bool, op: JudgeRule.Operator, operand: JudgeRule.Operand), _ conversation: JudgedConversation) -> Bool {
        let subjectText = conversation.text(of: c.subject)
        let operandText: String?
        switch c.operand {
        case .text(let t): operandText = t
        case .subject(let s): operandText = conversation.text(of: s)
        }
        // A missing property matches nothing, negated or not (as a null field in the filter language).
        guard let x = subjectText, let y = operandText else { return false }
        let result: Bool
        switch c.op {
        case .contains: result = x.contains(y)
        case .icontains: result = x.lowercased().contains(y.lowercased())
        case .equals: result = x == y
        case .iequals: result = x.lowercased() == y.lowercased()
        case .startswith: result = x.hasPrefix(y)
        case .istartswith: result = x.lowercased().hasPrefix(y.lowercased())
        case .endswith: result = x.hasSuffix(y)
        case .iendswith: result = x.lowercased().hasSuffix(y.lowercased())
        case .matches:
            // A pattern that runs out of its time budget counts as not matching.
            result = BoundedRegex.compiled(y).map { BoundedRegex.firstMatch($0, in: x) == .match } ?? false
        }
        return c.negated ? !result : result
    }
}

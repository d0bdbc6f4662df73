import EmulatorJSON
import Foundation

/// The deterministic judge that stands in for a model: the judge's rule lines first, then a
/// transparent heuristic over the conversation.
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

/// One line of the judge rule language (docs/evaluations.md, "The deterministic judge").
///
///     when <subject> [not] <operator> "<text>" -> <answer>
///     when <subject> [not] <operator> <subject> -> <answer>
///     otherwise -> <answer>
///
/// Other lines of the instructions are prose for a real model and are ignored here, so a judge
/// written for the emulator stays valid on the real service.
struct JudgeRule: Equatable {
    enum Subject: Equatable {
        case user, assistant, system, conversation, tools
        case property(String)

        static func parse(_ word: String) -> Subject? {
            switch word.lowercased() {
            case "user": return .user
            case "assistant": return .assistant
            case "system": return .system
            case "conversation": return .conversation
            case "tools": return .tools
            default:
                if word.lowercased().hasPrefix("properties."), word.count > 11 { return .property(String(word.dropFirst(11))) }
                return nil
            }
        }

        var name: String {
            switch self {
            case .user: return "user"
            case .assistant: return "assistant"
            case .system: return "system"
            case .conversation: return "conversation"
            case .tools: return "tools"
            case .property(let key): return "properties.\(key)"
            }
        }
    }

    enum Operator: String, CaseIterable {
        case contains, icontains, equals, iequals, startswith, istartswith, endswith, iendswith, matches
    }

    enum Operand: Equatable {
        case text(String)
        case subject(Subject)
    }

    enum Answer: Equatable {
        case option(String)
        case number(Double)
    }

    /// nil for `otherwise`.
    let condition: (subject: Subject, negated: Bool, op: Operator, operand: Operand)?
    let answer: Answer
    let line: Int
    let source: String

    static func == (lhs: JudgeRule, rhs: JudgeRule) -> Bool { lhs.line == rhs.line && lhs.source == rhs.source && lhs.answer == rhs.answer }
}

import Foundation

/// SQL `LIKE` patterns (`%`, `_`, `\` escapes; a trailing `\` is itself) in the syntaxes the
/// compiler runs them as: a case-sensitive GLOB, or an anchored regular expression for the
/// patterns GLOB cannot take.
enum LikePattern {
    static func glob(_ pattern: String) -> String {
        translate(pattern, anyRun: "*", anyOne: "?", literal: globLiteral)
    }

    static func regex(_ pattern: String, caseInsensitive: Bool) -> String {
        (caseInsensitive ? "(?si)^" : "(?s)^")
            + translate(pattern, anyRun: ".*", anyOne: ".") { NSRegularExpression.escapedPattern(for: String($0)) } + "$"
    }

    private static func translate(_ pattern: String, anyRun: String, anyOne: String, literal: (Character) -> String) -> String {
        var out = ""
        var escaped = false
        for character in pattern {
            if escaped {
                out += literal(character)
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "%": out += anyRun
            case "_": out += anyOne
            default: out += literal(character)
            }
        }
        if escaped { out += literal("\\") }
        return out
    }

    private static func globLiteral(_ character: Character) -> String {
        switch character {
        case "*", "?", "[": return "[\(character)]"
        default: return String(character)
        }
    }
}

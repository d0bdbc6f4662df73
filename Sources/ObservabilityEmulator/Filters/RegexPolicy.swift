import EmulatorJSON
import EmulatorStore
import Foundation

/// What a `matches` pattern may be: it must compile, stay short, and avoid nested quantifiers
/// (`(a+)+`), the classic shape of catastrophic backtracking.
enum RegexPolicy {
    static func validate(_ pattern: String, path: String) throws {
        if pattern.count > QueryCompiler.maximumPatternLength {
            throw QueryError.refused("\(path): regular expression longer than \(QueryCompiler.maximumPatternLength) characters")
        }
        // Through the compiled-pattern cache: compiling is costly, and swift-corelibs-foundation
        // leaks 584 bytes compiling some patterns (found by Fuzz/FilterFuzz.swift), so each
        // distinct pattern is compiled at most once while it stays in the cache.
        guard BoundedRegex.compiled(pattern) != nil else {
            throw QueryError.refused("\(path): invalid regular expression '\(pattern.prefix(80))'")
        }
        if hasOverlappingQuantifiedAlternation(pattern) {
            throw QueryError.refused("\(path): regular expression '\(pattern.prefix(80))' repeats a group whose alternatives can match the same text, which can take exponential time; make the alternatives distinct")
        }
        if hasNestedQuantifier(pattern) {
            throw QueryError.refused("\(path): regular expression '\(pattern.prefix(80))' has a quantified group containing a quantifier, which can take exponential time; rewrite it without nesting")
        }
    }

    /// True when a quantified group has two alternatives that can begin with the same character:
    /// `(a|a)*`, `(x|x)+y`, `(\w|a)*`, `(a|ab)+`. An approximation on first atoms: identical
    /// atoms, or a broad class (`.`, `\w`, `\S`, `\D`, `\W`, a negated set) beside anything it covers.
    static func hasOverlappingQuantifiedAlternation(_ pattern: String) -> Bool {
        let chars = Array(pattern)
        var groupStarts: [Int] = []
        return scanStructure(chars) { index, c in
            if c == "(" { groupStarts.append(index); return false }
            guard c == ")", let start = groupStarts.popLast() else { return false }
            let next = index + 1 < chars.count ? chars[index + 1] : " "
            guard next == "*" || next == "+" || next == "{" else { return false }
            var body = Array(chars[(start + 1)..<index])
            if body.first == "?", body.count > 1 { body.removeFirst(2) }  // (?:...) and similar
            let firsts = alternatives(body).map(firstAtom)
            for i in firsts.indices {
                for j in firsts.indices where j > i {
                    if overlaps(firsts[i], firsts[j]) { return true }
                }
            }
            return false
        }
    }

    /// Calls `visit` with each character outside escapes and `[...]` sets, with its index, until
    /// `visit` returns true; returns whether it did. Both screens above walk patterns this way.
    private static func scanStructure(_ chars: [Character], _ visit: (Int, Character) -> Bool) -> Bool {
        var escaped = false
        var inClass = false
        for (index, c) in chars.enumerated() {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if inClass { if c == "]" { inClass = false }; continue }
            if c == "[" { inClass = true; continue }
            if visit(index, c) { return true }
        }
        return false
    }

    /// Top-level alternatives of a group body.
    private static func alternatives(_ body: [Character]) -> [[Character]] {
        var result: [[Character]] = [[]]
        var depth = 0, escaped = false, inClass = false
        for c in body {
            if escaped { escaped = false; result[result.count - 1].append(c); continue }
            if c == "\\" { escaped = true; result[result.count - 1].append(c); continue }
            if inClass { if c == "]" { inClass = false } } else if c == "[" { inClass = true }
            else if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            else if c == "|" && depth == 0 { result.append([]); continue }
            result[result.count - 1].append(c)
        }
        return result
    }

    /// The first atom of an alternative: a literal, an escape (`\w`), `.`, or a `[set]`.
    private static func firstAtom(_ alternative: [Character]) -> String {
        var a = alternative
        while a.first == "(" { a.removeFirst(); if a.first == "?" && a.count > 1 { a.removeFirst(2) } }
        guard let first = a.first else { return "" }
        if first == "\\", a.count > 1 { return "\\" + String(a[1]) }
        if first == "[", let end = a.firstIndex(of: "]") { return String(a[0...end]) }
        return String(first)
    }

    private static func overlaps(_ x: String, _ y: String) -> Bool {
        if x.isEmpty || y.isEmpty { return x == y }
        if x == y { return true }
        func covers(_ broad: String, _ other: String) -> Bool {
            switch broad {
            case ".", "\\S", "\\D", "\\W": return true
            case "\\w":
                guard other.count == 1, let character = other.first else { return other == "\\d" }
                return character.isLetter || character.isNumber || character == "_"
            case "\\d": return other.count == 1 && other.first?.isNumber == true
            case "\\s": return other == " " || other == "\\t"
            default: return broad.hasPrefix("[^")
            }
        }
        return covers(x, y) || covers(y, x)
    }

    /// True when a group that contains a quantifier is itself quantified: `(a+)+`, `(\w*)*`, `(a|b+){2,}`.
    static func hasNestedQuantifier(_ pattern: String) -> Bool {
        let chars = Array(pattern)
        var stack: [Bool] = []   // per open group: does it contain a quantifier?
        return scanStructure(chars) { index, c in
            switch c {
            case "(": stack.append(false)
            case ")":
                let inner = stack.popLast() ?? false
                let next = index + 1 < chars.count ? chars[index + 1] : " "
                let quantified = next == "*" || next == "+" || next == "{" || next == "?"
                if inner && quantified && next != "?" { return true }
                if (inner || quantified), !stack.isEmpty { stack[stack.count - 1] = true }
            case "*", "+", "{":
                if !stack.isEmpty { stack[stack.count - 1] = true }
            default: break
            }
            return false
        }
    }
}

/// Writes a string that a regular expression matches, for a schema's `pattern`.
///
/// The subset understood: literals and escapes (`\d \w \s` and their negations, `\n \t`, `\xHH`,
/// `\uHHHH`, escaped punctuation), `.`, character classes with ranges and negation, groups
/// (capturing, `(?:…)`, named), alternation, the quantifiers `* + ? {n} {n,} {n,m} {,m}` (lazy
/// and possessive forms too), the anchors `^ $ \A \Z \z`, word boundaries, inline flags such as
/// `(?i)` (ignored: a case-sensitive match is also a case-insensitive one) and the categories
/// `\p{L} \p{Lu} \p{Ll} \p{N} \p{Nd} \p{P}` (and `\P`), sampled from ASCII.
/// Lookaround, backreferences and other `\p{…}` names are outside it: `init` fails and the caller
/// falls back. Anchors are read as zero-width everywhere, so a pattern with `^` in the middle
/// may give a string that does not match; callers check the result with the real regex.
struct RegexSample {
    indirect enum Node {
        case literal(Unicode.Scalar)
        case characterClass([ClosedRange<UInt32>], negated: Bool)
        case anyCharacter
        case sequence([Node])
        /// The branches and a number that keeps this alternation's choice apart from the others'.
        case alternation([Node], id: UInt64)
        case repeated(Node, min: Int, max: Int?)
        case empty
    }

    let root: Node
    /// The most repetitions one quantifier writes.
    static let maximumRepetitions = 10_000

    init?(_ pattern: String) {
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        guard let root = parser.parseAlternation(), parser.index == parser.scalars.count else { return nil }
        self.root = root
    }

    /// The string, with each open quantifier (`*`, `+`, `{n,}`) repeated `target` times (within
    /// its bounds). Alternation branches depend only on the seed, so the length grows with
    /// `target` and a caller can search for the target that meets a length bound.
    /// Writing stops past `limit` scalars or a million steps (nested quantifiers multiply), so
    /// such a string comes back cut and will not match.
    func sample(target: Int, seed: UInt64, limit: Int = 100_000) -> String {
        var output = Output(random: SplitMix64(state: seed), limit: limit)
        write(root, target: max(0, target), seed: seed, into: &output)
        var text = String.UnicodeScalarView()
        text.append(contentsOf: output.scalars)
        return String(text)
    }

    private struct Output {
        var scalars: [Unicode.Scalar] = []
        var random: SplitMix64
        let limit: Int
        var steps = 1_000_000

        init(random: SplitMix64, limit: Int) {
            self.random = random
            self.limit = limit
        }

        /// Spends a step; false once the output is full or the steps are spent.
        mutating func proceed() -> Bool {
            steps -= 1
            return steps > 0 && scalars.count <= limit
        }
    }

    private static let readable = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_-. ".unicodeScalars)

    private func write(_ node: Node, target: Int, seed: UInt64, into output: inout Output) {
        guard output.proceed() else { return }
        switch node {
        case .literal(let scalar): output.scalars.append(scalar)
        case .empty: break
        case .anyCharacter: output.scalars.append(Self.readable[Int(output.random.next() % 26)])
        case .characterClass(let ranges, let negated):
            output.scalars.append(Self.pick(ranges, negated: negated, random: &output.random))
        case .sequence(let nodes):
            for node in nodes { write(node, target: target, seed: seed, into: &output) }
        case .alternation(let branches, let id):
            var choice = SplitMix64(state: seed ^ (id &* 0x9E37_79B9_7F4A_7C15))
            write(branches[Int(choice.next() % UInt64(branches.count))], target: target, seed: seed, into: &output)
        case .repeated(let node, let minimum, let maximum):
            let count = Swift.min(Self.maximumRepetitions, Swift.max(minimum, Swift.min(maximum ?? Int.max, target)))
            var written = 0
            while written < count, output.proceed() {
                write(node, target: target, seed: seed, into: &output)
                written += 1
            }
        }
    }

    /// A character of the class: a readable one when the class has any, else its first.
    private static func pick(_ ranges: [ClosedRange<UInt32>], negated: Bool, random: inout SplitMix64) -> Unicode.Scalar {
        let inClass = { (scalar: Unicode.Scalar) in ranges.contains { $0.contains(scalar.value) } != negated }
        let candidates = readable.filter(inClass)
        if !candidates.isEmpty { return candidates[Int(random.next() % UInt64(candidates.count))] }
        if !negated {
            for range in ranges {
                if let scalar = Unicode.Scalar(range.lowerBound) { return scalar }
            }
        }
        for value in UInt32(0xA1)...UInt32(0x2FF) {
            if let scalar = Unicode.Scalar(value), inClass(scalar) { return scalar }
        }
        return "?"
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0
        var alternations: UInt64 = 0

        var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func parseAlternation() -> Node? {
            var branches: [Node] = []
            while true {
                guard let branch = parseSequence() else { return nil }
                branches.append(branch)
                guard current == "|" else { break }
                index += 1
            }
            if branches.count == 1 { return branches[0] }
            alternations += 1
            return .alternation(branches, id: alternations)
        }

        mutating func parseSequence() -> Node? {
            var nodes: [Node] = []
            while let scalar = current, scalar != "|", scalar != ")" {
                guard let atom = parseAtom() else { return nil }
                guard let quantified = parseQuantifier(atom) else { return nil }
                nodes.append(quantified)
            }
            return nodes.count == 1 ? nodes[0] : .sequence(nodes)
        }

        mutating func parseAtom() -> Node? {
            guard let scalar = current else { return nil }
            index += 1
            switch scalar {
            case "(": return parseGroup()
            case "[": return parseClass()
            case ".": return .anyCharacter
            case "^", "$": return .empty
            case "\\": return parseEscape(inClass: false).map { $0.node }
            case "*", "+", "?": return nil
            case "{" where quantifierAhead(from: index - 1): return nil
            default: return .literal(scalar)
            }
        }

        mutating func parseGroup() -> Node? {
            if current == "?" {
                index += 1
                switch current {
                case ":": index += 1
                case "P", "<":
                    // A named group, `(?P<name>…)` or `(?<name>…)`; `(?<=` and `(?<!` are lookbehind.
                    if current == "P" { index += 1 }
                    guard current == "<", index + 1 < scalars.count, !["=", "!"].contains(scalars[index + 1]),
                          let close = scalars[index...].firstIndex(of: ">") else { return nil }
                    index = close + 1
                default:
                    // Inline flags only, `(?i)`; lookaround and the rest are outside the subset.
                    let flags = Set("aiLmsux".unicodeScalars)
                    while let scalar = current, flags.contains(scalar) { index += 1 }
                    guard current == ")" else { return nil }
                    index += 1
                    return .empty
                }
            }
            guard let inner = parseAlternation(), current == ")" else { return nil }
            index += 1
            return inner
        }

        mutating func parseClass() -> Node? {
            var negated = false
            if current == "^" { negated = true; index += 1 }
            var ranges: [ClosedRange<UInt32>] = []
            var first = true
            while let scalar = current, scalar != "]" || first {
                first = false
                index += 1
                var low: UInt32
                if scalar == "\\" {
                    guard let escape = parseEscape(inClass: true) else { return nil }
                    guard let single = escape.scalar else { ranges += escape.ranges; continue }
                    low = single.value
                } else {
                    low = scalar.value
                }
                if current == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                    index += 1
                    var high = scalars[index].value
                    index += 1
                    if high == UInt32(UInt8(ascii: "\\")) {
                        guard let escape = parseEscape(inClass: true), let single = escape.scalar else { return nil }
                        high = single.value
                    }
                    guard low <= high else { return nil }
                    ranges.append(low...high)
                } else {
                    ranges.append(low...low)
                }
            }
            guard current == "]" else { return nil }
            index += 1
            return .characterClass(ranges, negated: negated)
        }

        /// An escape after its backslash: one scalar, or the ranges of a class shorthand.
        mutating func parseEscape(inClass: Bool) -> (node: Node, scalar: Unicode.Scalar?, ranges: [ClosedRange<UInt32>])? {
            guard let scalar = current else { return nil }
            index += 1
            let digit: [ClosedRange<UInt32>] = [48...57]
            let word: [ClosedRange<UInt32>] = [48...57, 65...90, 95...95, 97...122]
            let space: [ClosedRange<UInt32>] = [9...13, 32...32]
            func shorthand(_ ranges: [ClosedRange<UInt32>], negated: Bool) -> (Node, Unicode.Scalar?, [ClosedRange<UInt32>]) {
                (.characterClass(ranges, negated: negated), nil, negated ? Self.complement(ranges) : ranges)
            }
            func single(_ value: Unicode.Scalar) -> (Node, Unicode.Scalar?, [ClosedRange<UInt32>]) { (.literal(value), value, [value.value...value.value]) }
            switch scalar {
            case "d": return shorthand(digit, negated: false)
            case "D": return shorthand(digit, negated: true)
            case "w": return shorthand(word, negated: false)
            case "W": return shorthand(word, negated: true)
            case "s": return shorthand(space, negated: false)
            case "S": return shorthand(space, negated: true)
            case "b" where inClass: return single("\u{08}")
            case "b", "B", "A", "Z", "z": return inClass ? nil : (.empty, nil, [])
            case "n": return single("\n")
            case "t": return single("\t")
            case "r": return single("\r")
            case "f": return single("\u{0C}")
            case "v": return single("\u{0B}")
            case "0": return single("\u{0}")
            case "x", "u":
                let width = scalar == "x" ? 2 : 4
                guard index + width <= scalars.count,
                      let value = UInt32(String(String.UnicodeScalarView(scalars[index..<index + width])), radix: 16),
                      let decoded = Unicode.Scalar(value) else { return nil }
                index += width
                return single(decoded)
            case "p", "P":
                // The general categories ICU patterns use most, read as their ASCII members.
                guard current == "{", let close = scalars[index...].firstIndex(of: "}") else { return nil }
                let name = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                let categories: [String: [ClosedRange<UInt32>]] = ["L": [65...90, 97...122], "Lu": [65...90], "Ll": [97...122],
                                                                   "N": [48...57], "Nd": [48...57], "P": [33...35, 37...42, 44...47, 58...59, 63...64]]
                guard let ranges = categories[name] else { return nil }
                index = close + 1
                return shorthand(ranges, negated: scalar == "P")
            case "1"..."9", "k", "g": return nil
            default:
                if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { return nil }
                return single(scalar)
            }
        }

        /// The printable ASCII outside the ranges (what a negated shorthand means inside a class).
        static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
            (32...126).filter { value in !ranges.contains { $0.contains(value) } }.map { $0...$0 }
        }

        /// Whether a `{` at `start` opens a quantifier (`{3}`, `{2,}`, `{,5}`, `{1,4}`); otherwise it is
        /// a literal brace, as Python reads it.
        func quantifierAhead(from start: Int) -> Bool {
            var position = start + 1
            var digits = 0
            var comma = false
            while position < scalars.count {
                let scalar = scalars[position]
                if scalar == "}" { return digits > 0 }
                if scalar == ",", !comma { comma = true } else if !("0"..."9").contains(scalar) { return false } else { digits += 1 }
                position += 1
            }
            return false
        }

        mutating func parseQuantifier(_ atom: Node) -> Node? {
            var minimum: Int
            var maximum: Int?
            switch current {
            case "*": minimum = 0; maximum = nil; index += 1
            case "+": minimum = 1; maximum = nil; index += 1
            case "?": minimum = 0; maximum = 1; index += 1
            case "{" where quantifierAhead(from: index):
                index += 1
                var numbers: [String] = [""]
                while let scalar = current, scalar != "}" {
                    if scalar == "," { numbers.append("") } else { numbers[numbers.count - 1].unicodeScalars.append(scalar) }
                    index += 1
                }
                index += 1
                minimum = Int(numbers[0]) ?? 0
                maximum = numbers.count == 1 ? minimum : Int(numbers[1])
                if let maximum, maximum < minimum { return nil }
            default:
                return atom
            }
            if current == "?" || current == "+" { index += 1 }
            if current == "*" || current == "+" || current == "?" { return nil }
            return .repeated(atom, min: Swift.min(minimum, RegexSample.maximumRepetitions), max: maximum)
        }
    }
}

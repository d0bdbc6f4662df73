import EmulatorJSON
import Foundation

extension SchemaInstance {
    /// The longest `minLength` honoured.
    static let maximumStringLength = 100_000

    static let words = ["amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbor", "indigo", "juniper",
                        "kestrel", "lagoon", "meadow", "nectar", "orchid", "pebble", "quartz", "river", "sierra", "tundra",
                        "umber", "valley", "willow", "yarrow", "zephyr", "aurora", "basalt", "canyon", "dune", "estuary",
                        "falcon", "glacier"]

    /// A string for the schema: a `pattern` sample, a `format` value, or free text, within
    /// `minLength`/`maxLength` (counted in code points, as JSON Schema counts).
    func makeString(_ schema: JSONObject, path: String) -> String? {
        let minimum = Int(clamping: schema["minLength"]?.intValue ?? 0)
        let maximum = schema["maxLength"]?.intValue.map { Int(clamping: $0) } ?? Int.max
        guard minimum <= maximum, minimum <= Self.maximumStringLength else { return nil }
        var random = random(path)
        if let pattern = schema["pattern"]?.stringValue {
            return patternString(pattern, minimum: minimum, maximum: maximum, path: path)
        }
        if let format = schema["format"]?.stringValue, SchemaFormat.isKnown(format) {
            let word = Self.words[Int(random.next() % UInt64(Self.words.count))]
            guard var text = SchemaFormat.make(format, random: &random, filler: word) else { return nil }
            let length = text.unicodeScalars.count
            if SchemaFormat.padded.contains(format), length < minimum || length > maximum {
                let fillerLength = word.count + (length < minimum ? minimum - length : maximum - length)
                guard fillerLength >= 1 else { return nil }
                let filler = fillerLength <= word.count ? String(word.prefix(fillerLength)) : word + String(repeating: "x", count: fillerLength - word.count)
                text = SchemaFormat.make(format, random: &random, filler: filler) ?? text
            }
            return (minimum...maximum).contains(text.unicodeScalars.count) ? text : nil
        }
        return freeText(minimum: minimum, maximum: maximum, path: path)
    }

    /// The answer's text (the first time) or the last user message, else stable words; cut to
    /// `maximum` code points, padded with words to `minimum`.
    func freeText(minimum: Int, maximum: Int, path: String) -> String {
        var text: String
        if variation > 0 {
            text = ""
        } else if !answerUsed, !seed.answer.isEmpty {
            text = seed.answer
            answerUsed = true
        } else {
            text = seed.userMessage
        }
        var length = text.unicodeScalars.count
        if length > maximum {
            text = Self.cut(text, to: maximum, keeping: minimum)
            length = text.unicodeScalars.count
        }
        var random = random(path)
        if text.isEmpty, maximum > 0 {
            text = Self.words[Int(random.next() % UInt64(Self.words.count))]
            length = text.unicodeScalars.count
        }
        while length < minimum {
            let word = Self.words[Int(random.next() % UInt64(Self.words.count))]
            text += (text.isEmpty ? "" : " ") + word
            length += word.count + (length == 0 ? 0 : 1)
        }
        return length > maximum ? Self.prefix(text, maximum) : text
    }

    /// The text cut to `count` code points, back to the end of a word when one ends in it and
    /// what is left is still `minimum` long, without trailing white space.
    static func cut(_ text: String, to count: Int, keeping minimum: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        var end = count
        if count < scalars.count, !scalars[count].properties.isWhitespace,
           let space = scalars[..<count].lastIndex(where: \.properties.isWhitespace), space >= max(minimum, 1) {
            end = space
        }
        while end > minimum, scalars[end - 1].properties.isWhitespace { end -= 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<end])
        return String(view)
    }

    static func prefix(_ text: String, _ count: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text.unicodeScalars.prefix(count))
        return String(view)
    }

    /// The free text when the pattern already matches it, else a sample of the pattern whose
    /// open quantifiers repeat three times, or as many times as `minLength` needs. A pattern
    /// outside `RegexSample`'s subset, or no sample within the bounds, gives the free text: the
    /// rest of the instance stays valid and only this string misses its pattern.
    func patternString(_ pattern: String, minimum: Int, maximum: Int, path: String) -> String {
        let saved = answerUsed
        let free = freeText(minimum: minimum, maximum: maximum, path: path)
        // A pattern ICU cannot compile (Python's `(?P<name>…)`) is trusted to the sampler.
        let regex = BoundedRegex.compiled(pattern)
        func fits(_ text: String) -> Bool {
            guard (minimum...maximum).contains(text.unicodeScalars.count) else { return false }
            guard let regex else { return true }
            return BoundedRegex.firstMatch(regex, in: text) == .match
        }
        if regex != nil, fits(free) { return free }
        answerUsed = saved
        guard let sample = RegexSample(pattern) else { return free }
        var generator = random(path)
        let seed = generator.next()
        for target in [3, 1, 0] {
            let text = sample.sample(target: target, seed: seed)
            if fits(text) { return text }
        }
        // The smallest target long enough for minLength: the length grows with the target.
        var low = 0
        var high = RegexSample.maximumRepetitions
        while low < high {
            let middle = (low + high) / 2
            if sample.sample(target: middle, seed: seed).unicodeScalars.count >= minimum { high = middle } else { low = middle + 1 }
        }
        let text = sample.sample(target: low, seed: seed)
        return fits(text) ? text : free
    }

    /// A number within the bounds and a multiple of `multipleOf`: whole numbers from 1 to 100
    /// when unbounded, else from the bound inwards (a window of 100); other numbers with two
    /// decimals. Nil when the bounds leave no value.
    func makeNumber(_ schema: JSONObject, integer: Bool, path: String) -> JSON? {
        let bounds = NumberBounds(schema)
        var random = random(path)
        let limit = 9.0e15
        let step = schema["multipleOf"].flatMap { $0.doubleValue.map { $0 > 0 ? $0 : 1 } }
        if integer || step != nil {
            var unit = step ?? 1
            if integer, unit.rounded() != unit {
                // The smallest whole multiple of a fractional step.
                guard let whole = (1...1_000).lazy.map({ Double($0) * unit }).first(where: { $0.rounded() == $0 }) else { return nil }
                unit = whole
            }
            var low = bounds.lower.map { $0 / unit }.map { bounds.lowerExclusive && ($0.rounded(.up) == $0) ? $0 + 1 : $0.rounded(.up) }
            var high = bounds.upper.map { $0 / unit }.map { bounds.upperExclusive && ($0.rounded(.down) == $0) ? $0 - 1 : $0.rounded(.down) }
            low = low.map { max(-limit, $0) }
            high = high.map { min(limit, $0) }
            guard let start = Self.pick(low: low, high: high, random: &random) else { return nil }
            // A few neighbours, for fractional steps whose products are not exact multiples.
            for offset in [0.0, 1, -1, 2, -2, 3, 5, 10] {
                let k = start + offset
                if let low, k < low { continue }
                if let high, k > high { continue }
                let value = k * unit
                guard bounds.contains(value), abs(value) <= limit else { continue }
                if integer { return .int(Int64(value)) }
                let json = value.rounded() == value ? JSON.int(Int64(value)) : .double(value)
                if SchemaValidator.isMultiple(.double(value), of: schema["multipleOf"] ?? 1) { return json }
            }
            return nil
        }
        let low = bounds.lower ?? min(0, (bounds.upper ?? 100) - 100)
        let high = bounds.upper ?? low + 100
        guard low <= high else { return nil }
        let fraction = 0.1 + 0.8 * random.nextDouble()
        var value = ((low + (high - low) * fraction) * 100).rounded() / 100
        if !bounds.contains(value) { value = low + (high - low) / 2 }
        return bounds.contains(value) ? .double(value) : nil
    }

    /// A whole number in `[low, high]`: from 1 to 100 unbounded, else within 100 of the bound.
    static func pick(low: Double?, high: Double?, random: inout SplitMix64) -> Double? {
        let offset = Double(random.next() % 100)
        switch (low, high) {
        case let (low?, high?):
            guard low <= high else { return nil }
            return low + Double(UInt64(offset) % UInt64(min(high - low, 99) + 1))
        case let (low?, nil): return low + offset
        case let (nil, high?): return high >= 100 ? 1 + offset : high - offset
        case (nil, nil): return 1 + offset
        }
    }
}

import EmulatorJSON
import Foundation

/// One evaluator's statistics over a set of scores (a generation, a record, a run or a filtered
/// part of a run): the `EvaluatorStatistics` union of the reference.
///
/// - numeric (every usable value a number or a boolean, read as 1/0): `count` values,
///   `sample_count` records that gave at least one, `avg`, `min`, `max` and the population
///   standard deviation `std`;
/// - categorical (every usable value a string): `frequencies`, `mode` (every label with the
///   highest count, sorted), `count`, `excluded_count` (scores with an error or no value);
/// - unsupported (numbers and labels mixed): `count` only.
///
/// A usable score has a value and no error. Requested statistics (`values`) follow the
/// evaluator's `statistics` specs: sums, percentiles (type 7, as numpy's default), and
/// precision/recall/f1 of the score labels against the expected labels in each score's
/// `metadata[expected_key]` (0 where a denominator is 0; null when no score has an expected label).
struct EvaluatorStatistics: Equatable, Sendable {
    enum Kind: String, Sendable { case numeric, categorical, unsupported }

    struct Sample: Equatable, Sendable {
        var value: JSON
        var metadata: JSON
        var recordID: String
    }

    let kind: Kind
    let samples: [Sample]
    /// Scores left out (an error, or no value).
    let excluded: Int
    let numbers: [Double]
    let labels: [String]
    let specs: [StatisticSpec]

    /// The kind an evaluator's scores make over a whole run, so that a record or a filtered part
    /// of the run reports the same kind. No usable value at all: numeric.
    static func kind(of scores: [EvalScore]) -> Kind {
        let usable = scores.filter(\.isUsable)
        if usable.allSatisfy({ ScoreValue.number($0.value) != nil }) { return .numeric }
        if usable.allSatisfy({ $0.value.stringValue != nil }) { return .categorical }
        return .unsupported
    }

    init(kind: Kind, scores: [(score: EvalScore, recordID: String)], specs: [StatisticSpec]) {
        self.kind = kind
        self.specs = specs
        let usable = scores.filter { $0.score.isUsable }
        excluded = scores.count - usable.count
        samples = usable.map { Sample(value: $0.score.value, metadata: $0.score.metadata, recordID: $0.recordID) }
        numbers = kind == .numeric ? samples.compactMap { ScoreValue.number($0.value) } : []
        labels = samples.compactMap { ScoreValue.label(of: $0.value) }
    }

    var count: Int { samples.count }
    var sampleCount: Int { Set(samples.map(\.recordID)).count }
    var sum: Double? { numbers.isEmpty ? nil : numbers.reduce(0, +) }
    var average: Double? { sum.map { $0 / Double(numbers.count) } }
    var minimum: Double? { numbers.min() }
    var maximum: Double? { numbers.max() }
    var standardDeviation: Double? {
        guard let mean = average else { return nil }
        return (numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(numbers.count)).squareRoot()
    }

    /// Labels with their counts, most frequent first (ties by label).
    var frequencies: [(label: String, count: Int)] {
        var counts: [String: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        return counts.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }
    }

    var mode: [String] {
        let all = frequencies
        guard let top = all.first?.count else { return [] }
        return all.filter { $0.count == top }.map(\.label).sorted()
    }

    /// The `p`th percentile by linear interpolation between closest ranks (type 7).
    static func percentile(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let h = Double(sorted.count - 1) * p / 100
        let low = Int(h.rounded(.down))
        let high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }

    /// `(expected, predicted)` label pairs of the samples that carry an expected label.
    func pairs(expectedKey: String) -> [(expected: String, predicted: String)] {
        samples.compactMap { sample in
            guard let expected = sample.metadata[expectedKey].flatMap(ScoreValue.label(of:)),
                  let predicted = ScoreValue.label(of: sample.value) else { return nil }
            return (expected, predicted)
        }
    }

    /// Precision, recall or f1 over label pairs, for one class or averaged over the classes.
    static func classification(_ metric: String, pairs: [(expected: String, predicted: String)], positiveLabel: String?,
                               average: String?, labels pinned: [String]?) -> Double? {
        guard !pairs.isEmpty else { return nil }
        let universe = pinned ?? Array(Set(pairs.flatMap { [$0.expected, $0.predicted] })).sorted()
        func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
        func f1(_ p: Double, _ r: Double) -> Double { p + r == 0 ? 0 : 2 * p * r / (p + r) }
        func counts(_ c: String) -> (tp: Int, fp: Int, fn: Int, support: Int) {
            var tp = 0, fp = 0, fn = 0, support = 0
            for pair in pairs {
                if pair.expected == c { support += 1 }
                if pair.predicted == c && pair.expected == c { tp += 1 }
                if pair.predicted == c && pair.expected != c { fp += 1 }
                if pair.predicted != c && pair.expected == c { fn += 1 }
            }
            return (tp, fp, fn, support)
        }
        func value(tp: Int, fp: Int, fn: Int) -> Double {
            let p = ratio(tp, tp + fp), r = ratio(tp, tp + fn)
            switch metric {
            case "precision": return p
            case "recall": return r
            default: return f1(p, r)
            }
        }
        if let positiveLabel {
            let c = counts(positiveLabel)
            return value(tp: c.tp, fp: c.fp, fn: c.fn)
        }
        let perClass = universe.map { counts($0) }
        switch average {
        case "micro":
            return value(tp: perClass.reduce(0) { $0 + $1.tp }, fp: perClass.reduce(0) { $0 + $1.fp }, fn: perClass.reduce(0) { $0 + $1.fn })
        case "weighted":
            let total = perClass.reduce(0) { $0 + $1.support }
            guard total > 0 else { return 0 }
            return perClass.reduce(0.0) { $0 + value(tp: $1.tp, fp: $1.fp, fn: $1.fn) * Double($1.support) } / Double(total)
        default:
            guard !perClass.isEmpty else { return 0 }
            return perClass.reduce(0.0) { $0 + value(tp: $1.tp, fp: $1.fp, fn: $1.fn) } / Double(perClass.count)
        }
    }

    /// A requested statistic's value; nil when it cannot be evaluated on these scores.
    func value(of spec: StatisticSpec) -> Double? {
        switch spec.kind {
        case .simple(let name): return metric(name)
        case .percentile(let p): return kind == .numeric ? Self.percentile(p, of: numbers) : nil
        case .classification(let metric, let positive, let average, let key, let labels):
            return Self.classification(metric, pairs: pairs(expectedKey: key), positiveLabel: positive, average: average, labels: labels)
        }
    }

    /// A statistic by the name a goal, a filter or a sort uses: `avg`, `min`, `max`, `std`,
    /// `sum`, `count`, `p<N>`, or the id of a requested statistic.
    func metric(_ name: String) -> Double? {
        switch name {
        case "count": return Double(count)
        case "avg": return kind == .numeric ? average : nil
        case "min": return kind == .numeric ? minimum : nil
        case "max": return kind == .numeric ? maximum : nil
        case "std": return kind == .numeric ? standardDeviation : nil
        case "sum": return kind == .numeric ? (sum ?? 0) : nil
        default:
            if let spec = specs.first(where: { $0.id == name }) { return value(of: spec) }
            if name.hasPrefix("p"), let p = Double(name.dropFirst()), p >= 0, p <= 100, kind == .numeric {
                return Self.percentile(p, of: numbers)
            }
            return nil
        }
    }

    /// Whether `name` is a metric these statistics can be asked for (filters reject others).
    static func isKnownMetric(_ name: String, specs: [StatisticSpec]) -> Bool {
        if ["count", "avg", "min", "max", "std", "sum", "mode", "value"].contains(name) { return true }
        if specs.contains(where: { $0.id == name }) { return true }
        if name.hasPrefix("p"), let p = Double(name.dropFirst()), p >= 0, p <= 100 { return true }
        return false
    }

    private func number(_ value: Double?) -> JSON { value.map(JSON.double) ?? .null }

    private var valuesJSON: JSON {
        guard !specs.isEmpty else { return .null }
        return .array(specs.map { spec in
            .object(JSONObject([("id", .string(spec.id)), ("type", "scalar"), ("value", number(value(of: spec)))]))
        })
    }

    /// The confusion matrix of the first classification statistic asked for, if any.
    private var confusionMatrix: JSON {
        guard let spec = specs.first(where: { if case .classification = $0.kind { true } else { false } }),
              case .classification(_, _, _, let key, let pinned) = spec.kind else { return .null }
        let pairs = pairs(expectedKey: key)
        let universe = pinned ?? Array(Set(pairs.flatMap { [$0.expected, $0.predicted] })).sorted()
        let index = Dictionary(universe.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        var matrix = Array(repeating: Array(repeating: 0, count: universe.count), count: universe.count)
        for pair in pairs {
            if let i = index[pair.expected], let j = index[pair.predicted] { matrix[i][j] += 1 }
        }
        return .object(JSONObject([
            ("labels", .array(universe.map(JSON.string))),
            ("matrix", .array(matrix.map { .array($0.map { .int(Int64($0)) }) })),
        ]))
    }

    var json: JSON {
        switch kind {
        case .numeric:
            return .object(JSONObject([
                ("type", "numeric"), ("values", valuesJSON), ("sample_count", .int(Int64(sampleCount))),
                ("avg", number(average)), ("min", number(minimum)), ("max", number(maximum)),
                ("std", number(standardDeviation)), ("count", .int(Int64(count))),
            ]))
        case .categorical:
            return .object(JSONObject([
                ("frequencies", .object(JSONObject(frequencies.map { ($0.label, .int(Int64($0.count))) }))),
                ("mode", .array(mode.map(JSON.string))), ("count", .int(Int64(count))), ("type", "categorical"),
                ("values", valuesJSON), ("excluded_count", .int(Int64(excluded))), ("confusion_matrix", confusionMatrix),
            ]))
        case .unsupported:
            return .object(JSONObject([("count", .int(Int64(count))), ("type", "unsupported")]))
        }
    }
}

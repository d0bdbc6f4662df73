import EmulatorJSON
import Foundation

/// The fallback judge when no rule decides: a score in [0, 1] from visible features of the
/// conversation, mapped to the nearest option or scaled into [min, max].
///
/// - question overlap: share of the user's salient words found in the answer;
/// - expected-output overlap: the same against `properties.expected_output`, when given, weighted most;
/// - length: answers under ~40 words score proportionally less;
/// - refusal or apology markers multiply the score by 0.3;
/// - a tool call counts as an answer of at least 0.6.
struct Heuristic {
    let definition: JudgeDefinition

    static let refusalMarkers = [
        "i'm sorry", "i am sorry", "i can't", "i cannot", "i can not", "i'm unable", "i am unable", "unable to help",
        "i won't", "i will not", "not able to", "je suis désolé", "je ne peux pas", "lo siento", "no puedo",
        "es tut mir leid", "ich kann nicht", "mi dispiace", "non posso", "申し訳",
    ]

    /// Levels of common option values on a 0 (worst) to 1 (best) scale.
    static let lexicon: [String: Double] = [
        "excellent": 1, "great": 0.9, "very good": 0.9, "good": 0.75, "yes": 1, "pass": 1, "passed": 1, "correct": 1,
        "true": 1, "positive": 1, "helpful": 0.85, "answered": 1, "relevant": 1, "acceptable": 0.5, "fair": 0.5,
        "average": 0.5, "ok": 0.5, "neutral": 0.5, "partial": 0.5, "partially": 0.5, "mixed": 0.5, "mediocre": 0.35,
        "not_applicable": 0.5, "n/a": 0.5, "poor": 0.2, "bad": 0.1, "very bad": 0, "terrible": 0, "no": 0, "fail": 0,
        "failed": 0, "incorrect": 0, "false": 0, "negative": 0, "unhelpful": 0.1, "irrelevant": 0,
    ]

    struct Features {
        var questionOverlap: Double
        var expectedOverlap: Double?
        var words: Int
        var refusal: Bool
        var toolCall: Bool
        var score: Double
    }

    static func features(of conversation: JudgedConversation) -> Features {
        let answer = conversation.assistant
        let answerTerms = Set(SimilarityTerms.salientTerms(answer + " " + conversation.toolNames.joined(separator: " ")))
        func overlap(_ reference: String) -> Double {
            let terms = Set(SimilarityTerms.salientTerms(reference))
            guard !terms.isEmpty else { return 0 }
            return Double(terms.intersection(answerTerms).count) / Double(terms.count)
        }
        let questionOverlap = overlap(conversation.user)
        let expected = conversation.property("expected_output").map(overlap)
        let words = answer.split(whereSeparator: { $0.isWhitespace }).count
        let lowered = answer.lowercased()
        let refusal = refusalMarkers.contains { lowered.contains($0) }
        let toolCall = !(conversation.answerMessage?["tool_calls"]?.arrayValue ?? []).isEmpty
        let lengthScore = words > 600 ? 0.8 : min(1, Double(words) / 40)
        var score: Double
        if let expected {
            score = 0.6 * expected + 0.2 * questionOverlap + 0.2 * lengthScore
        } else {
            score = 0.55 * min(1, questionOverlap * 1.5) + 0.45 * lengthScore
        }
        if refusal { score *= 0.3 }
        if toolCall { score = max(score, 0.6) }
        score = (min(1, max(0, score)) * 1000).rounded() / 1000
        return Features(questionOverlap: questionOverlap, expectedOverlap: expected, words: words, refusal: refusal, toolCall: toolCall, score: score)
    }

    func judge(_ conversation: JudgedConversation) -> (analysis: String, answer: JSON) {
        let f = Self.features(of: conversation)
        var parts = ["question overlap \(Self.format(f.questionOverlap))"]
        if let e = f.expectedOverlap { parts.append("expected-output overlap \(Self.format(e))") }
        parts.append("\(f.words) word\(f.words == 1 ? "" : "s")")
        parts.append(f.refusal ? "refusal or apology detected" : "no refusal")
        if f.toolCall { parts.append("tool call") }
        let featureText = "No rule matched; heuristic score \(Self.format(f.score)) from \(parts.joined(separator: ", "))"
        switch definition.output {
        case .regression(let min, _, let max, _):
            let value = ((min + f.score * (max - min)) * 100).rounded() / 100
            return ("\(featureText), scaled to \(Self.format(value)) in [\(Self.format(min)), \(Self.format(max))].", .double(value))
        case .classification(let options):
            let choice = chooseOption(options, features: f, conversation: conversation)
            return ("\(featureText), nearest option \"\(choice)\".", .string(choice))
        }
    }

    /// The option whose level is nearest the score. An option about refusals is chosen exactly
    /// when a refusal is detected. Ties go to a stable hash of judge and conversation.
    func chooseOption(_ options: [JudgeOutputSpec.Option], features f: Features, conversation: JudgedConversation) -> String {
        let refusalOption = options.first { ($0.value + " " + $0.description).lowercased().contains("refus") }
        if let refusalOption {
            if f.refusal { return refusalOption.value }
            if options.count == 1 { return refusalOption.value }
        }
        let candidates = options.filter { $0.value != refusalOption?.value }
        let levels: [Double] = candidates.enumerated().map { index, option in
            if let level = Self.lexicon[option.value.lowercased()] { return level }
            return candidates.count == 1 ? 0.5 : 1 - Double(index) / Double(candidates.count - 1)
        }
        let distances = levels.map { abs($0 - f.score) }
        let best = distances.min() ?? 0
        let tied = candidates.indices.filter { abs(distances[$0] - best) < 1e-9 }
        if tied.count == 1 { return candidates[tied[0]].value }
        let hash = stableHash(definition.name + "\u{1}" + definition.instructions + "\u{1}" + conversation.fingerprint)
        return candidates[tied[Int(hash % UInt64(tied.count))]].value
    }

    static func format(_ value: Double) -> String {
        if let whole = Int64(exactly: value) { return String(whole) }
        return String(format: "%.2f", value)
    }
}

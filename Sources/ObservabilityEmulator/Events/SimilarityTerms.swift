import EmulatorJSON
import EmulatorStore

/// Picks the words that characterise an event's text for the similarity query.
enum SimilarityTerms {
    static let stopwords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "your", "with", "this", "that", "have", "from", "they", "will",
        "would", "there", "their", "what", "about", "which", "when", "can", "could", "should", "into", "than", "then",
        "them", "these", "those", "been", "were", "was", "has", "had", "how", "why", "who", "our", "out", "all", "any",
        "also", "just", "here", "some", "such", "only", "other", "more", "most", "very", "its", "it's", "i'm", "please",
        "les", "des", "une", "est", "pour", "que", "qui", "dans", "avec", "sur", "pas", "vous", "nous", "los", "las",
        "del", "por", "con", "para", "una", "der", "die", "das", "und", "ist", "mit", "sie", "ich",
    ]

    /// Every distinct lower-cased word (letters and digits), for set similarity.
    static func words(_ text: String) -> Set<String> {
        var result = Set<String>()
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                result.insert(current.lowercased())
                current = ""
            }
        }
        if !current.isEmpty { result.insert(current.lowercased()) }
        return result
    }

    /// Distinct lower-cased words of three or more letters, stopwords removed, longest first
    /// (longer words tend to be rarer), at most `limit`; deterministic.
    static func salientTerms(_ text: String, limit: Int = 24) -> [String] {
        var seen = Set<String>()
        var words: [String] = []
        var current = ""
        func flush() {
            let word = current.lowercased()
            current = ""
            guard word.count >= 3, word.count <= 40, !stopwords.contains(word), !seen.contains(word) else { return }
            seen.insert(word)
            words.append(word)
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { current.unicodeScalars.append(scalar) } else { flush() }
        }
        flush()
        let ranked = words.enumerated().sorted { a, b in
            a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset
        }
        return ranked.prefix(limit).map(\.element)
    }
}

/// `hasToken`'s word rule: words are runs of letters and digits.
enum HasToken {
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// Whether `token` occurs in `text` as a whole word.
    static func contains(_ text: String, token: String) -> Bool {
        let tokenScalars = Array(token.unicodeScalars)
        guard !tokenScalars.isEmpty else { return false }
        var word: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                word.append(scalar)
            } else {
                if word == tokenScalars { return true }
                word.removeAll(keepingCapacity: true)
            }
        }
        return word == tokenScalars
    }
}

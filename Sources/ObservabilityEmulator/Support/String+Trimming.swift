extension StringProtocol {
    /// The text without leading and trailing spaces and tabs. Native: Foundation's
    /// `trimmingCharacters(in:)` goes through NSString and showed up at 30% of a judges list.
    var trimmedSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
        return String(slice)
    }
}

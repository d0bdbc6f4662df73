/// Comparison of secrets (API keys, the admin token) whose time does not depend on where the
/// first differing byte is, so a client cannot find a key byte by byte by timing answers.
enum ConstantTime {
    static func equals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        // Every byte of the longer one is visited; a length difference alone makes them unequal.
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count) | (x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}

import Dispatch
import Foundation
import Synchronization

/// Runs a regular expression with a time budget. ICU backtracking can take exponential time on
/// some patterns; `.reportProgress` calls back during a long match, and the match is abandoned
/// once the budget is spent. Subjects are capped at 64 KiB.
enum BoundedRegex {
    enum Outcome { case match, noMatch, timeout }

    static let subjectLimit = 64 * 1024
    static let budgetNanoseconds: UInt64 = 50_000_000
    static let timeoutMessage = "regular expression exceeded its 50 ms budget on one value"

    private static let cache = Mutex<[String: NSRegularExpression]>([:])

    /// A compiled pattern, from a small cache: judges evaluate the same rules over and over.
    static func compiled(_ pattern: String) -> NSRegularExpression? {
        cache.withLock { cache in
            if let regex = cache[pattern] { return regex }
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
            if cache.count >= 256 { cache.removeAll() }
            cache[pattern] = regex
            return regex
        }
    }

    static func firstMatch(_ regex: NSRegularExpression, in text: String) -> Outcome {
        var subject = text
        if subject.utf8.count > subjectLimit { subject = String(decoding: Array(subject.utf8.prefix(subjectLimit)), as: UTF8.self) }
        let deadline = DispatchTime.now().uptimeNanoseconds + budgetNanoseconds
        var outcome = Outcome.noMatch
        regex.enumerateMatches(in: subject, options: [.reportProgress], range: NSRange(subject.startIndex..., in: subject)) { result, _, stop in
            if result != nil {
                outcome = .match
                stop.pointee = true
            } else if DispatchTime.now().uptimeNanoseconds > deadline {
                outcome = .timeout
                stop.pointee = true
            }
        }
        return outcome
    }
}

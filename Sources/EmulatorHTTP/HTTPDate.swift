#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// The IMF-fixdate for the `Date` header, formatted at most once per second.
final class HTTPDate: Sendable {
    static let shared = HTTPDate()
    /// The second last formatted and its text.
    private let cached = Mutex<(second: time_t, text: String)>((0, ""))

    func now() -> String {
        let t = time(nil)
        return cached.withLock { cached in
            if t != cached.second {
                var tmValue = tm()
                var seconds = t
                gmtime_r(&seconds, &tmValue)
                var buffer = [Int8](repeating: 0, count: 64)
                let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &tmValue)
                cached = (t, String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return cached.text
        }
    }
}

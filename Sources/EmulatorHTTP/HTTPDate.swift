#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The IMF-fixdate for the `Date` header, formatted at most once per second.
final class HTTPDate: @unchecked Sendable {
    static let shared = HTTPDate()
    private let lock = NSLock()
    private var second: time_t = 0
    private var cached = ""

    func now() -> String {
        let t = time(nil)
        lock.lock()
        defer { lock.unlock() }
        if t != second {
            second = t
            var tmValue = tm()
            var seconds = t
            gmtime_r(&seconds, &tmValue)
            var buffer = [Int8](repeating: 0, count: 64)
            let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &tmValue)
            cached = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return cached
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The executable's code and constants that only start-up ran (fixture parsing, seeding,
/// migrations): once it is over, their pages are dropped from the process's resident set with
/// `madvise(MADV_DONTNEED)`. They are read-only mappings of the file, so nothing is lost: a page
/// used again is mapped back from the page cache (or the file) on its next touch. A mapping
/// with a private copy of any page (writable data, or relocated constants made read-only after
/// loading, RELRO) is never touched: dropping those pages would lose what was written to them.
enum StartupPages {
    /// Drops the resident pages of the executable's clean read-only mappings; returns the
    /// bytes advised (0 where /proc is not mounted).
    @discardableResult
    static func release() -> Int {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
              let smaps = try? String(contentsOfFile: "/proc/self/smaps", encoding: .utf8) else { return 0 }
        var advised = 0
        var candidate: (start: UInt, end: UInt)?
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 5 {
                // A mapping's header: "start-end perms offset dev inode [path]".
                candidate = nil
                let bounds = first.split(separator: "-")
                guard fields.count == 6, fields[5] == executable, fields[1].hasPrefix("r"), !fields[1].contains("w"),
                      bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16), end > start
                else { continue }
                candidate = (start, end)
            } else if fields.first == "Anonymous:", let range = candidate {
                // "Anonymous: N kB": pages of this mapping that are private copies.
                candidate = nil
                guard fields.count >= 2, fields[1] == "0", let address = UnsafeMutableRawPointer(bitPattern: range.start) else { continue }
                if madvise(address, Int(range.end - range.start), MADV_DONTNEED) == 0 { advised += Int(range.end - range.start) }
            }
        }
        return advised
    }
}

import Foundation
import Synchronization

/// The emulator's notion of now: the system clock, a fixed instant, or a clock that advances a
/// fixed step on every reading (`--clock step:<start>,<ms>`), for byte-identical runs.
final class EmulatorClock: Sendable {
    enum Mode: Equatable { case system, fixed(Int64), step(start: Int64, stepMs: Int64) }

    let mode: Mode
    /// How many times a step clock has been read.
    private let readings = Mutex<Int64>(0)

    init(mode: Mode) { self.mode = mode }

    /// Parses `system`, `fixed:<RFC3339>` or `step:<RFC3339>,<ms>`.
    static func parse(_ text: String) -> Mode? {
        if text == "system" { return .system }
        if text.hasPrefix("fixed:"), let ms = Timestamp.parse(String(text.dropFirst(6))) { return .fixed(ms) }
        if text.hasPrefix("step:") {
            let parts = text.dropFirst(5).split(separator: ",")
            if parts.count == 2, let start = Timestamp.parse(String(parts[0])), let step = Int64(parts[1]), step >= 0 {
                return .step(start: start, stepMs: step)
            }
        }
        return nil
    }

    /// Milliseconds since the Unix epoch.
    func nowMs() -> Int64 {
        switch mode {
        case .system: return Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        case .fixed(let ms): return ms
        case .step(let start, let step):
            let reading = readings.withLock { count in
                defer { count &+= 1 }
                return count
            }
            let (advance, overflow) = reading.multipliedReportingOverflow(by: step)
            let (value, overflowSum) = start.addingReportingOverflow(advance)
            return overflow || overflowSum ? Timestamp.maxMs : Swift.min(value, Timestamp.maxMs)
        }
    }

    func reset() { readings.withLock { $0 = 0 } }
}

import Foundation

/// The status of a background task (a campaign, a dataset import) as a poller sees it under the
/// task pace: the real status once the pace allows, RUNNING before. Campaigns and import tasks
/// store the same four things (status, status reads, pace, wall-clock start) and both read their
/// status through this one type.
struct PacedStatus {
    /// What the task really is: RUNNING, COMPLETED or FAILED.
    let real: String
    let pace: TaskPace
    /// Status reads so far, including the one being answered.
    let reads: Int
    /// Wall-clock start (Unix ms): `seconds:S` paces count real time, not the emulator's clock.
    let startedWallMs: Int64

    init(real: String, pace paceText: String, reads: Int, startedWallMs: Int64) {
        self.real = real
        pace = TaskPace.parse(paceText) ?? .immediate
        self.reads = reads
        self.startedWallMs = startedWallMs
    }

    static var wallClockMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func visible(nowWallMs: Int64 = wallClockMs) -> String {
        switch pace {
        case .immediate: return real
        case .polls(let n): return reads <= n ? "RUNNING" : real
        case .seconds(let s): return Double(nowWallMs &- startedWallMs) / 1000 < s ? "RUNNING" : real
        }
    }
}

import Dispatch
import Foundation

/// Runs background work (campaign judging, dataset imports) one job at a time on a serial queue,
/// and decides what status a poller sees under the task pace.
final class TaskRunner: @unchecked Sendable {
    private let queue = DispatchQueue(label: "emulator.tasks", qos: .utility)
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var paces: [String: TaskPace] = [:]
    let defaultPace: TaskPace

    init(defaultPace: TaskPace) { self.defaultPace = defaultPace }

    func submit(_ work: @escaping @Sendable () -> Void) {
        queue.async(group: group, execute: work)
    }

    func waitUntilIdle(timeout: Double) {
        _ = group.wait(timeout: .now() + timeout)
    }

    /// The pace for a workspace: its own (`POST /__emulator/task-pace`) or the `--task-pace` default.
    func pace(for workspaceID: String) -> TaskPace {
        lock.lock(); defer { lock.unlock() }
        return paces[workspaceID] ?? defaultPace
    }

    func setPace(_ pace: TaskPace?, for workspaceID: String) {
        lock.lock()
        paces[workspaceID] = pace
        lock.unlock()
    }

    func clearPaces() { lock.lock(); paces.removeAll(); lock.unlock() }

    /// What a status read reports: the real status once the pace allows, RUNNING before.
    /// `reads` counts status reads including this one; `createdMs`/`nowMs` are wall-clock times.
    static func visibleStatus(real: String, pace: TaskPace, reads: Int, createdMs: Int64, nowMs: Int64) -> String {
        switch pace {
        case .immediate: return real
        case .polls(let n): return reads <= n ? "RUNNING" : real
        case .seconds(let s): return Double(nowMs - createdMs) / 1000 < s ? "RUNNING" : real
        }
    }
}

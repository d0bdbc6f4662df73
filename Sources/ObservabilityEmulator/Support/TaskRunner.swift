import Dispatch
import Foundation
import Synchronization

/// Runs background work (campaign judging, dataset imports) one job at a time on a serial queue,
/// and decides what status a poller sees under the task pace.
final class TaskRunner: Sendable {
    private let queue = DispatchQueue(label: "emulator.tasks", qos: .utility)
    private let group = DispatchGroup()
    /// Paces set per workspace through the control plane.
    private let paces = Mutex<[String: TaskPace]>([:])
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
        paces.withLock { $0[workspaceID] } ?? defaultPace
    }

    func setPace(_ pace: TaskPace?, for workspaceID: String) {
        paces.withLock { $0[workspaceID] = pace }
    }

    func clearPaces() { paces.withLock { $0.removeAll() } }
}

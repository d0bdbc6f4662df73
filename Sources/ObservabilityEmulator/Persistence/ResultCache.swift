import Dispatch
import EmulatorJSON
import EmulatorStore
import Foundation
import Synchronization

/// Query results keyed by string, emptied by every database write.
///
/// A reader takes `generation` before it opens its snapshot and stores its result only if no
/// write has finished since: a result read from a snapshot older than the last write is never
/// kept.
final class ResultCache: Sendable {
    private struct State {
        var entries: [String: [UInt8]] = [:]
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var generation: UInt64 { state.withLock { $0.generation } }

    func value(for key: String) -> [UInt8]? { state.withLock { $0.entries[key] } }

    func store(_ value: [UInt8], for key: String, readAt generation: UInt64) {
        state.withLock { state in
            guard generation == state.generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = value
        }
    }

    func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            if !state.entries.isEmpty { state.entries.removeAll() }
        }
    }
}

import Dispatch
import EmulatorJSON
import EmulatorStore
import Foundation

/// Query results keyed by string, emptied by every database write.
///
/// A reader takes `generation` before it opens its snapshot and stores its result only if no
/// write has finished since: a result read from a snapshot older than the last write is never
/// kept.
final class ResultCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: [UInt8]] = [:]
    private var currentGeneration: UInt64 = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var generation: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return currentGeneration
    }

    func value(for key: String) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func store(_ value: [UInt8], for key: String, readAt generation: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        guard generation == currentGeneration else { return }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = value
    }

    func invalidate() {
        lock.lock()
        defer { lock.unlock() }
        currentGeneration &+= 1
        if !entries.isEmpty { entries.removeAll() }
    }
}

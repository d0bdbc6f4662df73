import EmulatorStore
import Synchronization

/// A workspace's own responders (parsed) and model cards, as every chat completion needs them.
struct WorkspaceRules: Sendable {
    /// `DatabasePool.writeGeneration` when they were read.
    let generation: UInt64
    let responders: [Responder]
    let models: [ModelCard]
}

/// The rules of the workspaces in use, read again only after a write that may have changed
/// them: two reads and a parse of every responder per chat completion were a fifth of its time.
/// Any ordinary write (responders, models, a reset, a restore) makes every entry stale; the
/// group-committed event inserts of chat completions do not.
final class WorkspaceRulesCache: Sendable {
    /// Workspaces kept; past it the cache starts over.
    static let capacity = 1024
    private let entries = Mutex<[String: WorkspaceRules]>([:])

    func value(for workspaceID: String, generation: UInt64) -> WorkspaceRules? {
        entries.withLock { entries in
            guard let rules = entries[workspaceID], rules.generation == generation else { return nil }
            return rules
        }
    }

    func store(_ rules: WorkspaceRules, for workspaceID: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[workspaceID] = rules
        }
    }
}

extension ObservabilityStore {
    /// The workspace's rules, from the cache while no write has happened since they were read.
    /// The generation is taken before the reads: a write committed during them leaves the
    /// entry stale, never a stale entry current.
    func workspaceRules(workspaceID: String) throws -> WorkspaceRules {
        let generation = pool.writeGeneration
        if let cached = rulesCache.value(for: workspaceID, generation: generation) { return cached }
        let responders = try responders(workspaceID: workspaceID).enumerated().map {
            try Responder.parse($0.element.body, path: "responders[\($0.offset)]")
        }
        let rules = WorkspaceRules(generation: generation, responders: responders, models: try models(workspaceID: workspaceID))
        rulesCache.store(rules, for: workspaceID)
        return rules
    }
}

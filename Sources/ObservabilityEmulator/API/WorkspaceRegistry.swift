import Synchronization

/// The workspaces the emulator has met: each token's workspace (derived once: two SHA-1s), and
/// which workspaces already have their copies of the seeded judges.
///
/// A reset that runs while a workspace is being materialised may delete its judges again, so
/// every reset bumps a generation, and a workspace is only remembered as materialised if no reset
/// ran meanwhile (materialising twice is harmless; remembering a deleted workspace would leave
/// it without judges).
final class WorkspaceRegistry: Sendable {
    private struct State {
        var byToken: [String: Workspace] = [:]
        var materialized = Set<String>()
        var resetGeneration: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The workspace of a token, remembered (at most 10 000 tokens; then forgotten and derived again).
    func workspace(for token: String) -> Workspace {
        state.withLock { state in
            if let known = state.byToken[token] { return known }
            if state.byToken.count > 10_000 { state.byToken.removeAll() }
            let workspace = Workspace(token: token)
            state.byToken[token] = workspace
            return workspace
        }
    }

    func isMaterialized(_ id: String) -> Bool { state.withLock { $0.materialized.contains(id) } }

    /// Runs `materialize` unless the workspace already has its judges, then remembers it if no
    /// reset ran meanwhile.
    func ensureMaterialized(_ id: String, _ materialize: () throws -> Void) throws {
        let (known, generation) = state.withLock { ($0.materialized.contains(id), $0.resetGeneration) }
        if known { return }
        try materialize()
        state.withLock { state in
            if generation == state.resetGeneration { state.materialized.insert(id) }
        }
    }

    /// After a reset of the store (of one workspace, or all): materialise again on the next request.
    func forget(_ id: String? = nil) {
        state.withLock { state in
            state.resetGeneration &+= 1
            if let id { state.materialized.remove(id) } else { state.materialized.removeAll() }
        }
    }
}

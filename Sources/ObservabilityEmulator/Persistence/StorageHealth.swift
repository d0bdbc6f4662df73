import Synchronization

/// Whether the database could be written last time: a full disk (or an I/O error) makes health
/// report "degraded" until a write succeeds again, which needs no restart once space is back.
final class StorageHealth: Sendable {
    private struct State {
        var degraded = false
        var failures = 0
        var lastError: String?
    }

    private let state = Mutex(State())

    func failed(_ message: String) {
        state.withLock {
            $0.degraded = true
            $0.failures += 1
            $0.lastError = message
        }
    }

    /// A state-changing request answered below 400: the store accepted a write.
    func succeeded() {
        state.withLock { if $0.degraded { $0.degraded = false } }
    }

    /// `(degraded, failures so far, last error)`.
    var snapshot: (degraded: Bool, failures: Int, lastError: String?) {
        state.withLock { ($0.degraded, $0.failures, $0.lastError) }
    }
}

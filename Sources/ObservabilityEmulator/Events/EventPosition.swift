import EmulatorJSON
import EmulatorStore

/// A position in the newest-first order, for keyset paging.
struct EventPosition: Equatable {
    let createdMs: Int64
    let eventID: String
}

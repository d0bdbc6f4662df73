import EmulatorJSON
import EmulatorStore
import Foundation

/// One record to add: payload, properties, source.
struct RecordDraft {
    var payload: JSONObject
    var properties: JSONObject
    var source: String
}

/// Why an import failed; the task reports it and nothing is imported.
struct ImportFailure: Error { let message: String }

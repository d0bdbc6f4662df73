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

/// What an import source produced: the records to insert and how many requested items it
/// skipped (the task's `result` reports requested = records + skipped).
struct ImportBatch {
    var drafts: [RecordDraft]
    var skipped = 0
}

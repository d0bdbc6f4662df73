/// What the store refuses, in the domain's words. `APIError.init(_:)` (API/APIError+StoreError.swift) is the one place
/// these become HTTP answers; the store itself knows nothing of statuses or error codes.
enum StoreError: Error, Equatable {
    /// The kinds of stored things an error can name.
    enum Resource: String, Sendable {
        case judge, campaign, dataset, record = "dataset record", event, file
        case pipeline, pipelineConfig = "pipeline config", scorer = "judge (scorer)"
        case project, evaluation, evaluationRun = "evaluation run", evaluationRecord = "evaluation run record", optimization
    }

    /// No visible (same workspace, not deleted) resource with this id. `field` is the request
    /// field that named it, when it was a body field rather than the path.
    case notFound(Resource, id: String, field: String? = nil)
    /// Another resource of the kind (a judge, a pipeline, a standalone pipeline config) in the
    /// workspace already has this name.
    case nameTaken(Resource, name: String)
    /// The judge revision already has a newer one; only the newest can be updated.
    case judgeHasNewerRevision(id: String, newer: String)
    /// An update that changes nothing.
    case judgeUnchanged(id: String)
    /// A campaign whose filter selects no event.
    case noMatchingEvents
    /// An event id that is already stored.
    case eventExists(String)
    /// An `extra_fields` entry that names no field.
    case unknownExtraField(index: Int, name: String)
}

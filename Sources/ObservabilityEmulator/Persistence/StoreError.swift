/// What the store refuses, in the domain's words. `APIError.init(_:)` (below) is the one place
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
    /// Another judge of the workspace already has this name.
    case judgeNameTaken(String)
    /// The judge revision already has a newer one; only the newest can be updated.
    case judgeHasNewerRevision(id: String, newer: String)
    /// An update that changes nothing.
    case judgeUnchanged(id: String)
    /// A campaign whose filter selects no event.
    case noMatchingEvents
    /// An event id that is already stored.
    case eventExists(String)
    /// Another pipeline (or standalone pipeline config) of the workspace already has this name.
    case pipelineNameTaken(String)
    case pipelineConfigNameTaken(String)
    /// An `extra_fields` entry that names no field.
    case unknownExtraField(index: Int, name: String)
}

extension APIError {
    /// The HTTP answer to a store refusal: status, `error_code` and a message naming the field.
    init(_ error: StoreError) {
        switch error {
        case .notFound(let resource, let id, let field):
            let code: String? = switch resource {
            case .judge: "JUDGE_NOT_FOUND"
            case .campaign: "CAMPAIGN_NOT_FOUND"
            case .dataset: "DATASET_NOT_FOUND"
            case .record: "DATASET_RECORD_NOT_FOUND"
            case .event: "SEARCH_NOT_FOUND"
            case .file: nil
            case .pipeline: "PIPELINE_NOT_FOUND"
            case .pipelineConfig: "PIPELINE_CONFIG_NOT_FOUND"
            case .scorer: "SCORER_NOT_FOUND"
            case .project: "PROJECT_NOT_FOUND"
            case .evaluation: "EVALUATION_NOT_FOUND"
            case .evaluationRun: "EVALUATION_RUN_NOT_FOUND"
            case .evaluationRecord: "EVALUATION_RECORD_NOT_FOUND"
            case .optimization: "OPTIMIZATION_NOT_FOUND"
            }
            self.init(404, code, "\(field.map { "\($0): " } ?? "")\(resource.rawValue) \(id) not found")
        case .judgeNameTaken(let name):
            self.init(409, "JUDGE_NAME_ALREADY_EXISTS", "name: a judge named '\(name)' already exists in this workspace")
        case .judgeHasNewerRevision(let id, let newer):
            self.init(409, "JUDGE_ALREADY_HAS_NEW_VERSION", "judge \(id) already has a newer revision \(newer); update that one")
        case .judgeUnchanged(let id):
            self.init(409, "JUDGE_DID_NOT_CHANGE", "the new definition is identical to revision \(id)")
        case .noMatchingEvents:
            self.init(400, "CAMPAIGN_NO_MATCHING_EVENTS", "search_params.filters: no event matches this filter")
        case .eventExists(let id):
            self.init(409, nil, "event_id \(id) already exists")
        case .pipelineNameTaken(let name):
            self.init(409, "PIPELINE_ALREADY_EXISTS", "name: a pipeline named '\(name)' already exists in this workspace")
        case .pipelineConfigNameTaken(let name):
            self.init(409, "PIPELINE_CONFIG_ALREADY_EXISTS", "name: a pipeline config named '\(name)' already exists in this workspace")
        case .unknownExtraField(let index, let name):
            self.init(400, "SEARCH_BAD_REQUEST", "extra_fields[\(index)]: unknown field '\(name.prefix(100))'")
        }
    }
}

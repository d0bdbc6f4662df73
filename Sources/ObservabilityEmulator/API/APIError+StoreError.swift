/// Where store refusals become HTTP answers: the store throws `StoreError` (what went wrong, in
/// its own terms) and the API edge decides status, `error_code` and wording.
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
        case .nameTaken(let resource, let name):
            let code = switch resource {
            case .pipeline: "PIPELINE_ALREADY_EXISTS"
            case .pipelineConfig: "PIPELINE_CONFIG_ALREADY_EXISTS"
            default: "JUDGE_NAME_ALREADY_EXISTS"
            }
            self.init(409, code, "name: a \(resource.rawValue) named '\(name)' already exists in this workspace")
        case .judgeHasNewerRevision(let id, let newer):
            self.init(409, "JUDGE_ALREADY_HAS_NEW_VERSION", "judge \(id) already has a newer revision \(newer); update that one")
        case .judgeUnchanged(let id):
            self.init(409, "JUDGE_DID_NOT_CHANGE", "the new definition is identical to revision \(id)")
        case .noMatchingEvents:
            self.init(400, "CAMPAIGN_NO_MATCHING_EVENTS", "search_params.filters: no event matches this filter")
        case .eventExists(let id):
            self.init(409, nil, "event_id \(id) already exists")
        case .unknownExtraField(let index, let name):
            self.init(400, "SEARCH_BAD_REQUEST", "extra_fields[\(index)]: unknown field '\(name.prefix(100))'")
        }
    }
}

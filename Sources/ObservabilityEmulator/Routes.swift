/// Every operation the emulator serves. The 31 observability operations of the OpenAPI file, the
/// minimal Files API the dataset imports need, and the control plane under `/__emulator`.
extension EmulatorApplication {
    func registerRoutes() {
        let v1 = "/v1/observability"
        func api(_ method: String, _ path: String, _ operation: String, _ handler: @escaping (Call) throws -> HTTPResponseBox) {
            router.add(method, path, Route(operation: operation, kind: .api, handler: { try handler($0).response }))
        }
        // Events (SPEC 4).
        api("POST", "\(v1)/chat-completion-events/search", "events.search", EventRoutes.search)
        api("POST", "\(v1)/chat-completion-events/search-ids", "events.search_ids", EventRoutes.searchIDs)
        api("GET", "\(v1)/chat-completion-events/{event_id}", "events.fetch", EventRoutes.fetch)
        api("GET", "\(v1)/chat-completion-events/{event_id}/similar-events", "events.fetch_similar_events", EventRoutes.similar)
        api("POST", "\(v1)/chat-completion-events/{event_id}/live-judging", "events.judge", JudgeRoutes.judgeEvent)
        // Fields (SPEC 4.4).
        api("GET", "\(v1)/chat-completion-fields", "fields.list", FieldRoutes.list)
        api("GET", "\(v1)/chat-completion-fields/{field_name}/options", "fields.fetch_options", FieldRoutes.options)
        api("POST", "\(v1)/chat-completion-fields/{field_name}/options-counts", "fields.fetch_option_counts", FieldRoutes.optionCounts)
        // Judges (SPEC 5, 6).
        api("POST", "\(v1)/judges", "judges.create", JudgeRoutes.create)
        api("GET", "\(v1)/judges", "judges.list", JudgeRoutes.list)
        api("GET", "\(v1)/judges/{judge_id}", "judges.fetch", JudgeRoutes.fetch)
        api("PUT", "\(v1)/judges/{judge_id}", "judges.update", JudgeRoutes.update)
        api("DELETE", "\(v1)/judges/{judge_id}", "judges.delete", JudgeRoutes.delete)
        api("POST", "\(v1)/judges/{judge_id}/live-judging", "judges.judge_conversation", JudgeRoutes.judgeConversation)

        registerCampaignRoutes(api)
        registerDatasetRoutes(api)

        // Control plane (SPEC 9).
        func control(_ method: String, _ path: String, _ operation: String, _ handler: @escaping (Call) throws -> HTTPResponseBox) {
            router.add(method, path, Route(operation: operation, kind: .control, handler: { try handler($0).response }))
        }
        control("GET", "/__emulator/health", "control.health", ControlRoutes.health)
        control("POST", "/__emulator/reset", "control.reset", ControlRoutes.reset)
        control("POST", "/__emulator/events", "control.ingest", ControlRoutes.ingest)
        control("GET", "/__emulator/requests", "control.requests", ControlRoutes.requests)
        control("DELETE", "/__emulator/requests", "control.requests_clear", ControlRoutes.clearRequests)
        control("POST", "/__emulator/faults", "control.faults_add", ControlRoutes.addFault)
        control("GET", "/__emulator/faults", "control.faults_list", ControlRoutes.listFaults)
        control("DELETE", "/__emulator/faults", "control.faults_clear", ControlRoutes.clearFaults)
        control("DELETE", "/__emulator/faults/{fault_id}", "control.faults_delete", ControlRoutes.deleteFault)
        control("POST", "/__emulator/task-pace", "control.task_pace", ControlRoutes.taskPace)
        control("GET", "/__emulator/openapi.yaml", "control.openapi", ControlRoutes.openAPI)
    }

    func registerCampaignRoutes(_ api: (String, String, String, @escaping (Call) throws -> HTTPResponseBox) -> Void) {
        let v1 = "/v1/observability"
        api("POST", "\(v1)/campaigns", "campaigns.create", CampaignRoutes.create)
        api("GET", "\(v1)/campaigns", "campaigns.list", CampaignRoutes.list)
        api("GET", "\(v1)/campaigns/{campaign_id}", "campaigns.fetch", CampaignRoutes.fetch)
        api("DELETE", "\(v1)/campaigns/{campaign_id}", "campaigns.delete", CampaignRoutes.delete)
        api("GET", "\(v1)/campaigns/{campaign_id}/status", "campaigns.fetch_status", CampaignRoutes.status)
        api("GET", "\(v1)/campaigns/{campaign_id}/selected-events", "campaigns.list_events", CampaignRoutes.selectedEvents)
    }

    func registerDatasetRoutes(_ api: (String, String, String, @escaping (Call) throws -> HTTPResponseBox) -> Void) {
        let v1 = "/v1/observability"
        api("POST", "\(v1)/datasets", "datasets.create", DatasetRoutes.create)
        api("GET", "\(v1)/datasets", "datasets.list", DatasetRoutes.list)
        api("GET", "\(v1)/datasets/{dataset_id}", "datasets.fetch", DatasetRoutes.fetch)
        api("PATCH", "\(v1)/datasets/{dataset_id}", "datasets.update", DatasetRoutes.patch)
        api("DELETE", "\(v1)/datasets/{dataset_id}", "datasets.delete", DatasetRoutes.delete)
        api("GET", "\(v1)/datasets/{dataset_id}/records", "datasets.list_records", DatasetRoutes.listRecords)
        api("POST", "\(v1)/datasets/{dataset_id}/records", "datasets.create_record", DatasetRoutes.createRecord)
        api("POST", "\(v1)/datasets/{dataset_id}/imports/from-campaign", "datasets.import_from_campaign", DatasetRoutes.importFromCampaign)
        api("POST", "\(v1)/datasets/{dataset_id}/imports/from-explorer", "datasets.import_from_explorer", DatasetRoutes.importFromExplorer)
        api("POST", "\(v1)/datasets/{dataset_id}/imports/from-file", "datasets.import_from_file", DatasetRoutes.importFromFile)
        api("POST", "\(v1)/datasets/{dataset_id}/imports/from-playground", "datasets.import_from_playground", DatasetRoutes.importFromPlayground)
        api("POST", "\(v1)/datasets/{dataset_id}/imports/from-dataset", "datasets.import_from_dataset", DatasetRoutes.importFromDataset)
        api("GET", "\(v1)/datasets/{dataset_id}/exports/to-jsonl", "datasets.export_to_jsonl", DatasetRoutes.export)
        api("GET", "\(v1)/datasets/{dataset_id}/tasks/{task_id}", "datasets.fetch_task", DatasetRoutes.fetchTask)
        api("GET", "\(v1)/datasets/{dataset_id}/tasks", "datasets.list_tasks", DatasetRoutes.listTasks)
        api("GET", "\(v1)/dataset-records/{dataset_record_id}", "records.fetch", DatasetRoutes.fetchRecord)
        api("DELETE", "\(v1)/dataset-records/{dataset_record_id}", "records.delete", DatasetRoutes.deleteRecord)
        api("POST", "\(v1)/dataset-records/bulk-delete", "records.bulk_delete", DatasetRoutes.bulkDelete)
        api("POST", "\(v1)/dataset-records/{dataset_record_id}/live-judging", "records.judge", DatasetRoutes.judgeRecord)
        api("PUT", "\(v1)/dataset-records/{dataset_record_id}/payload", "records.update_payload", DatasetRoutes.putPayload)
        api("PUT", "\(v1)/dataset-records/{dataset_record_id}/properties", "records.update_properties", DatasetRoutes.putProperties)
        // The minimal Files API (SDK files.upload / retrieve / download).
        api("POST", "/v1/files", "files.upload", FileRoutes.upload)
        api("GET", "/v1/files/{file_id}", "files.retrieve", FileRoutes.retrieve)
        api("GET", "/v1/files/{file_id}/content", "files.download", FileRoutes.content)
        // Export downloads: no Bearer, like a presigned URL; the token is the secret.
        router.add("GET", "/__emulator/exports/{token}", Route(operation: "exports.download", kind: .open, handler: { try DatasetRoutes.download($0).response }))
    }
}

import EmulatorHTTP
import EmulatorJSON

/// Lets handlers return a JSON value, raw bytes or a full response with one return type.
struct HTTPResponseBox {
    let response: HTTPResponse
    static func json(_ value: JSON, status: Int = 200) -> HTTPResponseBox { HTTPResponseBox(response: .json(status, value)) }
    static func bytes(_ bytes: [UInt8], status: Int = 200) -> HTTPResponseBox { HTTPResponseBox(response: .jsonBytes(status, bytes)) }
    static let noContent = HTTPResponseBox(response: .noContent())
    static func raw(_ response: HTTPResponse) -> HTTPResponseBox { HTTPResponseBox(response: response) }
}

import EmulatorHTTP
import EmulatorJSON

/// `/v1/observability/datasets` and `/v1/observability/dataset-records`: datasets, their records,
/// imports (from the explorer, a campaign, a file, the playground, another dataset), import tasks
/// and JSONL exports.
enum DatasetRoutes {
    static func create(_ call: Call) throws -> HTTPResponseBox {
        let body = try call.body()
        let name = try body.requiredString("name", minLength: 5, maxLength: 50)
        let description = try body.requiredString("description", maxLength: 200)
        return .json(try call.store.createDataset(workspace: call.workspace, name: name, description: description), status: 201)
    }

    static func list(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let (count, items) = try call.store.listDatasets(workspaceID: call.workspace.id, query: call.query("q"), page: page)
        return .json(["datasets": call.paginated(count: count, results: items, page: page)])
    }

    static func fetch(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.datasetID()
        let dataset = try call.store.dataset(id: id, workspaceID: call.workspace.id).orNotFound(.dataset, id: id)
        return .json(dataset)
    }

    static func patch(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.datasetID()
        let body = try call.body()
        let name = try body.string("name", required: false, nullable: true, minLength: 5, maxLength: 50)
        let description = try body.string("description", required: false, nullable: true, maxLength: 200)
        return .json(try call.store.patchDataset(id: id, workspaceID: call.workspace.id, name: name, description: description))
    }

    static func delete(_ call: Call) throws -> HTTPResponseBox {
        try call.store.deleteDataset(id: try call.datasetID(), workspaceID: call.workspace.id)
        return .noContent
    }

    static func listRecords(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.datasetID()
        let page = try call.pageParameters()
        let (count, items) = try call.store.listRecords(datasetID: id, workspaceID: call.workspace.id, page: page)
        return .json(["records": call.paginated(count: count, results: items, page: page)])
    }

    /// The record sources a client may declare on create (`CreateDatasetRecordRequestSource`);
    /// the others are set by imports.
    static let creatableSources = ["DIRECT_INPUT", "TELEMETRY_SPAN"]

    /// `payload` is a free-form object; a `messages` array, when present, must hold objects.
    static func readPayload(_ reader: BodyReader, key: String = "payload") throws -> JSONObject {
        guard let payload = try reader.object(key) else { throw reader.fail(key, "field required") }
        let messages = try payload.array("messages", required: false) ?? []
        for (index, message) in messages.enumerated() {
            guard case .object = message else {
                throw APIError.validation("\(payload.fieldPath("messages"))[\(index)]: expected an object, got \(message.typeDescription)")
            }
        }
        return payload.object
    }

    static func createRecord(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.datasetID()
        let body = try call.body()
        let payload = try readPayload(body)
        // Newer SDKs send `properties` only when set, and a `source`.
        let properties = try body.object("properties", required: false, nullable: true)?.object ?? JSONObject()
        let source = try body.string("source", required: false, nullable: true) ?? "DIRECT_INPUT"
        guard Self.creatableSources.contains(source) else {
            throw APIError.validation("source: '\(source.prefix(40))' is not one of \(Self.creatableSources.joined(separator: ", "))")
        }
        let record = try call.store.createRecord(datasetID: id, workspaceID: call.workspace.id,
                                                 draft: RecordDraft(payload: payload, properties: properties, source: source))
        return .json(record, status: 201)
    }

    /// Starts an import task: 202 with the task, the work on the background runner.
    static func startImport(_ call: Call, build: @escaping @Sendable (ObservabilityStore, String) throws -> ImportBatch) throws -> HTTPResponseBox {
        let datasetID = try call.datasetID()
        let store = call.store
        let workspaceID = call.workspace.id
        let taskID = try store.createTask(datasetID: datasetID, workspace: call.workspace, pace: call.app.tasks.pace(for: workspaceID))
        call.app.tasks.submit {
            ImportRunner.run(taskID: taskID, datasetID: datasetID, workspaceID: workspaceID, store: store) { try build(store, workspaceID) }
        }
        guard let task = try store.task(id: taskID, datasetID: datasetID, workspaceID: workspaceID, countRead: false) else {
            throw APIError.internalError("import task vanished")
        }
        return .json(task, status: 202)
    }

    static func importFromExplorer(_ call: Call) throws -> HTTPResponseBox {
        let ids = try call.body().stringArray("completion_event_ids", maxItems: 500) ?? []
        return try startImport(call) { store, ws in ImportBatch(drafts: try store.recordsFromEvents(ids: ids.map { $0.lowercased() }, workspaceID: ws, source: "EXPLORER")) }
    }

    static func importFromCampaign(_ call: Call) throws -> HTTPResponseBox {
        let body = try call.body()
        let campaignID = try body.requiredString("campaign_id")
        guard UUIDText.isValid(campaignID) else { throw APIError.validation("campaign_id: '\(campaignID.prefix(64))' is not a valid UUID") }
        guard try call.store.campaign(id: campaignID.lowercased(), workspaceID: call.workspace.id) != nil else {
            throw APIError.notFound("CAMPAIGN_NOT_FOUND", "campaign_id: campaign \(campaignID) not found")
        }
        return try startImport(call) { store, ws in try store.recordsFromCampaign(campaignID: campaignID.lowercased(), workspaceID: ws) }
    }

    static func importFromDataset(_ call: Call) throws -> HTTPResponseBox {
        let ids = try call.body().uuidArray("dataset_record_ids", maxItems: 10_000, minItems: 1)
        return try startImport(call) { store, ws in ImportBatch(drafts: try store.recordsFromDataset(recordIDs: ids, workspaceID: ws)) }
    }

    static func importFromFile(_ call: Call) throws -> HTTPResponseBox {
        let fileID = try call.body().requiredString("file_id")
        return try startImport(call) { store, ws in ImportBatch(drafts: try store.recordsFromFile(fileID: fileID.lowercased(), workspaceID: ws)) }
    }

    static func importFromPlayground(_ call: Call) throws -> HTTPResponseBox {
        let ids = try call.body().stringArray("conversation_ids") ?? []
        if ids.isEmpty { throw APIError.validation("conversation_ids: at least one conversation id is required") }
        return try startImport(call) { store, ws in ImportBatch(drafts: try store.recordsFromPlayground(conversationIDs: ids, workspaceID: ws)) }
    }

    static func export(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.datasetID()
        let token = call.app.ids.secretToken()
        try call.store.exportDataset(id: id, workspaceID: call.workspace.id, token: token)
        return .json(["file_url": .string("\(call.baseURL)/__emulator/exports/\(token).jsonl")])
    }

    static func download(_ call: Call) throws -> HTTPResponseBox {
        var token = call.parameters["token"] ?? ""
        if token.hasSuffix(".jsonl") { token.removeLast(6) }
        guard token.count == 64, token.allSatisfy({ $0.isHexDigit }), let content = try call.store.exportContent(token: token) else {
            throw APIError.notFound(nil, "export not found or expired (links are valid for one hour)")
        }
        return .raw(.jsonLines(content, filename: "dataset.jsonl"))
    }

    static func fetchTask(_ call: Call) throws -> HTTPResponseBox {
        let datasetID = try call.datasetID()
        let taskID = try call.pathID("task_id")
        guard let task = try call.store.task(id: taskID, datasetID: datasetID, workspaceID: call.workspace.id, countRead: true) else {
            try call.store.requireDataset(id: datasetID, workspaceID: call.workspace.id)
            throw APIError.notFound("DATASET_TASK_NOT_FOUND", "task \(taskID) not found in dataset \(datasetID)")
        }
        return .json(task)
    }

    static func listTasks(_ call: Call) throws -> HTTPResponseBox {
        let datasetID = try call.datasetID()
        let page = try call.pageParameters()
        let (count, items) = try call.store.listTasks(datasetID: datasetID, workspaceID: call.workspace.id, page: page)
        return .json(["tasks": call.paginated(count: count, results: items, page: page)])
    }

    // MARK: Records

    static func fetchRecord(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("dataset_record_id")
        let record = try call.store.record(id: id, workspaceID: call.workspace.id).orNotFound(.record, id: id)
        return .json(record)
    }

    static func deleteRecord(_ call: Call) throws -> HTTPResponseBox {
        try call.store.deleteRecords(ids: [try call.pathID("dataset_record_id")], workspaceID: call.workspace.id)
        return .noContent
    }

    static func bulkDelete(_ call: Call) throws -> HTTPResponseBox {
        let ids = try call.body().uuidArray("dataset_record_ids", maxItems: 500, minItems: 1)
        try call.store.deleteRecords(ids: Array(Set(ids)).sorted(), workspaceID: call.workspace.id)
        return .noContent
    }

    static func putPayload(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("dataset_record_id")
        let payload = try readPayload(try call.body())
        try call.store.updateRecord(id: id, workspaceID: call.workspace.id, part: .payload, value: payload)
        return .noContent
    }

    static func putProperties(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("dataset_record_id")
        guard let properties = try call.body().object("properties") else { throw APIError.validation("properties: field required") }
        try call.store.updateRecord(id: id, workspaceID: call.workspace.id, part: .properties, value: properties.object)
        return .noContent
    }

    /// An inline judge on the record's messages and properties.
    static func judgeRecord(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("dataset_record_id")
        let definition = try JudgeDefinition.inline(in: try call.body())
        let record = try call.store.record(id: id, workspaceID: call.workspace.id).orNotFound(.record, id: id)
        let messages = record["payload"]?["messages"]?.arrayValue ?? []
        let properties = record["properties"]?.objectValue ?? JSONObject()
        let conversation = try JudgedConversation.stored(messages: messages, properties: properties, path: "payload.messages")
        return JudgeRoutes.output(RuleEngine(definition: definition).judge(conversation))
    }
}

extension Call {
    /// The dataset a `datasets/{dataset_id}` path names, by UUID or by the workspace's slug.
    func datasetID() throws -> String {
        try store.datasetID(pathValue: parameters["dataset_id"] ?? "", workspaceID: workspace.id)
    }
}

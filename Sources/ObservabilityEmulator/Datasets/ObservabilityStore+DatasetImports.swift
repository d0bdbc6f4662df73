import EmulatorJSON
import EmulatorStore
import Foundation

/// A dataset's import tasks, the sources records are imported from (events, playground
/// conversations, campaigns, other datasets, files), and exports.
extension ObservabilityStore {
    // MARK: Import tasks

    func createTask(datasetID: String, workspace: Workspace, pace: TaskPace) throws -> String {
        try pool.writeTransaction { db in
            try requireDataset(id: datasetID, workspaceID: workspace.id, db: db)
            let id = ids.next()
            let now = nowMs()
            try db.run("INSERT INTO tasks (id, dataset_id, workspace_id, creator_id, status, progress, message, status_reads, pace, wall_ms, created_ms, updated_ms, deleted_ms) VALUES (?, ?, ?, ?, 'RUNNING', 0, NULL, 0, ?, ?, ?, ?, NULL)",
                       [id, datasetID, workspace.id, workspace.ownerID, pace.description, PacedStatus.wallClockMs, now, now])
            return id
        }
    }

    /// Inserts an import's records in one transaction with the task's completion, so a failed
    /// import adds nothing.
    func completeImport(taskID: String, datasetID: String, workspaceID: String, batch: ImportBatch) throws {
        try pool.writeTransaction { db in
            guard try db.queryOne("SELECT 1 FROM datasets WHERE id = ? AND deleted_ms IS NULL", [datasetID], { _ in true }) != nil else {
                throw ImportFailure(message: "the dataset was deleted during the import")
            }
            let imported = batch.drafts.count
            _ = try insertRecords(batch.drafts, datasetID: datasetID, workspaceID: workspaceID, db: db)
            var message = "imported \(imported) record\(imported == 1 ? "" : "s")"
            if batch.skipped > 0 { message += "; skipped \(batch.skipped)" }
            try db.run("""
                UPDATE tasks SET status = 'COMPLETED', progress = 100, message = ?, updated_ms = ?,
                    requested_count = ?, imported_count = ?, skipped_count = ? WHERE id = ?
                """, [message, nowMs(), imported + batch.skipped, imported, batch.skipped, taskID])
        }
    }

    func failImport(taskID: String, message: String) {
        _ = try? pool.write { db in
            try db.run("UPDATE tasks SET status = 'FAILED', progress = 100, message = ?, updated_ms = ? WHERE id = ?", [message, nowMs(), taskID])
        }
    }

    /// A task as a poller sees it under the pace; `countRead` makes this a status read.
    func task(id: String, datasetID: String, workspaceID: String, countRead: Bool) throws -> JSON? {
        try pool.writeTransaction { db in
            guard let json = try db.queryOne("SELECT \(DatasetJSON.taskColumns) FROM tasks WHERE id = ? AND dataset_id = ? AND workspace_id = ? AND deleted_ms IS NULL",
                                             [id, datasetID, workspaceID], { try taskJSON($0, extraRead: countRead ? 1 : 0) }) else { return nil }
            if countRead { try db.run("UPDATE tasks SET status_reads = status_reads + 1 WHERE id = ?", [id]) }
            return json
        }
    }

    func listTasks(datasetID: String, workspaceID: String, page: PageRequest) throws -> (Int, [JSON]) {
        try pool.read { db in
            try requireDataset(id: datasetID, workspaceID: workspaceID, db: db)
            return try PageQuery(from: "FROM tasks WHERE dataset_id = ? AND deleted_ms IS NULL", arguments: [datasetID])
                .run(db, columns: DatasetJSON.taskColumns, page: page) { try taskJSON($0, extraRead: 0) }
        }
    }

    private func taskJSON(_ row: Row, extraRead: Int) throws -> JSON {
        let status = PacedStatus(real: try row.string("status"), pace: try row.string("pace"), reads: try row.int("status_reads") + extraRead,
                                 startedWallMs: try row.int64("wall_ms"))
        let visible = status.visible()
        let running = visible == "RUNNING" && status.real != "RUNNING"
        let deleted = try row.index(of: "deleted_ms"), progress = try row.index(of: "progress"), requested = try row.index(of: "requested_count")
        let message = try row.optionalString("message")
        let imported = try row.int64("imported_count"), skipped = try row.int64("skipped_count")
        return .object(JSONObject([
            ("id", .string(try row.string("id"))), ("created_at", .string(Timestamp.format(try row.int64("created_ms")))),
            ("updated_at", .string(Timestamp.format(try row.int64("updated_ms")))),
            ("deleted_at", row.isNull(deleted) ? .null : .string(Timestamp.format(row.int64(deleted)))),
            ("creator_id", .string(try row.string("creator_id"))), ("dataset_id", .string(try row.string("dataset_id"))),
            ("workspace_id", .string(try row.string("workspace_id"))),
            ("status", .string(visible)), ("progress", running ? .int(50) : (row.isNull(progress) ? .null : .int(row.int64(progress)))),
            ("message", running ? .null : .string(message)),
            ("result", running || row.isNull(requested) ? .null : .object(JSONObject([
                ("requested_record_count", .int(row.int64(requested))), ("imported_record_count", .int(imported)),
                ("skipped_record_count", .int(skipped)),
            ]))),
        ]))
    }

    // MARK: Import sources

    /// Records from events: request and response messages, the event's fields as properties.
    func recordsFromEvents(ids eventIDs: [String], workspaceID: String, source: String) throws -> [RecordDraft] {
        try pool.read { db in
            var drafts: [RecordDraft] = []
            var missing: [String] = []
            for id in eventIDs {
                guard let draft = try recordFromEvent(.eventID, value: id, workspaceID: workspaceID, source: source, db: db).first else {
                    missing.append(id); continue
                }
                drafts.append(draft)
            }
            if !missing.isEmpty {
                throw ImportFailure(message: "unknown completion event id\(missing.count == 1 ? "" : "s"): \(missing.prefix(20).joined(separator: ", "))\(missing.count > 20 ? ", …" : "")")
            }
            return drafts
        }
    }

    /// How an import finds events: by event id or by conversation (correlation) id.
    enum EventKey: String { case eventID = "event_id", conversationID = "correlation_id" }

    func recordFromEvent(_ key: EventKey, value: String, workspaceID: String, source: String, db: Database) throws -> [RecordDraft] {
        try db.query("SELECT \(EventRow.columns), e.body FROM events AS e WHERE e.\(key.rawValue) = ? AND \(Self.visibleToWorkspace) ORDER BY e.created_ms, e.event_id",
                     [value, workspaceID], columns: { row in (event: try EventRow.Columns(row), body: try row.index(of: "body")) }) { row, columns in
            let event = EventRow(row, columns.event)
            let body = (try? JSON.parse(row.bytes(columns.body))) ?? [:]
            let messages = (body["request_messages"]?.arrayValue ?? []) + (body["response_messages"]?.arrayValue ?? [])
            var properties = JSONObject()
            for field in FieldCatalog.fixed { properties[field.name] = event.value(of: field, annotations: [:]) }
            if let metadata = (try? JSON.parse(event.metadata))?.objectValue {
                for (key, v) in metadata { properties[FieldCatalog.metadataPrefix + key] = v }
            }
            return RecordDraft(payload: JSONObject([("messages", .array(messages))]), properties: properties, source: source)
        }
    }

    func recordsFromPlayground(conversationIDs: [String], workspaceID: String) throws -> [RecordDraft] {
        try pool.read { db in
            var drafts: [RecordDraft] = []
            var missing: [String] = []
            for id in conversationIDs {
                let found = try recordFromEvent(.conversationID, value: id, workspaceID: workspaceID, source: "PLAYGROUND", db: db)
                if found.isEmpty { missing.append(id) }
                // The newest event of a conversation carries its whole history; import that one.
                if let last = found.last {
                    var record = last
                    record.properties["conversation_id"] = .string(id)
                    drafts.append(record)
                }
            }
            if !missing.isEmpty {
                throw ImportFailure(message: "unknown conversation id\(missing.count == 1 ? "" : "s"): \(missing.prefix(20).joined(separator: ", "))")
            }
            return drafts
        }
    }

    func recordsFromCampaign(campaignID: String, workspaceID: String) throws -> ImportBatch {
        try pool.read { db in
            guard let judgeID = try db.scalarString("SELECT judge_id FROM campaigns WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [campaignID, workspaceID]) else {
                throw ImportFailure(message: "campaign \(campaignID) not found")
            }
            let eventIDs = try db.query("""
                SELECT e.event_id, a.value_text, a.value_num, a.analysis FROM campaign_events AS c JOIN events AS e ON e.rowid = c.event_rowid
                JOIN annotations AS a ON a.event_rowid = c.event_rowid AND a.workspace_id = ? AND a.judge_id = ? AND a.campaign_id = ?
                WHERE c.campaign_id = ?
                ORDER BY c.position
                """, [workspaceID, judgeID, campaignID, campaignID]) { row -> (String, JSON, String) in
                (try row.string("event_id"), try row.isNull("value_num") ? .string(row.optionalString("value_text")) : .double(row.double("value_num")),
                 try row.string("analysis"))
            }
            // An event the workspace can no longer see (reset meanwhile) is skipped, not imported.
            var batch = ImportBatch(drafts: [])
            for (id, answer, analysis) in eventIDs {
                guard var draft = try recordFromEvent(.eventID, value: id, workspaceID: workspaceID, source: "EXPLORER", db: db).first else {
                    batch.skipped += 1
                    continue
                }
                draft.properties[FieldCatalog.judgePrefix + judgeID] = answer
                draft.properties["judge_analysis"] = .string(analysis)
                draft.properties["campaign_id"] = .string(campaignID)
                batch.drafts.append(draft)
            }
            return batch
        }
    }

    func recordsFromDataset(recordIDs: [String], workspaceID: String) throws -> [RecordDraft] {
        try pool.read { db in
            var drafts: [RecordDraft] = []
            var missing: [String] = []
            for id in recordIDs {
                guard let draft = try db.queryOne("SELECT payload, properties, source FROM records WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [id, workspaceID], { row in
                    let payload = try row.string("payload"), properties = try row.string("properties")
                    return RecordDraft(payload: (try? JSON.parse(payload))?.objectValue ?? JSONObject(),
                                       properties: (try? JSON.parse(properties))?.objectValue ?? JSONObject(), source: try row.string("source"))
                }) else { missing.append(id); continue }
                drafts.append(draft)
            }
            if !missing.isEmpty {
                throw ImportFailure(message: "unknown dataset record id\(missing.count == 1 ? "" : "s"): \(missing.prefix(20).joined(separator: ", "))")
            }
            return drafts
        }
    }

    /// Parses an uploaded JSONL file: each line `{"messages": [...], "properties": {...}}`.
    func recordsFromFile(fileID: String, workspaceID: String) throws -> [RecordDraft] {
        guard let content = try pool.read({ db in
            try fileContent(id: fileID, workspaceID: workspaceID, db: db)
        }) else { throw ImportFailure(message: "file \(fileID) not found") }
        var drafts: [RecordDraft] = []
        var lineNumber = 0
        for line in content.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            guard let value = try? JSON.parse(Array(line)), case .object(let object) = value else {
                throw ImportFailure(message: "line \(lineNumber): not a JSON object")
            }
            guard case .array(let messages) = object["messages"] ?? .null else {
                throw ImportFailure(message: "line \(lineNumber): 'messages' must be an array of messages")
            }
            for (index, message) in messages.enumerated() {
                guard case .object(let m) = message, case .string = m["role"] ?? .null else {
                    throw ImportFailure(message: "line \(lineNumber): messages[\(index)] must be an object with a string 'role'")
                }
            }
            var properties = JSONObject()
            switch object["properties"] {
            case .none, .some(.null): break
            case .some(.object(let p)): properties = p
            case .some: throw ImportFailure(message: "line \(lineNumber): 'properties' must be an object")
            }
            drafts.append(RecordDraft(payload: JSONObject([("messages", .array(messages))]), properties: properties, source: "UPLOADED_FILE"))
        }
        if drafts.isEmpty { throw ImportFailure(message: "the file has no records") }
        return drafts
    }

    // MARK: Export

    /// Snapshots the live records as JSONL under an unguessable token valid for an hour.
    func exportDataset(id: String, workspaceID: String, token: String) throws {
        try pool.writeTransaction { db in
            try requireDataset(id: id, workspaceID: workspaceID, db: db)
            var out: [UInt8] = []
            try db.forEach("SELECT payload, properties FROM records WHERE dataset_id = ? AND deleted_ms IS NULL ORDER BY created_ms, seq", [id],
                           columns: { row in (payload: try row.index(of: "payload"), properties: try row.index(of: "properties")) }) { row, columns in
                let payload = (try? JSON.parse(row.string(columns.payload))) ?? [:]
                let line: JSON = .object(JSONObject([("messages", payload["messages"] ?? .array([])),
                                                     ("properties", (try? JSON.parse(row.string(columns.properties))) ?? [:])]))
                line.write(into: &out)
                out.append(UInt8(ascii: "\n"))
            }
            let expires = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
            try db.run("DELETE FROM exports WHERE expires_ms < ?", [Int64(Date().timeIntervalSince1970 * 1000)])
            try db.run("INSERT INTO exports (token, dataset_id, workspace_id, content, expires_ms) VALUES (?, ?, ?, ?, ?)",
                       [token, id, workspaceID, DatabaseValue.blob(out), expires])
        }
    }

    func exportContent(token: String) throws -> [UInt8]? {
        try pool.read { db in
            try db.scalarBytes("SELECT content FROM exports WHERE token = ? AND expires_ms >= ?", [token, Int64(Date().timeIntervalSince1970 * 1000)])
        }
    }
}

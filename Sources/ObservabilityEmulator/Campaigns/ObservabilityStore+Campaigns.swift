import EmulatorJSON
import EmulatorStore
import Foundation

extension ObservabilityStore {
    /// Creates a campaign over the newest matching events and returns it with the ids of
    /// the selected event rows, to be judged in the background.
    func createCampaign(workspace: Workspace, name: String, description: String, maxEvents: Int64, searchParams: JSON,
                        filter: Filter, judgeID: String, pace: TaskPace) throws -> (CampaignRecord, JudgeRecord) {
        try pool.writeTransaction { db in
            guard let judge = try fetchJudge(id: judgeID, workspaceID: workspace.id, db: db) else {
                throw StoreError.notFound(.judge, id: judgeID, field: "judge_id")
            }
            let compiled = try compileFilter(filter, workspaceID: workspace.id, db: db)
            let rowIDs = try db.query("SELECT e.rowid AS rowid FROM events AS e WHERE \(Self.visibleToWorkspace) AND \(compiled.sql) ORDER BY e.created_ms DESC, e.event_id DESC LIMIT ?",
                                      [workspace.id] + compiled.arguments + [maxEvents], columns: { try $0.index(of: "rowid") }) { $0.int64($1) }
            guard !rowIDs.isEmpty else {
                throw StoreError.noMatchingEvents
            }
            let id = ids.next()
            let now = nowMs()
            try db.run("""
                INSERT INTO campaigns (id, workspace_id, owner_id, name, description, max_nb_events, search_params, judge_id, status, message,
                    status_reads, pace, wall_ms, created_ms, updated_ms, deleted_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'RUNNING', NULL, 0, ?, ?, ?, ?, NULL)
                """, [id, workspace.id, workspace.ownerID, name, description, maxEvents, searchParams.text, judge.id, pace.description,
                      PacedStatus.wallClockMs, now, now])
            for (position, rowID) in rowIDs.enumerated() {
                try db.run("INSERT INTO campaign_events (campaign_id, event_rowid, position) VALUES (?, ?, ?)", [id, rowID, position])
            }
            let record = try db.queryExisting("SELECT \(CampaignRecord.columns) FROM campaigns WHERE id = ?", [id], CampaignRecord.init)
            return (record, judge)
        }
    }

    /// The conversations of a campaign's selected events, in selection order: each event's row id,
    /// its messages and its metadata as judge properties.
    func campaignConversations(id: String) throws -> [(rowID: Int64, messages: [JSON], properties: JSONObject)] {
        try pool.read { db in
            try db.query("""
                SELECT e.rowid AS row_id, e.body, e.metadata FROM campaign_events AS c JOIN events AS e ON e.rowid = c.event_rowid
                WHERE c.campaign_id = ? ORDER BY c.position
                """, [id]) { row in
                let parsed = try JSON.parse(try row.bytes("body"))
                let messages = (parsed["request_messages"]?.arrayValue ?? []) + (parsed["response_messages"]?.arrayValue ?? [])
                let properties = (try? JSON.parse(try row.string("metadata")))?.objectValue ?? JSONObject()
                return (try row.int64("row_id"), messages, properties)
            }
        }
    }

    /// Stores a campaign's verdicts as the workspace's annotations of the judge and completes it;
    /// a campaign deleted or reset meanwhile stores nothing.
    func completeCampaign(id: String, workspaceID: String, judgeID: String, verdicts: [(rowID: Int64, answer: JSON, analysis: String)], message: String) throws {
        try pool.writeTransaction { db in
            guard try db.queryOne("SELECT 1 FROM campaigns WHERE id = ? AND deleted_ms IS NULL", [id], { _ in true }) != nil else { return }
            for verdict in verdicts {
                let text: String? = verdict.answer.stringValue
                let number: Double? = verdict.answer.stringValue == nil ? verdict.answer.doubleValue : nil
                try db.run("""
                    INSERT INTO annotations (workspace_id, judge_id, event_rowid, campaign_id, value_text, value_num, analysis)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (workspace_id, judge_id, event_rowid) DO UPDATE SET campaign_id = excluded.campaign_id,
                        value_text = excluded.value_text, value_num = excluded.value_num, analysis = excluded.analysis
                    """, [workspaceID, judgeID, verdict.rowID, id, text, number, verdict.analysis])
            }
            try db.run("UPDATE campaigns SET status = 'COMPLETED', message = ?, updated_ms = ? WHERE id = ?", [message, nowMs(), id])
        }
    }

    func failCampaign(id: String, message: String) {
        _ = try? pool.write { db in
            try db.run("UPDATE campaigns SET status = 'FAILED', message = ?, updated_ms = ? WHERE id = ?", [message, nowMs(), id])
        }
    }

    func campaign(id: String, workspaceID: String) throws -> (CampaignRecord, JudgeRecord?)? {
        try pool.read { db in
            guard let record = try db.queryOne("SELECT \(CampaignRecord.columns) FROM campaigns WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL",
                                               [id, workspaceID], CampaignRecord.init) else { return nil }
            return (record, try fetchJudge(id: record.judgeID, workspaceID: workspaceID, db: db, includeDeleted: true))
        }
    }

    func listCampaigns(workspaceID: String, query: String?, page: PageRequest) throws -> (Int, [(CampaignRecord, JudgeRecord?)]) {
        try pool.read { db in
            var list = PageQuery(from: "FROM campaigns WHERE workspace_id = ? AND deleted_ms IS NULL", arguments: [workspaceID])
            list.matchNameOrDescription(query)
            let (count, records) = try list.run(db, columns: CampaignRecord.columns, page: page, CampaignRecord.init)
            return (count, try records.map { ($0, try fetchJudge(id: $0.judgeID, workspaceID: workspaceID, db: db, includeDeleted: true)) })
        }
    }

    func deleteCampaign(id: String, workspaceID: String) throws {
        try pool.writeTransaction { db in
            let changed = try db.run("UPDATE campaigns SET deleted_ms = ? WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL", [nowMs(), id, workspaceID])
            if changed == 0 { throw StoreError.notFound(.campaign, id: id) }
        }
    }

    /// The status a poller sees under the task pace; each call counts as one status read.
    func campaignStatus(id: String, workspaceID: String) throws -> String {
        try pool.writeTransaction { db in
            guard let record = try db.queryOne("SELECT \(CampaignRecord.columns) FROM campaigns WHERE id = ? AND workspace_id = ? AND deleted_ms IS NULL",
                                               [id, workspaceID], CampaignRecord.init) else {
                throw StoreError.notFound(.campaign, id: id)
            }
            try db.run("UPDATE campaigns SET status_reads = status_reads + 1 WHERE id = ?", [id])
            return PacedStatus(real: record.status, pace: record.pace, reads: record.statusReads + 1, startedWallMs: record.wallMs).visible()
        }
    }

    /// The campaign's selected events, in selection order, with the annotation in `extra_fields`.
    func campaignEvents(id: String, workspaceID: String, judgeID: String, page: PageRequest) throws -> (Int, [JSON]) {
        try pool.read { db in
            let count = try db.scalarInt("SELECT COUNT(*) FROM campaign_events WHERE campaign_id = ?", [id]) ?? 0
            let rows = try db.query("""
                SELECT \(EventRow.columns) FROM campaign_events AS c JOIN events AS e ON e.rowid = c.event_rowid
                WHERE c.campaign_id = ? ORDER BY c.position LIMIT ? OFFSET ?
                """, [id, page.size, page.offset], columns: EventRow.Columns.init, EventRow.init)
            let type: FieldType = try db.scalarString("SELECT output_type FROM judges WHERE id = ?", [judgeID]) == "REGRESSION" ? .FLOAT : .TEXT
            let field = FieldDefinition(name: FieldCatalog.judgePrefix + judgeID, label: "Judge", type: type, group: "judges", source: .annotation(judgeID: judgeID))
            let annotations = try annotationsByRow(rows.map(\.rowID), fields: [field], workspaceID: workspaceID, db: db)
            return (count, rows.map { $0.preview(extraFields: [field], annotations: annotations[$0.rowID] ?? [:]) })
        }
    }
}

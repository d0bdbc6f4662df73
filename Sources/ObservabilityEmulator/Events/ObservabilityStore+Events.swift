import EmulatorJSON
import EmulatorStore

extension ObservabilityStore {
    static let visibleToWorkspace = "(e.workspace_id IS NULL OR e.workspace_id = ?)"

    // MARK: Writing

    /// Inserts events in one transaction: all or nothing. `workspaceID` nil marks shared fixtures.
    /// Ingested events (a chat completion's, the control plane's) are a group-committed write:
    /// concurrent inserts share one transaction, and each returns once it is committed, so an
    /// answer sent after this call is durable as far as the database is, and a search sent after
    /// it finds the event. The rows' values are built before the writer is waited for.
    func insertEvents(_ drafts: [EventDraft], workspaceID: String?, seeded: Bool, indexText: Bool = true) throws {
        let rows = drafts.map { Self.eventRowValues($0, workspaceID: workspaceID, seeded: seeded) }
        if seeded {
            try pool.writeTransaction { db in
                for (draft, values) in zip(drafts, rows) { try insertEventRow(values, draft: draft, indexText: indexText, db: db) }
            }
            return
        }
        // The text index is filled after the commit, in batches (EventTextIndexer).
        let rowIDs = try pool.groupedWriteTransaction { db -> [Int64] in
            var rowIDs: [Int64] = []
            for (draft, values) in zip(drafts, rows) {
                try self.insertEventRow(values, draft: draft, indexText: false, db: db)
                rowIDs.append(db.lastInsertRowID)
            }
            try self.retainEvents(added: Int64(drafts.count), db: db)
            return rowIDs
        }
        if indexText {
            textIndexer.enqueue(zip(drafts, rowIDs).map { draft, rowID in
                EventTextIndexer.Entry(rowID: rowID, eventID: draft.eventID, userText: draft.userText, assistantText: draft.assistantText)
            })
        }
    }

    /// Adds events inserted with `indexText: false` to the full-text index, with their whole
    /// user and assistant text. Failures are reported by health.
    func indexEventText(_ drafts: [EventDraft], rowIDs: [Int64]) {
        do {
            try pool.writeTransaction { db in
                for (draft, rowID) in zip(drafts, rowIDs) { try insertSearchText(of: draft, rowID: rowID, db: db) }
            }
        } catch {
            searchIndexError.withLock { $0 = "\(error)" }
        }
    }

    /// Fills the full-text index for seeded events inserted with `indexText: false` (synthetic
    /// events, whose user and assistant text are their previews), in one statement, then opens
    /// the gate that similar-events waits on. Runs after the emulator is ready.
    func backfillSearchIndex(fromRowID first: Int64) {
        defer { searchIndexGate.leave() }
        do {
            _ = try pool.writeTransaction { db in
                try db.run("""
                    INSERT INTO events_fts (rowid, user_text, assistant_text)
                    SELECT rowid, COALESCE(last_user_message_preview, ''), COALESCE(response_messages_preview, '')
                    FROM events WHERE seeded = 1 AND rowid >= ?
                    """, [first])
            }
        } catch {
            searchIndexError.withLock { $0 = "\(error)" }
        }
    }

    /// Creates the secondary indexes of `events`. A duplicate event id in the seed data fails the
    /// unique index with a clear message.
    func buildEventIndexes() throws {
        try pool.write { db in
            for index in Schema.eventIndexes {
                do { try db.execute(index.sql.replacingOccurrences(of: "INDEX ", with: "INDEX IF NOT EXISTS ")) } catch let error as DatabaseError where error.isConstraint {
                    throw EmulatorStartupError("the seed data has duplicate event ids (\(error.message))")
                }
            }
            // Statistics let the planner see that `model_name = ?` matches a sixth of the events, so
            // a search walks the newest-first index and stops at the page size instead of sorting.
            try db.execute("ANALYZE events")
        }
    }

    func insertEvent(_ draft: EventDraft, workspaceID: String?, seeded: Bool, indexText: Bool = true, db: Database) throws {
        try insertEventRow(Self.eventRowValues(draft, workspaceID: workspaceID, seeded: seeded), draft: draft, indexText: indexText, db: db)
    }

    static let insertEventSQL = """
        INSERT INTO events (event_id, workspace_id, correlation_id, created_ms, model_name, first_system_message,
            last_user_message_preview, response_messages_preview, invoked_tools, enabled_tools, input_tokens,
            output_tokens, nb_messages, total_time_elapsed, api_agent_id, metadata, extra, body, seeded)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The values of `insertEventSQL` for a draft, serialised outside the writer.
    static func eventRowValues(_ draft: EventDraft, workspaceID: String?, seeded: Bool) -> [DatabaseValueConvertible] {
        [
            draft.eventID, workspaceID, draft.correlationID, draft.createdMs, draft.modelName, draft.firstSystemMessage,
            draft.lastUserMessage, draft.responsePreview, EventDraft.stringArrayText(draft.invokedTools),
            EventDraft.stringArrayText(draft.enabledToolNames), draft.inputTokens, draft.outputTokens,
            draft.nbMessages, draft.totalTimeElapsed, draft.agentID, draft.metadataText ?? JSON.object(draft.metadata).text,
            draft.extraText ?? JSON.object(draft.extra).text, DatabaseValue.blob(draft.body), seeded,
        ]
    }

    private func insertEventRow(_ values: [DatabaseValueConvertible], draft: EventDraft, indexText: Bool, db: Database) throws {
        do {
            try db.run(Self.insertEventSQL, values)
        } catch let error as DatabaseError where error.isConstraint {
            throw StoreError.eventExists(draft.eventID)
        }
        if indexText { try insertSearchText(of: draft, rowID: db.lastInsertRowID, db: db) }
    }

    /// The event's whole user and assistant text in the full-text index (similar-events).
    private func insertSearchText(of draft: EventDraft, rowID: Int64, db: Database) throws {
        try db.run("INSERT INTO events_fts (rowid, user_text, assistant_text) VALUES (?, ?, ?)",
                   [rowID, draft.userText, draft.assistantText])
    }

    // MARK: Reading

    func judgeOutputType(workspaceID: String, db: Database) -> (String) -> FieldType? {
        { judgeID in
            let type = try? db.scalarString("SELECT output_type FROM judges WHERE id = ? AND workspace_id = ?", [judgeID, workspaceID])
            switch type {
            case "CLASSIFICATION": return .TEXT
            case "REGRESSION": return .FLOAT
            default: return nil
            }
        }
    }

    /// Every stored event, seeded and ingested, of all workspaces.
    func eventCount() throws -> Int {
        try pool.read { db in try db.scalarInt("SELECT COUNT(*) FROM events") ?? 0 }
    }

    /// Throws `unknownExtraField` for the first name that is not a field of this workspace.
    func checkExtraFields(_ names: [String], workspaceID: String) throws {
        _ = try pool.read { db in try resolveExtraFields(names, workspaceID: workspaceID, db: db) }
    }

    func compileFilter(_ filter: Filter, workspaceID: String, db: Database) throws -> CompiledFilter {
        try QueryCompiler(.events(workspaceID: workspaceID, judgeOutputType: judgeOutputType(workspaceID: workspaceID, db: db))).compile(filter)
    }

    func resolveExtraFields(_ names: [String], workspaceID: String, db: Database) throws -> [FieldDefinition] {
        let lookup = judgeOutputType(workspaceID: workspaceID, db: db)
        return try names.enumerated().map { index, name in
            guard let field = FieldCatalog.resolve(name, judgeOutputType: lookup) else {
                throw StoreError.unknownExtraField(index: index, name: name)
            }
            return field
        }
    }

    /// One page of matching events, newest first, strictly after `after`.
    func searchEvents(filter: Filter, workspaceID: String, after: EventPosition?, limit: Int, extraFieldNames: [String]) throws -> (previews: [JSON], last: EventPosition?, hasMore: Bool) {
        try pool.read { db in
            let compiled = try compileFilter(filter, workspaceID: workspaceID, db: db)
            let extraFields = try resolveExtraFields(extraFieldNames, workspaceID: workspaceID, db: db)
            var sql = "SELECT \(EventRow.columns) FROM events AS e WHERE \(Self.visibleToWorkspace) AND \(compiled.sql)"
            var arguments: [DatabaseValueConvertible] = [workspaceID] + compiled.arguments
            if let after {
                sql += " AND (e.created_ms < ? OR (e.created_ms = ? AND e.event_id < ?))"
                arguments += [after.createdMs, after.createdMs, after.eventID]
            }
            sql += " ORDER BY e.created_ms DESC, e.event_id DESC LIMIT ?"
            arguments.append(limit + 1)
            var rows = try db.query(sql, arguments, columns: EventRow.Columns.init, EventRow.init)
            let hasMore = rows.count > limit
            if hasMore { rows.removeLast() }
            let annotations = try annotationsByRow(rows.map(\.rowID), fields: extraFields, workspaceID: workspaceID, db: db)
            let previews = rows.map { $0.preview(extraFields: extraFields, annotations: annotations[$0.rowID] ?? [:]) }
            return (previews, rows.last.map { EventPosition(createdMs: $0.createdMs, eventID: $0.eventID) }, hasMore)
        }
    }

    /// Annotation values for the rows, for the judge fields asked for.
    func annotationsByRow(_ rowIDs: [Int64], fields: [FieldDefinition], workspaceID: String, db: Database) throws -> [Int64: [String: JSON]] {
        let judgeIDs = fields.compactMap { field -> String? in
            if case .annotation(let id) = field.source { return id }
            return nil
        }
        guard !judgeIDs.isEmpty, !rowIDs.isEmpty else { return [:] }
        var result: [Int64: [String: JSON]] = [:]
        for judgeID in judgeIDs {
            let placeholders = Array(repeating: "?", count: rowIDs.count).joined(separator: ",")
            try db.forEach("SELECT event_rowid, value_text, value_num FROM annotations WHERE workspace_id = ? AND judge_id = ? AND event_rowid IN (\(placeholders))",
                           [workspaceID, judgeID] + rowIDs.map { $0 as DatabaseValueConvertible }) { row in
                let value: JSON = try row.isNull("value_num") ? .string(row.optionalString("value_text")) : .double(row.double("value_num"))
                result[try row.int64("event_rowid"), default: [:]][judgeID] = value
            }
        }
        return result
    }

    /// Every matching id, newest first.
    func searchEventIDs(filter: Filter, workspaceID: String) throws -> [String] {
        try pool.read { db in
            let compiled = try compileFilter(filter, workspaceID: workspaceID, db: db)
            return try db.query("SELECT e.event_id FROM events AS e WHERE \(Self.visibleToWorkspace) AND \(compiled.sql) ORDER BY e.created_ms DESC, e.event_id DESC",
                                [workspaceID] + compiled.arguments) { try $0.string("event_id") }
        }
    }

    /// The full `ChatCompletionEvent` JSON, or nil when the workspace cannot see it.
    func eventDetail(eventID: String, workspaceID: String) throws -> [UInt8]? {
        let key = workspaceID + "/" + eventID
        if let cached = detailCache.value(for: key) { return cached }
        let generation = detailCache.generation
        let detail = try readEventDetail(eventID: eventID, workspaceID: workspaceID)
        if let detail { detailCache.store(detail, for: key, readAt: generation) }
        return detail
    }

    private func readEventDetail(eventID: String, workspaceID: String) throws -> [UInt8]? {
        try pool.read { db in
            guard let (rowID, head, extraText, body) = try db.queryOne(
                "SELECT e.rowid AS rowid, e.event_id, e.correlation_id, e.created_ms, e.input_tokens, e.output_tokens, e.nb_messages, e.extra, e.body FROM events AS e WHERE e.event_id = ? AND \(Self.visibleToWorkspace)",
                [eventID, workspaceID], { row -> (Int64, [(String, JSON)], String, [UInt8]) in
                    (try row.int64("rowid"), [
                        ("event_id", .string(try row.string("event_id"))), ("correlation_id", .string(try row.string("correlation_id"))),
                        ("created_at", .string(Timestamp.format(try row.int64("created_ms")))), ("nb_input_tokens", .int(try row.int64("input_tokens"))),
                        ("nb_output_tokens", .int(try row.int64("output_tokens"))), ("nb_messages", .int(try row.int64("nb_messages"))),
                    ], try row.string("extra"), try row.bytes("body"))
                })
            else { return nil }
            var annotations: [(String, JSON)] = []
            try db.forEach("SELECT judge_id, value_text, value_num FROM annotations WHERE event_rowid = ? AND workspace_id = ? ORDER BY judge_id", [rowID, workspaceID]) { row in
                annotations.append((FieldCatalog.judgePrefix + (try row.string("judge_id")),
                                    try row.isNull("value_num") ? .string(row.optionalString("value_text")) : .double(row.double("value_num"))))
            }
            var extraBytes = Array(extraText.utf8)
            if !annotations.isEmpty, var extra = (try? JSON.parse(extraText))?.objectValue {
                for (key, value) in annotations { extra[key] = value }
                extraBytes = JSON.object(extra).serialized()
            }
            // The stored body holds the large arrays already serialised; splice the head in front.
            var out: [UInt8] = [UInt8(ascii: "{")]
            for (index, (key, value)) in head.prefix(3).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(key, into: &out); out.append(UInt8(ascii: ":")); value.write(into: &out)
            }
            out.append(contentsOf: ",\"extra_fields\":".utf8)
            out.append(contentsOf: extraBytes)
            for (key, value) in head.dropFirst(3) {
                out.append(UInt8(ascii: ","))
                JSON.writeString(key, into: &out); out.append(UInt8(ascii: ":")); value.write(into: &out)
            }
            if body.count > 2 {
                out.append(UInt8(ascii: ","))
                out.append(contentsOf: body.dropFirst())
            } else {
                out.append(UInt8(ascii: "}"))
            }
            return out
        }
    }

    /// Up to 10 other visible events most similar in text. FTS5 bm25 over the event's salient
    /// terms picks 50 candidates; they are then ordered by the Jaccard overlap of their word sets
    /// (every word, lower-cased) with the event's, then identical text first, then bm25, then id.
    /// So a verbatim copy ranks first, which bm25 alone, favouring short documents, does not
    /// guarantee.
    func similarEvents(eventID: String, workspaceID: String) throws -> [JSON]? {
        // Synthetic events are indexed in the background after start-up; wait for it, and store
        // the text of the events ingested so far.
        searchIndexGate.wait()
        textIndexer.flush()
        return try pool.read { db in
            guard let rowID = try db.scalarInt64("SELECT e.rowid FROM events AS e WHERE e.event_id = ? AND \(Self.visibleToWorkspace)", [eventID, workspaceID]) else {
                return nil
            }
            let text = try db.scalarString("SELECT user_text || ' ' || assistant_text FROM events_fts WHERE rowid = ?", [rowID]) ?? ""
            let terms = SimilarityTerms.salientTerms(text)
            if terms.isEmpty { return [] }
            let query = terms.map { "\"\($0)\"" }.joined(separator: " OR ")
            let reference = SimilarityTerms.words(text)
            let candidates = try db.query("""
                SELECT \(EventRow.columns), f.user_text || ' ' || f.assistant_text AS candidate_text, bm25(events_fts, 1.0, 1.0) AS bm25_score
                FROM events_fts AS f JOIN events AS e ON e.rowid = f.rowid
                WHERE events_fts MATCH ? AND f.rowid <> ? AND \(Self.visibleToWorkspace)
                ORDER BY bm25(events_fts, 1.0, 1.0), e.event_id LIMIT 50
                """, [query, rowID, workspaceID], columns: { row in (event: try EventRow.Columns(row), text: try row.index(of: "candidate_text"), bm25: try row.index(of: "bm25_score")) }
            ) { row, columns -> (event: EventRow, jaccard: Double, identical: Bool, bm25: Double) in
                let candidateText = row.string(columns.text)
                let other = SimilarityTerms.words(candidateText)
                let union = reference.union(other).count
                let jaccard = union == 0 ? 0 : Double(reference.intersection(other).count) / Double(union)
                return (EventRow(row, columns.event), jaccard, candidateText == text, row.double(columns.bm25))
            }
            let ranked = candidates.sorted { a, b in
                if a.jaccard != b.jaccard { return a.jaccard > b.jaccard }
                if a.identical != b.identical { return a.identical }
                if a.bm25 != b.bm25 { return a.bm25 < b.bm25 }
                return a.event.eventID < b.event.eventID
            }
            return ranked.prefix(10).map { $0.event.preview(extraFields: [], annotations: [:]) }
        }
    }
}

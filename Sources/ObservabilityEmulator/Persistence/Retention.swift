import EmulatorStore

/// How much ingested data the store keeps. Past a limit the oldest is evicted, in the
/// transaction that stored the newer data: spans go a whole trace at a time (with the trace's
/// evaluations), the trace written least recently first; events go oldest first (with their
/// judge annotations and their place in campaigns). Seeded data is neither counted nor evicted.
/// 0 is no limit.
public struct RetentionLimits: Sendable, Equatable {
    /// About 700 MB of spans as the OpenTelemetry instrumentations write them.
    public static let defaultMaxSpans = 250_000
    public static let defaultMaxEvents = 100_000
    public static let unlimited = RetentionLimits(maxSpans: 0, maxEvents: 0)

    public var maxSpans: Int
    public var maxEvents: Int

    public init(maxSpans: Int = defaultMaxSpans, maxEvents: Int = defaultMaxEvents) {
        self.maxSpans = maxSpans
        self.maxEvents = maxEvents
    }
}

/// The one row of the `retention` table: what is held and what was evicted since the database
/// was made (or last reset). Kept in the database, so a count is never out of step with the
/// rows a rolled-back transaction did not write.
struct RetentionCounts: Equatable {
    var spans: Int64 = 0
    var events: Int64 = 0
    var evictedSpans: Int64 = 0
    var evictedTraces: Int64 = 0
    var evictedEvents: Int64 = 0
}

extension ObservabilityStore {
    func retentionCounts() throws -> RetentionCounts {
        try pool.read { db in
            try db.queryOne("SELECT spans, events, evicted_spans, evicted_traces, evicted_events FROM retention") { row in
                RetentionCounts(spans: try row.int64("spans"), events: try row.int64("events"), evictedSpans: try row.int64("evicted_spans"),
                                evictedTraces: try row.int64("evicted_traces"), evictedEvents: try row.int64("evicted_events"))
            } ?? RetentionCounts()
        }
    }

    /// Counts `added` ingested spans and, past `--max-spans`, evicts traces oldest written
    /// first until the rest fits. The batch's own traces are the newest and stay, even when the
    /// batch alone is over the limit.
    func retainSpans(added: Int64, batch: SpanBatch, db: Database) throws {
        guard !batch.workspaceKey.isEmpty else { return }
        let held = try db.scalarInt64("UPDATE retention SET spans = spans + ? RETURNING spans", [added]) ?? 0
        guard retention.maxSpans > 0, held > Int64(retention.maxSpans) else { return }
        let keep = Set(batch.traces.map(\.traceID))
        var excess = held - Int64(retention.maxSpans)
        var victims: [(rowid: Int64, workspace: String, trace: String, spans: Int64)] = []
        var after: Int64 = 0
        scan: while excess > 0 {
            let page = try db.query("""
                SELECT rowid AS rowid, workspace_id, trace_id, span_count FROM traces INDEXED BY traces_ingested
                WHERE workspace_id <> '' AND rowid > ? ORDER BY rowid LIMIT 256
                """, [after]) { row in
                (rowid: try row.int64("rowid"), workspace: try row.string("workspace_id"), trace: try row.string("trace_id"), spans: try row.int64("span_count"))
            }
            if page.isEmpty { break }
            for trace in page {
                if trace.workspace == batch.workspaceKey && keep.contains(trace.trace) { break scan }
                victims.append(trace)
                after = trace.rowid
                excess -= trace.spans
                if excess <= 0 { break scan }
            }
        }
        var evicted: Int64 = 0
        for victim in victims {
            try db.run("DELETE FROM spans WHERE workspace_id = ? AND trace_id = ?", [victim.workspace, victim.trace])
            try db.run("DELETE FROM span_evaluations WHERE trace_id = ? AND workspace_id = ?", [victim.trace, victim.workspace])
            try db.run("DELETE FROM traces WHERE rowid = ?", [victim.rowid])
            evicted += victim.spans
        }
        try db.run("UPDATE retention SET spans = spans - ?1, evicted_spans = evicted_spans + ?1, evicted_traces = evicted_traces + ?2",
                   [evicted, Int64(victims.count)])
    }

    /// Counts `added` ingested events and, past `--max-events`, evicts the oldest.
    func retainEvents(added: Int64, db: Database) throws {
        let held = try db.scalarInt64("UPDATE retention SET events = events + ? RETURNING events", [added]) ?? 0
        guard retention.maxEvents > 0, held > Int64(retention.maxEvents) else { return }
        let excess = held - Int64(retention.maxEvents)
        let oldest = "SELECT rowid FROM events INDEXED BY events_ingested WHERE seeded = 0 ORDER BY rowid LIMIT ?1"
        try db.run("DELETE FROM events_fts WHERE rowid IN (\(oldest))", [excess])
        try db.run("DELETE FROM annotations WHERE event_rowid IN (\(oldest))", [excess])
        try db.run("DELETE FROM campaign_events WHERE event_rowid IN (\(oldest))", [excess])
        let evicted = Int64(try db.run("DELETE FROM events WHERE rowid IN (\(oldest))", [excess]))
        try db.run("UPDATE retention SET events = events - ?1, evicted_events = evicted_events + ?1", [evicted])
    }
}

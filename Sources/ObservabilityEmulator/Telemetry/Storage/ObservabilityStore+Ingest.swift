import EmulatorStore

/// A workspace's enabled pipeline configs as stored, in creation order, and their fingerprint
/// (ids, selectors, frozen judges): equal fingerprints, the same judging.
struct EnabledPipelineConfigs {
    var configs: [PipelineConfigRecord]
    var fingerprint: [String]
}

/// The write of an OTLP span export: the spans, their traces' roll-ups, and the evaluations of
/// the workspace's enabled pipelines, in one transaction.
extension ObservabilityStore {
    /// Stores an export's spans and, in the same transaction, the evaluations of those the
    /// workspace's enabled pipelines select. The spans are judged before the write lock
    /// (`PipelineRunner`), with the configs a reader saw; a transaction that finds the configs
    /// changed writes nothing, and the spans are judged again with the new ones.
    func ingestSpans(_ drafts: [SpanDraft], workspace: Workspace) throws {
        guard !drafts.isEmpty else { return }
        let batch = SpanBatch(drafts, workspaceKey: workspace.id)
        let compiler = QueryCompiler(.telemetry(.spans, tenant: TelemetryTenant(workspace)))
        var seen = try pool.read { db in try enabledPipelineConfigs(workspaceID: workspace.id, db: db) }
        while true {
            let runner = PipelineRunner(seen.configs)
            let verdicts = runner.judges.isEmpty ? [:] : runner.judge(drafts)
            let filters = try runner.filters.map { ($0, try compiler.compile(expression: $0)) }
            let changed = try pool.writeTransaction { db -> EnabledPipelineConfigs? in
                let current = try enabledPipelineConfigs(workspaceID: workspace.id, db: db)
                guard current.fingerprint == seen.fingerprint else { return current }
                guard !runner.judges.isEmpty else {
                    try retainSpans(added: try insertSpans(batch, db: db), batch: batch, db: db)
                    return nil
                }
                let lastRowid = try db.scalarInt64("SELECT coalesce(max(rowid), 0) FROM spans") ?? 0
                let added = try insertSpans(batch, db: db)
                let selected = try selectedSpans(filters, storedAfter: lastRowid, workspaceID: workspace.id, db: db)
                try insertEvaluations(runner.evaluations(drafts, verdicts: verdicts, selected: selected), workspaceKey: workspace.id, db: db)
                try retainSpans(added: added, batch: batch, db: db)
                return nil
            }
            guard let changed else { return }
            seen = changed
        }
    }

    /// The workspace's enabled pipeline configs.
    func enabledPipelineConfigs(workspaceID: String) throws -> EnabledPipelineConfigs {
        try pool.read { db in try enabledPipelineConfigs(workspaceID: workspaceID, db: db) }
    }

    private func enabledPipelineConfigs(workspaceID: String, db: Database) throws -> EnabledPipelineConfigs {
        var fingerprint: [String] = []
        let configs = try db.query("""
            SELECT \(PipelineConfigRecord.columns) FROM pipeline_configs INDEXED BY pipeline_configs_workspace
            WHERE workspace_id = ? AND enabled = 1 ORDER BY created_ms, id
            """, [workspaceID]) { row in
            fingerprint.append([try row.string("id"), try row.string("selectors"), try row.string("judges")].joined(separator: "\u{1F}"))
            return try PipelineConfigRecord(row)
        }
        return EnabledPipelineConfigs(configs: configs, fingerprint: fingerprint)
    }

    /// The keys (`trace/span`) of the spans stored after `rowid` (an export's) that each filter
    /// selects. Each distinct filter runs once over the export's rows: the rowid range (the
    /// primary key), never an index (the workspace's would walk every span the workspace has).
    private func selectedSpans(_ filters: [(String?, CompiledFilter)], storedAfter rowid: Int64, workspaceID: String,
                               db: Database) throws -> [String?: Set<String>] {
        var selected: [String?: Set<String>] = [:]
        for (filter, compiled) in filters {
            var keys = Set<String>()
            try db.forEach("SELECT t.trace_id, t.span_id FROM spans AS t NOT INDEXED WHERE t.rowid > ? AND t.workspace_id = ? AND \(compiled.sql)",
                           [DatabaseValue.integer(rowid), .text(workspaceID)] + compiled.arguments,
                           columns: { row in (trace: try row.index(of: "trace_id"), span: try row.index(of: "span_id")) }) { row, columns in
                keys.insert(row.string(columns.trace) + "/" + row.string(columns.span))
            }
            selected[filter] = keys
        }
        return selected
    }
}

import EmulatorHTTP
import EmulatorJSON
import EmulatorStore

/// The judged spans of `pipeline-results/search`.
extension ObservabilityStore {
    /// One page of judged spans: the rows, the position of the last, and whether more follow.
    func pipelineResults(slugs: [String], filter: CompiledFilter, window: TimeWindow, after: [DatabaseValue]?, limit: Int,
                         workspaceID: String) throws -> (rows: [JSON], last: [DatabaseValue]?, hasMore: Bool) {
        guard !slugs.isEmpty else { return ([], nil, false) }
        let names = Array(repeating: "?", count: slugs.count).joined(separator: ", ")
        var args: [DatabaseValue] = [.text(workspaceID)] + slugs.map { DatabaseValue.text($0) }
        let windowSQL = window.sql("v.time_ns", &args)
        args.append(.text(workspaceID))
        var sql = """
            SELECT t.trace_id, t.span_id, t.span_name, t.duration_ns, e.evaluated
            FROM (SELECT v.trace_id AS trace_id, v.span_id AS span_id, MAX(v.time_ns) AS evaluated FROM span_evaluations AS v
                  WHERE v.workspace_id = ? AND v.evaluation_name IN (\(names)) AND \(windowSQL) GROUP BY v.trace_id, v.span_id) AS e
            JOIN spans AS t INDEXED BY spans_key ON t.workspace_id = ? AND t.trace_id = e.trace_id AND t.span_id = e.span_id
            WHERE \(filter.sql)
            """
        args += filter.arguments
        if let after {
            sql += " AND (e.evaluated, t.trace_id, t.span_id) < (?, ?, ?)"
            args += after
        }
        sql += " ORDER BY e.evaluated DESC, t.trace_id DESC, t.span_id DESC LIMIT ?"
        args.append(.integer(Int64(limit) + 1))
        return try pool.read { db in
            var spans: [(traceID: String, spanID: String, name: String, duration: Int64, evaluated: Int64)] = []
            try db.forEach(sql, args) { row in
                spans.append((try row.string("trace_id"), try row.string("span_id"), try row.string("span_name"),
                              try row.int64("duration_ns"), try row.int64("evaluated")))
            }
            let hasMore = spans.count > limit
            if hasMore { spans.removeLast() }
            let rows = try spans.map { span -> JSON in
                var scores = JSONObject(), labels = JSONObject(), explanations = JSONObject()
                try db.forEach("""
                    SELECT evaluation_name, score_value, score_label, explanation FROM span_evaluations INDEXED BY span_evaluations_span
                    WHERE trace_id = ? AND span_id = ? AND workspace_id = ? AND evaluation_name IN (\(names)) ORDER BY time_ns, eval_key
                    """, [DatabaseValue.text(span.traceID), .text(span.spanID), .text(workspaceID)] + slugs.map { DatabaseValue.text($0) }) { row in
                    let name = try row.string("evaluation_name"), label = try row.string("score_label")
                    scores[name] = .double(try row.double("score_value"))
                    if !label.isEmpty { labels[name] = .string(label) }
                    explanations[name] = .string(try row.string("explanation"))
                }
                return .object(JSONObject([
                    ("trace_id", .string(span.traceID)), ("span_id", .string(span.spanID)), ("span_name", .string(span.name)),
                    ("duration_ns", .int(span.duration)), ("evaluated_at", .string(Timestamp.formatNanos(span.evaluated))),
                    ("judge_scores", .object(scores)), ("judge_labels", .object(labels)), ("judge_explanations", .object(explanations)),
                ]))
            }
            let last = spans.last.map { [DatabaseValue.integer($0.evaluated), .text($0.traceID), .text($0.spanID)] }
            return (rows, last, hasMore)
        }
    }
}

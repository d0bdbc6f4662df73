import EmulatorJSON
import EmulatorStore
import Foundation

/// The spans a dataset import from spans reads.
extension ObservabilityStore {
    func recordsFromSpans(_ references: [SpanImport.Reference], mappings: [SpanImport.Mapping], workspaceID: String) throws -> ImportBatch {
        try pool.read { db in
            var batch = ImportBatch(drafts: [])
            for reference in references {
                guard let (spanAttributes, resourceAttributes) = try db.queryOne("""
                    SELECT span_attributes, resource_attributes FROM spans
                    WHERE \(QuerySQL.visible()) AND trace_id = ? AND span_id = ? ORDER BY workspace_id DESC LIMIT 1
                    """, [workspaceID, reference.traceID, reference.spanID], { row in
                        let span = try row.string("span_attributes"), resource = try row.string("resource_attributes")
                        return ((try? JSON.parse(span))?.objectValue ?? JSONObject(), (try? JSON.parse(resource))?.objectValue ?? JSONObject())
                    }) else {
                    batch.skipped += 1
                    continue
                }
                let payload = SpanImport.payload(spanAttributes: spanAttributes, resourceAttributes: resourceAttributes, mappings: mappings)
                batch.drafts.append(RecordDraft(payload: payload,
                                                properties: JSONObject([("trace_id", .string(reference.traceID)), ("span_id", .string(reference.spanID))]),
                                                source: "TELEMETRY_SPAN"))
            }
            return batch
        }
    }
}

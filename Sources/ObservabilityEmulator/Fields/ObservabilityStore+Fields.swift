import EmulatorJSON
import EmulatorStore

extension ObservabilityStore {
    /// Every field a workspace can filter on: the fixed ones, each metadata key present on its
    /// visible events, and one `__judge_<id>` per judge its campaigns annotated events with.
    func fieldDefinitions(workspaceID: String) throws -> [FieldDefinition] {
        try pool.read { db in
            var fields = FieldCatalog.fixed
            let keys = try db.query("""
                SELECT DISTINCT m.key AS metadata_key FROM events AS e, json_each(e.metadata) AS m
                WHERE \(Self.visibleToWorkspace) ORDER BY m.key
                """, [workspaceID], columns: { try $0.index(of: "metadata_key") }) { $0.string($1) }
            for key in keys {
                fields.append(FieldDefinition(name: FieldCatalog.metadataPrefix + key, label: "Metadata: \(key)", type: .TEXT, group: "metadata", source: .mapEntry(column: "metadata", key: key)))
            }
            let judges = try db.query("""
                SELECT DISTINCT a.judge_id, j.name, j.output_type FROM annotations AS a JOIN judges AS j ON j.id = a.judge_id
                WHERE a.workspace_id = ? ORDER BY a.judge_id
                """, [workspaceID]) { (try $0.string("judge_id"), try $0.string("name"), try $0.string("output_type")) }
            for (id, name, type) in judges {
                fields.append(FieldDefinition(name: FieldCatalog.judgePrefix + id, label: "Judge: \(name)", type: type == "REGRESSION" ? .FLOAT : .TEXT, group: "judges", source: .annotation(judgeID: id)))
            }
            return fields
        }
    }

    func resolveField(_ name: String, workspaceID: String) throws -> FieldDefinition? {
        try pool.read { db in FieldCatalog.resolve(name, judgeOutputType: judgeOutputType(workspaceID: workspaceID, db: db)) }
    }

    /// The distinct values of an ENUM or BOOL field over visible events, sorted.
    func fieldOptions(_ field: FieldDefinition, workspaceID: String) throws -> [JSON] {
        guard case .column(let column) = field.source else { return [] }
        return try pool.read { db in
            try db.query("SELECT DISTINCT e.\(column) AS value FROM events AS e WHERE \(Self.visibleToWorkspace) AND e.\(column) IS NOT NULL ORDER BY e.\(column)", [workspaceID]) { row in
                field.type == .BOOL ? JSON.bool(try row.int("value") != 0) : JSON.string(try row.string("value"))
            }
        }
    }

    /// How many matching events take each value of an ENUM or BOOL field, most frequent first.
    func fieldOptionCounts(_ field: FieldDefinition, filter: Filter, workspaceID: String) throws -> [(String, Int)] {
        guard case .column(let column) = field.source else { return [] }
        return try pool.read { db in
            let compiled = try compileFilter(filter, workspaceID: workspaceID, db: db)
            return try db.query("""
                SELECT e.\(column) AS value, COUNT(*) AS n FROM events AS e
                WHERE \(Self.visibleToWorkspace) AND \(compiled.sql) AND e.\(column) IS NOT NULL
                GROUP BY e.\(column) ORDER BY n DESC, e.\(column) ASC
                """, [workspaceID] + compiled.arguments) { row in
                (field.type == .BOOL ? (try row.int("value") != 0 ? "true" : "false") : try row.string("value"), try row.int("n"))
            }
        }
    }
}

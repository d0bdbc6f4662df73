import EmulatorStore

/// What the query compiler knows about the rows it reads, so that one compiler serves every
/// resource (chat-completion events, traces, spans, logs, span evaluations): which names are
/// fields and how each is read, the alias of the table in the query, and where a client can
/// list the fields when it names one that does not exist.
struct FieldCatalogue {
    /// The alias of the queried table (`e` for events, `t` for telemetry rows).
    let alias: String
    /// Where the fields are listed, as the unknown-field error says it.
    let listing: String
    /// The workspace whose annotations `.annotation` fields read.
    let workspaceID: String
    /// The caller's tenant ids, for `.tenant` fields.
    let tenant: TelemetryTenant?
    /// The field a name stands for, or nil when it names none.
    let resolve: (String) -> FieldDefinition?

    /// What a field (and, for a map, the entry named) reads in SQL.
    func operand(_ field: FieldDefinition, key: String? = nil) -> Operand {
        operand(field.source, type: field.type, key: key, alias: alias)
    }

    /// The operand of a source under a given alias (`s2` for a trace's spans).
    func operand(_ source: FieldSource, type: FieldType, key: String?, alias: String) -> Operand {
        switch source {
        case .column(let column):
            let sql = "\(alias).\(column)"
            switch type {
            case .TEXT, .ENUM: return .text(sql)
            case .INT, .BOOL: return .integer(sql)
            case .FLOAT: return .real(sql, nullable: false)
            case .TIMESTAMP: return .instant(sql)
            case .ARRAY: return .array(sql)
            case .MAP: return key.map { .entry(map: sql, key: $0) } ?? .map(sql)
            }
        case .optionalColumn(let column):
            return .real("\(alias).\(column)", nullable: true)
        case .mapEntry(let column, let key):
            return .entry(map: "\(alias).\(column)", key: key)
        case .annotation(let judgeID):
            return .annotation(row: alias, workspaceID: workspaceID, judgeID: judgeID, numeric: type == .FLOAT)
        case .tenant(let column):
            return .bound(tenant?.value(column) ?? "")
        case .anySpan:
            return .text("''")
        }
    }
}

/// What a condition or an aggregate reads, as SQL over the catalogue's table.
enum Operand {
    case text(String)
    case integer(String)
    case real(String, nullable: Bool)
    case instant(String)
    case array(String)
    /// One entry of a JSON object column; NULL when the key is absent.
    case entry(map: String, key: String)
    /// A whole JSON object column.
    case map(String)
    /// A value of the caller's (tenant columns), bound where it is read.
    case bound(String)
    /// The workspace's annotation of the row by a judge (`value_num` for numeric judges).
    case annotation(row: String, workspaceID: String, judgeID: String, numeric: Bool)

    /// The value as SQL, NULL where absent; bound values go to `args` in reading order.
    func valueSQL(_ args: inout [DatabaseValue]) -> String {
        switch self {
        case .text(let sql), .integer(let sql), .real(let sql, _), .instant(let sql), .array(let sql), .map(let sql):
            return sql
        case .entry(let map, let key):
            return QuerySQL.entry(map, key, &args)
        case .bound(let value):
            args.append(.text(value))
            return "?"
        case .annotation(let row, let workspaceID, let judgeID, let numeric):
            args.append(.text(workspaceID))
            args.append(.text(judgeID))
            return "(SELECT a.\(numeric ? "value_num" : "value_text") FROM annotations AS a WHERE a.event_rowid = \(row).rowid AND a.workspace_id = ? AND a.judge_id = ?)"
        }
    }
}

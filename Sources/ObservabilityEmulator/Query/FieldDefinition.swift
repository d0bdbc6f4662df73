/// The types a queryable field can have, as the field listings name them
/// (`BaseFieldDefinition.type` for events, `OtelFieldDefinition.type` for telemetry), with the
/// operators each query language and the aggregates allow on them.
enum FieldType: String, Sendable {
    case ENUM, TEXT, INT, FLOAT, BOOL, TIMESTAMP, ARRAY, MAP

    /// The explorer filter's operators (events have no MAP fields: a map entry is its own field).
    var filterOperators: [FilterOperator] {
        switch self {
        case .TEXT: return [.eq, .neq, .contains, .icontains, .notcontains, .inotcontains, .startswith, .istartswith, .endswith, .iendswith, .matches, .isnull]
        case .ENUM: return [.eq, .neq, .startswith, .istartswith, .contains, .icontains, .includes, .excludes, .isnull]
        case .INT, .FLOAT, .TIMESTAMP: return [.eq, .neq, .lt, .lte, .gt, .gte, .isnull]
        case .ARRAY: return [.includes, .excludes, .len_eq, .isnull]
        case .BOOL: return [.eq, .neq, .isnull]
        case .MAP: return []
        }
    }

    static let textSearchOperators = ["eq", "neq", "in", "not_in", "like", "ilike", "not_like", "not_ilike", "contains",
                                      "not_contains", "regexp", "not_regexp", "exists", "not_exists"]

    /// The search expression's operators, by the names the telemetry field listings publish.
    var searchOperators: [String] {
        switch self {
        case .ENUM: return Self.textSearchOperators
        case .TEXT: return Self.textSearchOperators + ["hasToken"]
        case .INT, .FLOAT: return ["eq", "neq", "lt", "lte", "gt", "gte", "between", "not_between", "in", "not_in", "exists", "not_exists"]
        case .TIMESTAMP: return ["eq", "neq", "lt", "lte", "gt", "gte", "between", "not_between", "exists"]
        case .ARRAY: return ["has", "hasAny", "hasAll", "contains", "not_contains", "exists", "not_exists"]
        case .MAP: return Self.textSearchOperators + ["hasToken", "lt", "lte", "gt", "gte", "between"]
        case .BOOL: return ["eq", "neq", "exists"]
        }
    }

    static let allAggregations = ["count", "count_distinct", "sum", "avg", "min", "max", "p50", "p90", "p95", "p99"]

    /// What an aggregate may compute over a field of this type.
    var aggregations: [String] {
        switch self {
        case .ENUM, .TEXT, .MAP: return ["count", "count_distinct"]
        case .INT, .FLOAT: return Self.allAggregations
        case .TIMESTAMP: return ["count", "min", "max"]
        case .ARRAY, .BOOL: return ["count"]
        }
    }
}

/// Where a field's value lives in its table. Column names come from a catalogue, never from a
/// request; keys and tenant values are bound where they are read (`Operand`).
enum FieldSource: Equatable, Sendable {
    /// A fixed column, read as its type says (text, integer, real, instant, JSON array or object).
    case column(String)
    /// A real column that is null when the value is absent (a span's optional GenAI figures).
    case optionalColumn(String)
    /// One entry of a JSON object column (`metadata.<key>` of events).
    case mapEntry(column: String, key: String)
    /// A campaign annotation of the catalogue's workspace for the judge.
    case annotation(judgeID: String)
    /// The caller's tenant id (telemetry rows' `workspace_id`, …), not stored.
    case tenant(TenantColumn)
    /// Traces only: a column of the trace's spans, matched when any span matches.
    case anySpan(TelemetryField.SpanColumn)
}

/// One field of a query catalogue: its name, type and where it is read; `label` and `group`
/// are what the field listings show.
struct FieldDefinition: Sendable {
    let name: String
    let label: String
    let type: FieldType
    let group: String
    let source: FieldSource
}

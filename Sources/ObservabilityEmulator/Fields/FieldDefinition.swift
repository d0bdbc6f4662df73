/// The types a filterable field can have, as `BaseFieldDefinition.type` names them.
enum FieldType: String, Sendable {
    case ENUM, TEXT, INT, FLOAT, BOOL, TIMESTAMP, ARRAY

    /// The filter operators each field type supports.
    var operators: [FilterOperator] {
        switch self {
        case .TEXT: return [.eq, .neq, .contains, .icontains, .notcontains, .inotcontains, .startswith, .istartswith, .endswith, .iendswith, .matches, .isnull]
        case .ENUM: return [.eq, .neq, .startswith, .istartswith, .contains, .icontains, .includes, .excludes, .isnull]
        case .INT, .FLOAT, .TIMESTAMP: return [.eq, .neq, .lt, .lte, .gt, .gte, .isnull]
        case .ARRAY: return [.includes, .excludes, .len_eq, .isnull]
        case .BOOL: return [.eq, .neq, .isnull]
        }
    }
}

/// Where a field's value lives in its table.
enum FieldSource: Equatable, Sendable {
    /// A fixed column; the name comes from a catalogue, never from a request.
    case column(String)
    /// An entry of a JSON object column (`metadata.<key>`; span attributes later).
    case mapEntry(column: String, key: String)
    /// A campaign annotation of this workspace for the judge.
    case annotation(judgeID: String)
}

struct FieldDefinition: Sendable {
    let name: String
    let label: String
    let type: FieldType
    let group: String
    let source: FieldSource
}

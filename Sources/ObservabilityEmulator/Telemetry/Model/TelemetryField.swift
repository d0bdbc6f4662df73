/// The tenant columns every telemetry row carries; their values come from the caller.
enum TenantColumn: String, Sendable, CaseIterable {
    case customer_id, organization_id, workspace_id, user_id, service_account_id
}

/// One field of a telemetry row model: its name, type and group, where its value is stored, and
/// the OpenTelemetry attribute it is projected from.
struct TelemetryField: Sendable {
    enum Storage: Sendable {
        /// A text column (`''` when absent).
        case text(String)
        /// An integer column (0 when absent).
        case integer(String)
        /// A real column; `nullable` ones are null when the attribute is absent.
        case real(String, nullable: Bool)
        /// Nanoseconds since the epoch, written as an RFC 3339 string.
        case instant(String)
        /// A JSON array of strings.
        case array(String)
        /// A JSON object of strings (attribute maps).
        case map(String)
        /// The caller's tenant ids, not stored.
        case tenant(TenantColumn)
        /// Traces only: a column of the trace's spans, matched when any span matches
        /// (`span_attributes[...]`, `error_message`); not part of the row.
        case anySpan(TelemetryField.SpanColumn)
    }

    /// What a trace-level field reads from the trace's spans.
    enum SpanColumn: Sendable, Equatable {
        case map(String)
        case errorMessage
    }

    let name: String
    let type: FieldType
    let group: String
    let storage: Storage
    let sourceAttributeKey: String?

    init(_ name: String, _ type: FieldType, _ group: String, _ storage: Storage, source: String? = nil) {
        self.name = name
        self.type = type
        self.group = group
        self.storage = storage
        self.sourceAttributeKey = source
    }

    /// `Request Model` for `request_model`; `GenAI` and `ID` kept in their usual case.
    var label: String {
        name.split(separator: "_").map { word -> String in
            switch word {
            case "id": return "ID"
            case "ns": return "(ns)"
            case "ai": return "AI"
            default: return word.prefix(1).uppercased() + word.dropFirst()
            }
        }.joined(separator: " ")
    }

    /// The stored column, for fields that are one.
    var column: String? {
        switch storage {
        case .text(let c), .integer(let c), .real(let c, _), .instant(let c), .array(let c), .map(let c): return c
        case .tenant, .anySpan: return nil
        }
    }

    /// Part of the returned row (not a search-only field).
    var isRowColumn: Bool {
        if case .anySpan = storage { return false }
        return true
    }
}

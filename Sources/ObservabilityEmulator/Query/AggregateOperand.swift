import EmulatorJSON
import EmulatorStore

/// A field or map entry named in an aggregate (`duration_ns`, `span_attributes['k']`), read as
/// the query compiler reads it.
struct AggregateOperand {
    let written: String
    let type: FieldType
    let isEntry: Bool
    let operand: Operand

    init(_ written: String, _ catalogue: FieldCatalogue, role: String) throws {
        self.written = written
        var name = written
        var key: String?
        if let open = written.firstIndex(of: "["), written.hasSuffix("']") {
            name = String(written[..<open])
            let inside = written[written.index(after: open)..<written.index(before: written.endIndex)]
            guard inside.hasPrefix("'"), inside.count >= 2 else { throw QueryError.refused("\(role): write a map entry as field['key']") }
            key = String(inside.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        guard let field = catalogue.resolve(name) else {
            throw QueryError.refused("\(role): unknown field '\(name.prefix(100))'; \(catalogue.listing)")
        }
        if case .anySpan = field.source {
            throw QueryError.refused("\(role): \(name) is matched over a trace's spans and cannot be aggregated on traces; aggregate spans instead")
        }
        if key != nil, field.type != .MAP { throw QueryError.refused("\(role): \(name) is not a map; only maps take a ['key']") }
        type = field.type
        isEntry = key != nil
        operand = catalogue.operand(field, key: key)
    }

    /// The SQL value (NULL for an absent map entry); bound values go to `args`.
    func sql(_ args: inout [DatabaseValue]) -> String { operand.valueSQL(&args) }

    /// A value read from a result row, as JSON.
    func json(_ value: DatabaseValue) -> JSON {
        switch value {
        case .null, .blob: return .null
        case .integer(let n): return type == .TIMESTAMP ? .string(Timestamp.formatNanos(n)) : .int(n)
        case .real(let d): return .double(d)
        case .text(let s): return .string(s)
        }
    }
}

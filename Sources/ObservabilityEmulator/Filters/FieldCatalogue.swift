import EmulatorStore

/// What the filter compiler needs to know about the rows it filters, so that one compiler serves
/// every resource (chat-completion events today; spans, traces and logs next): which names are
/// fields and of what type, how a field's value is read in SQL, and where a client can list the
/// fields when it names one that does not exist.
protocol FieldCatalogue {
    /// The field a name stands for, or nil when it names none.
    func resolve(_ name: String) -> FieldDefinition?

    /// The SQL expression for a field's value. Column names come from the catalogue, never from
    /// a request; any value the expression needs (a map key, a workspace id) is appended to
    /// `arguments` and bound.
    func expression(for field: FieldDefinition, _ arguments: inout [DatabaseValue]) -> String

    /// Where the fields are listed, for the unknown-field error (`GET …/chat-completion-fields`).
    var fieldListing: String { get }
}

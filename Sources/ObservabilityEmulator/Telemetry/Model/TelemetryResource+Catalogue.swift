extension FieldCatalogue {
    /// One telemetry resource's fields over its table (aliased `t`), for a caller: tenant fields
    /// read the caller's ids, trace fields over spans match when any span matches.
    static func telemetry(_ resource: TelemetryResource, tenant: TelemetryTenant, alias: String = "t") -> FieldCatalogue {
        FieldCatalogue(alias: alias, listing: "the fields are listed by \(resource.fieldsPath)", workspaceID: tenant.workspaceID,
                       tenant: tenant, resolve: { resource.field($0)?.definition })
    }
}

extension TelemetryField {
    /// The field as the query layer reads it.
    var definition: FieldDefinition {
        let source: FieldSource
        switch storage {
        case .text(let c), .integer(let c), .instant(let c), .array(let c), .map(let c): source = .column(c)
        case .real(let c, let nullable): source = nullable ? .optionalColumn(c) : .column(c)
        case .tenant(let column): source = .tenant(column)
        case .anySpan(let column): source = .anySpan(column)
        }
        return FieldDefinition(name: name, label: label, type: type, group: group, source: source)
    }
}

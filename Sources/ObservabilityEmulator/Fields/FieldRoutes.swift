import EmulatorJSON

/// `/v1/observability/chat-completion-fields`.
enum FieldRoutes {
    static func list(_ call: Call) throws -> HTTPResponseBox {
        let fields = try call.store.fieldDefinitions(workspaceID: call.workspace.id)
        let definitions: [JSON] = fields.map { field in
            .object(JSONObject([
                ("name", .string(field.name)), ("label", .string(field.label)), ("type", .string(field.type.rawValue)),
                ("group", .string(field.group)), ("supported_operators", .array(field.type.filterOperators.map { .string($0.rawValue) })),
            ]))
        }
        let groups: [JSON] = FieldCatalog.groups.map { ["name": .string($0.name), "label": .string($0.label)] }
        return .json(["field_definitions": .array(definitions), "field_groups": .array(groups)])
    }

    /// The field, which must exist (404 FIELDS_NOT_FOUND) and be ENUM or BOOL (400 FIELDS_BAD_REQUEST).
    static func optionField(_ call: Call) throws -> FieldDefinition {
        let name = call.parameters["field_name"] ?? ""
        guard let field = try call.store.resolveField(name, workspaceID: call.workspace.id) else {
            throw APIError.notFound("FIELDS_NOT_FOUND", "field_name: unknown field '\(name.prefix(100))'")
        }
        guard field.type == .ENUM || field.type == .BOOL else {
            throw APIError(400, "FIELDS_BAD_REQUEST", "field_name: field \(field.name) is \(field.type.rawValue); options exist only for ENUM and BOOL fields")
        }
        return field
    }

    static func options(_ call: Call) throws -> HTTPResponseBox {
        guard let operatorName = call.query("operator") else { throw APIError.validation("operator: query parameter required") }
        guard let op = FilterOperator(rawValue: operatorName) else {
            throw APIError.validation("operator: '\(operatorName.prefix(40))' is not one of \(FilterOperator.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let field = try optionField(call)
        guard field.type.filterOperators.contains(op) else {
            throw APIError(400, "FIELDS_BAD_REQUEST", "operator: '\(op.rawValue)' is not supported by field \(field.name) (\(field.type.rawValue))")
        }
        return .json(["options": .array(try call.store.fieldOptions(field, workspaceID: call.workspace.id))])
    }

    static func optionCounts(_ call: Call) throws -> HTTPResponseBox {
        let body = try call.body()
        var filter = Filter.all
        if let params = try body.object("filter_params", required: false, nullable: true) {
            guard params.has("filters") else { throw APIError.validation("filter_params.filters: field required (use null for no filter)") }
            filter = try Filter.parse(params.value("filters"), path: "filter_params.filters")
        }
        let field = try optionField(call)
        let counts = try call.store.fieldOptionCounts(field, filter: filter, workspaceID: call.workspace.id)
        return .json(["counts": .array(counts.map { ["value": .string($0.0), "count": .int(Int64($0.1))] })])
    }
}

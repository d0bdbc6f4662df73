import EmulatorJSON

/// `/v1/observability/chat-completion-events`: search, ids, detail, similar events.
enum EventRoutes {
    /// Reads `search_params` (a `FilterPayload`, required) and `extra_fields`.
    static func readSearchBody(_ call: Call) throws -> (Filter, [String]) {
        let body = try call.body()
        guard let params = try body.object("search_params") else { throw APIError.validation("search_params: field required") }
        guard params.has("filters") else { throw APIError.validation("search_params.filters: field required (use null for no filter)") }
        let filter = try Filter.parse(params.value("filters"), path: "search_params.filters")
        let extra = try body.stringArray("extra_fields", required: false, nullable: true) ?? []
        return (filter, extra)
    }

    static func search(_ call: Call) throws -> HTTPResponseBox {
        let pageSize = try call.queryInt("page_size", default: 50, min: 0, max: 100)
        let (filter, extra) = try readSearchBody(call)
        var after: EventPosition?
        if let cursor = call.query("cursor"), !cursor.isEmpty {
            after = try CursorToken.decode(cursor)
        }
        let page = try call.store.searchEvents(filter: filter, workspaceID: call.workspace.id, after: after, limit: pageSize, extraFieldNames: extra)
        var cursor: JSON = .null
        var next: JSON = .null
        if page.hasMore, let last = page.last, pageSize > 0 {
            let token = CursorToken.encode(last)
            cursor = .string(token)
            next = .string("/v1/observability/chat-completion-events/search?page_size=\(pageSize)&cursor=\(token)")
        }
        return .json(["completion_events": .object(JSONObject([("results", .array(page.previews)), ("next", next), ("cursor", cursor)]))])
    }

    static func searchIDs(_ call: Call) throws -> HTTPResponseBox {
        let (filter, extra) = try readSearchBody(call)
        // extra_fields is accepted by the schema but ids carry no fields; unknown names still fail.
        if !extra.isEmpty { _ = try call.store.pool.read { db in try call.store.resolveExtraFields(extra, workspaceID: call.workspace.id, db: db) } }
        let ids = try call.store.searchEventIDs(filter: filter, workspaceID: call.workspace.id)
        var out: [UInt8] = Array("{\"completion_event_ids\":[".utf8)
        out.reserveCapacity(ids.count * 39 + 32)
        for (index, id) in ids.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: id.utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: "]}".utf8)
        return .bytes(out)
    }

    static func fetch(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("event_id")
        guard let bytes = try call.store.eventDetail(eventID: id, workspaceID: call.workspace.id) else {
            throw APIError.notFound("SEARCH_NOT_FOUND", "event \(id) not found")
        }
        return .bytes(bytes)
    }

    static func similar(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("event_id")
        guard let previews = try call.store.similarEvents(eventID: id, workspaceID: call.workspace.id) else {
            throw APIError.notFound("SEARCH_NOT_FOUND", "event \(id) not found")
        }
        return .json(["completion_events": .object(JSONObject([("results", .array(previews)), ("next", .null), ("cursor", .null)]))])
    }
}

/// Opaque, tamper-evident keyset cursors: base64url of the position plus an HMAC.
enum CursorToken {
    static let key = Array("observability-emulator cursor v1".utf8)

    static func encode(_ position: EventPosition) -> String {
        let payload = "v1|\(position.createdMs)|\(position.eventID)"
        let mac = SHA1.hmac(key: key, message: Array(payload.utf8)).prefix(10)
        return base64url(Array(payload.utf8)) + "." + base64url(Array(mac))
    }

    static func decode(_ token: String) throws -> EventPosition {
        let invalid = APIError.searchBadRequest("cursor: invalid or tampered cursor; pass the 'cursor' value of a previous page unchanged")
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = unbase64url(String(parts[0])), let mac = unbase64url(String(parts[1])) else { throw invalid }
        guard Array(SHA1.hmac(key: key, message: payload).prefix(10)) == mac else { throw invalid }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|")
        guard fields.count == 3, fields[0] == "v1", let ms = Int64(fields[1]) else { throw invalid }
        return EventPosition(createdMs: ms, eventID: String(fields[2]))
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func base64url(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index], b1 = index + 1 < bytes.count ? bytes[index + 1] : 0, b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            if index + 1 < bytes.count { out.append(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)]) }
            if index + 2 < bytes.count { out.append(alphabet[Int(b2 & 0x3F)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unbase64url(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            guard let index = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt8(index))
        }
        if values.count % 4 == 1 { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = Array(values[index..<min(index + 4, values.count)])
            out.append(chunk[0] << 2 | (chunk.count > 1 ? chunk[1] >> 4 : 0))
            if chunk.count > 2 { out.append((chunk[1] & 0x0F) << 4 | chunk[2] >> 2) }
            if chunk.count > 3 { out.append((chunk[2] & 0x03) << 6 | chunk[3]) }
            index += 4
        }
        return out
    }
}

/// `/v1/observability/chat-completion-fields`.
enum FieldRoutes {
    static func list(_ call: Call) throws -> HTTPResponseBox {
        let fields = try call.store.fieldDefinitions(workspaceID: call.workspace.id)
        let definitions: [JSON] = fields.map { field in
            .object(JSONObject([
                ("name", .string(field.name)), ("label", .string(field.label)), ("type", .string(field.type.rawValue)),
                ("group", .string(field.group)), ("supported_operators", .array(field.type.operators.map { .string($0.rawValue) })),
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
        guard field.type.operators.contains(op) else {
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

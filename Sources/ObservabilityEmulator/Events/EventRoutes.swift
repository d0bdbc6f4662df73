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
        if !extra.isEmpty { try call.store.checkExtraFields(extra, workspaceID: call.workspace.id) }
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
        let bytes = try call.store.eventDetail(eventID: id, workspaceID: call.workspace.id).orNotFound(.event, id: id)
        return .bytes(bytes)
    }

    static func similar(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("event_id")
        let previews = try call.store.similarEvents(eventID: id, workspaceID: call.workspace.id).orNotFound(.event, id: id)
        return .json(["completion_events": .object(JSONObject([("results", .array(previews)), ("next", .null), ("cursor", .null)]))])
    }
}

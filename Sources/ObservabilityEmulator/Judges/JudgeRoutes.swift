import EmulatorJSON

/// `/v1/observability/judges` (versioned CRUD) and the live-judging entry points.
enum JudgeRoutes {
    static func create(_ call: Call) throws -> HTTPResponseBox {
        let definition = try JudgeDefinition.parse(try call.body())
        let record = try call.store.createJudge(definition, workspace: call.workspace)
        return .json(record.json, status: 201)
    }

    static func list(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let types = call.queryAll("type_filter")
        for type in types where type != "CLASSIFICATION" && type != "REGRESSION" {
            throw APIError.validation("type_filter: '\(type.prefix(40))' is not one of REGRESSION, CLASSIFICATION")
        }
        let (count, records) = try call.store.listJudges(workspaceID: call.workspace.id, query: call.query("q"), types: types,
                                                         models: call.queryAll("model_filter"), page: page)
        return .json(["judges": call.paginated(count: count, results: records.map(\.json), page: page)])
    }

    static func fetch(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("judge_id")
        let record = try call.store.judge(id: id, workspaceID: call.workspace.id).orNotFound(.judge, id: id)
        return .json(record.json)
    }

    static func update(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("judge_id")
        let definition = try JudgeDefinition.parse(try call.body())
        try call.store.updateJudge(id: id, definition: definition, workspace: call.workspace)
        return .noContent
    }

    static func delete(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("judge_id")
        try call.store.deleteJudge(id: id, workspaceID: call.workspace.id)
        return .noContent
    }

    static func output(_ result: (analysis: String, answer: JSON)) -> HTTPResponseBox {
        .json(.object(JSONObject([("analysis", .string(result.analysis)), ("answer", result.answer)])))
    }

    /// A saved judge on `messages` and optional `properties`.
    static func judgeConversation(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("judge_id")
        let body = try call.body()
        let messages = try body.array("messages") ?? []
        let properties = try body.object("properties", required: false, nullable: true)?.object ?? JSONObject()
        let record = try call.store.judge(id: id, workspaceID: call.workspace.id).orNotFound(.judge, id: id)
        let conversation = try JudgedConversation.make(messages: messages, properties: properties)
        return output(RuleEngine(definition: record.definition).judge(conversation))
    }

    /// An inline judge definition on a stored event: its request and response messages.
    static func judgeEvent(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("event_id")
        let definition = try JudgeDefinition.inline(in: try call.body())
        let conversation = try call.store.eventConversation(eventID: id, workspaceID: call.workspace.id).orNotFound(.event, id: id)
        return output(RuleEngine(definition: definition).judge(conversation))
    }
}

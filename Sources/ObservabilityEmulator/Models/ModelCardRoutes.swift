import EmulatorHTTP
import EmulatorJSON

/// `/__emulator/models`: a workspace's own model cards (the Bearer token names the workspace),
/// answered by `/v1/models` and accepted by the inference routes like the fixture catalogue's,
/// and looked up before it (a card may stand in for a fixture model of the same name). Add one
/// card, an array of them or `{"models": [...]}` (checked first: all or none are added); list
/// them with the fixture cards; delete one (by any of its names); delete all. A reset removes
/// them with the rest of the workspace.
enum ModelCardRoutes {
    private static let noWorkspace = "models belong to a workspace: send 'Authorization: Bearer <token>'"

    static func add(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        let value = try call.requiredJSON("a model card, an array of them or {\"models\": [...]}")
        let cards: [ModelCard]
        switch value {
        case .array(let items): cards = try ModelCatalogue.parseList(items, path: { "body[\($0)]" })
        case .object(let object) where object["models"] != nil && object["id"] == nil:
            let items = try BodyReader(object: object).array("models") ?? []
            cards = try ModelCatalogue.parseList(items, path: { "models[\($0)]" })
        default: cards = [try ModelCard.parse(value, path: "")]
        }
        if cards.isEmpty { throw APIError.validation("body: no model cards to add") }
        if cards.count > 1000 { throw APIError(413, nil, "at most 1000 model cards per request (got \(cards.count))") }
        let own = ModelCatalogue(cards: try call.store.models(workspaceID: call.workspace.id))
        for card in cards {
            if let name = card.names.first(where: { own.card($0) != nil }) {
                throw APIError(409, nil, "this workspace has a model named '\(name.prefix(200))' already (remove it with DELETE /__emulator/models/\(own.card(name)?.id ?? name))")
            }
        }
        try call.store.insertModels(cards, workspaceID: call.workspace.id)
        return .json(["ids": .array(cards.map { .string($0.id) })], status: 201)
    }

    static func list(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        return .json(.object(JSONObject([
            ("models", .array(try call.store.models(workspaceID: call.workspace.id).map(\.source))),
            ("fixture_models", .array(call.app.fixtureModels.cards.map(\.source))),
        ])))
    }

    static func clear(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        try call.store.clearModels(workspaceID: call.workspace.id)
        return .noContent
    }

    static func delete(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        let name = call.parameters["model_id"] ?? ""
        let own = ModelCatalogue(cards: try call.store.models(workspaceID: call.workspace.id))
        guard let card = own.card(name), try call.store.deleteModel(id: card.id, workspaceID: call.workspace.id) else {
            throw APIError.notFound(nil, "no model named '\(name.prefix(200))' was added to this workspace (fixture models cannot be removed)")
        }
        return .noContent
    }
}

extension Call {
    /// The catalogue this request sees: the workspace's own cards, then the fixture ones.
    func models() throws -> ModelCatalogue {
        // A responder that no longer parses fails chat completions, not the model routes.
        app.fixtureModels.with(own: try (try? store.workspaceRules(workspaceID: workspace.id))?.models ?? store.models(workspaceID: workspace.id))
    }
}

import EmulatorHTTP
import EmulatorJSON
import Foundation

/// `/__emulator/responders`: a workspace's own responders (the Bearer token names the
/// workspace). Add one rule, an array of them or `{"responders": [...]}` (checked first: all or
/// none are added); list them (with the fixture rules, tried after them); delete one; delete all.
enum ResponderRoutes {
    /// Every chat request of a workspace tries its responders in turn: the list stays bounded.
    static let maximumPerWorkspace = 10_000
    private static let noWorkspace = "responders belong to a workspace: send 'Authorization: Bearer <token>'"

    static func add(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        let value = try call.requiredJSON("a responder, an array of responders or {\"responders\": [...]}")
        let rules = try Responder.parseList(value)
        if rules.isEmpty { throw APIError.validation("body: no responders to add") }
        if rules.count > 1000 { throw APIError(413, nil, "at most 1000 responders per request (got \(rules.count))") }
        // Control-plane ids do not draw from the --id-seed generator, like fault rules: a test that
        // adds a responder does not shift the ids its API calls are given.
        let items = rules.map { (id: UUID().uuidString.lowercased(), body: JSON.object($0.source)) }
        try call.store.insertResponders(items, workspaceID: call.workspace.id, limit: maximumPerWorkspace)
        return .json(["ids": .array(items.map { .string($0.id) })], status: 201)
    }

    static func list(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        let own = try call.store.responders(workspaceID: call.workspace.id)
        return .json(.object(JSONObject([
            ("responders", .array(own.map { stored in
                var object = stored.body.objectValue ?? JSONObject()
                object["id"] = .string(stored.id)
                return .object(object)
            })),
            ("fixture_responders", .array(call.app.fixtureResponders.map { .object($0.source) })),
        ])))
    }

    static func clear(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        try call.store.clearResponders(workspaceID: call.workspace.id)
        return .noContent
    }

    static func delete(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        let id = try call.pathID("responder_id")
        guard try call.store.deleteResponder(id: id, workspaceID: call.workspace.id) else {
            throw APIError.notFound(nil, "no responder \(id) in this workspace")
        }
        return .noContent
    }
}

extension Responder {
    /// `responders.json` of a fixtures directory; none when the file is absent.
    static func loadFixtures(directory: String?) throws -> [Responder] {
        guard let directory, let data = FileManager.default.contents(atPath: directory + "/responders.json") else { return [] }
        do {
            return try parseList(try JSON.parse(Array(data)))
        } catch let error as APIError {
            throw EmulatorStartupError("\(directory)/responders.json: \(error.message)")
        } catch {
            throw EmulatorStartupError("\(directory)/responders.json: \(error)")
        }
    }
}

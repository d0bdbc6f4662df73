import EmulatorHTTP
import EmulatorJSON
import Foundation

/// `/__emulator/snapshots`: save the whole state under a name, list, restore, delete; and
/// `/__emulator/export/{spans,events}`: one workspace's data as JSON lines.
enum SnapshotRoutes {
    private static let noWorkspace = "an export is of a workspace: send 'Authorization: Bearer <token>'"

    static func exportSpans(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        return .raw(.jsonLines(try call.store.exportSpans(workspaceID: call.workspace.id)))
    }

    static func exportEvents(_ call: Call) throws -> HTTPResponseBox {
        try call.requireBearer(noWorkspace)
        return .raw(.jsonLines(try call.store.exportEvents(workspaceID: call.workspace.id)))
    }

    static func save(_ call: Call) throws -> HTTPResponseBox {
        let name = try call.body().requiredString("name", maxLength: Snapshots.maximumNameLength)
        try Snapshots.checkName(name, field: "name")
        call.app.tasks.waitUntilIdle(timeout: 10)
        return .json(json(try call.app.snapshots.save(name, store: call.store)), status: 201)
    }

    static func list(_ call: Call) throws -> HTTPResponseBox {
        .json(["snapshots": .array(call.app.snapshots.list().map(json))])
    }

    static func restore(_ call: Call) throws -> HTTPResponseBox {
        let name = call.parameters["name"] ?? ""
        try Snapshots.checkName(name, field: "name")
        guard try call.app.restoreSnapshot(name) else { throw notFound(name) }
        return .noContent
    }

    static func delete(_ call: Call) throws -> HTTPResponseBox {
        let name = call.parameters["name"] ?? ""
        try Snapshots.checkName(name, field: "name")
        guard call.app.snapshots.delete(name) else { throw notFound(name) }
        return .noContent
    }

    private static func notFound(_ name: String) -> APIError {
        APIError.notFound(nil, "snapshot \(name) not found; GET /__emulator/snapshots lists them")
    }

    private static func json(_ entry: Snapshots.Entry) -> JSON {
        .object(JSONObject([("name", .string(entry.name)), ("size_bytes", .int(entry.sizeBytes)),
                            ("created_at", .string(Timestamp.format(entry.createdMs)))]))
    }
}

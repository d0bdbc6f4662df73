import EmulatorJSON
import EmulatorStore
import Foundation

/// A workspace's responders as stored: id and the rule as sent.
struct StoredResponder {
    let id: String
    let body: JSON
    let createdMs: Int64
}

extension ObservabilityStore {
    /// Appends rules to a workspace's list, all or none; they are tried after its older ones.
    /// More than `limit` in the workspace is a 400 and adds nothing.
    func insertResponders(_ bodies: [(id: String, body: JSON)], workspaceID: String, limit: Int) throws {
        // Wall time: a control-plane write must not advance a --clock step.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try pool.writeTransaction { db in
            let held = try db.queryOne("SELECT COUNT(*) FROM responders WHERE workspace_id = ?", [workspaceID]) { $0.int(0) } ?? 0
            if held + bodies.count > limit {
                throw APIError.limitExceeded("a workspace holds at most \(limit) responders (it has \(held), this request adds \(bodies.count)); delete some first")
            }
            for item in bodies {
                _ = try db.run("INSERT INTO responders (id, workspace_id, created_ms, body) VALUES (?, ?, ?, ?)",
                               [item.id, workspaceID, now, item.body.text])
            }
        }
    }

    /// A workspace's responders, oldest first (the order they are tried in).
    func responders(workspaceID: String) throws -> [StoredResponder] {
        try pool.read { db in
            try db.query("SELECT id, body, created_ms FROM responders WHERE workspace_id = ? ORDER BY position", [workspaceID]) { row in
                StoredResponder(id: try row.string("id"), body: (try? JSON.parse(try row.string("body"))) ?? .null,
                                createdMs: try row.int64("created_ms"))
            }
        }
    }

    /// Removes one; false when the workspace has no responder with that id.
    func deleteResponder(id: String, workspaceID: String) throws -> Bool {
        try pool.write { db in try db.run("DELETE FROM responders WHERE id = ? AND workspace_id = ?", [id, workspaceID]) } > 0
    }

    func clearResponders(workspaceID: String) throws {
        _ = try pool.write { db in try db.run("DELETE FROM responders WHERE workspace_id = ?", [workspaceID]) }
    }
}

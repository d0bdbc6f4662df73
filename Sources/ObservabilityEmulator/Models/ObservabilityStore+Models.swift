import EmulatorJSON
import EmulatorStore
import Foundation

extension ObservabilityStore {
    /// Appends cards to a workspace's own models, all or none.
    func insertModels(_ cards: [ModelCard], workspaceID: String) throws {
        // Wall time: a control-plane write must not advance a --clock step.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try pool.writeTransaction { db in
            for card in cards {
                _ = try db.run("INSERT INTO models (workspace_id, id, created_ms, body) VALUES (?, ?, ?, ?)",
                               [workspaceID, card.id, now, card.source.text])
            }
        }
    }

    /// A workspace's own cards, oldest first. A row that no longer parses (written by another
    /// version) is skipped rather than failing every inference request.
    func models(workspaceID: String) throws -> [ModelCard] {
        try pool.read { db in
            try db.query("SELECT id, body FROM models WHERE workspace_id = ? ORDER BY position", [workspaceID]) { row in
                let body = (try? JSON.parse(try row.string("body"))) ?? .null
                return try? ModelCard.parse(body, path: "")
            }
        }.compactMap { $0 }
    }

    /// Removes the card with that id; false when the workspace has none.
    func deleteModel(id: String, workspaceID: String) throws -> Bool {
        try pool.write { db in try db.run("DELETE FROM models WHERE id = ? AND workspace_id = ?", [id, workspaceID]) } > 0
    }

    func clearModels(workspaceID: String) throws {
        _ = try pool.write { db in try db.run("DELETE FROM models WHERE workspace_id = ?", [workspaceID]) }
    }
}

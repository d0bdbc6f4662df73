extension ObservabilityStore {
    /// Back to the seeded state: everything the API or the control plane made is deleted, in
    /// one transaction.
    func resetAll() throws {
        textIndexer.flush()
        try pool.writeTransaction { db in
            for entry in ResetRegistry.entries { try db.run(entry.all) }
        }
        pool.reclaimSpace()
    }

    /// Removes one workspace's data; its seeded judges come back on its next request.
    func resetWorkspace(_ workspaceID: String) throws {
        textIndexer.flush()
        try pool.writeTransaction { db in
            for entry in ResetRegistry.entries { try db.run(entry.workspace, [workspaceID]) }
        }
        pool.reclaimSpace()
    }
}

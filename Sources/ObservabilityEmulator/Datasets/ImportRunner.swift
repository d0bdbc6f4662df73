/// Runs a dataset import in the background: `build` makes the records (or throws
/// `ImportFailure`); the store inserts them with the task's completion in one transaction, or
/// marks the task failed with the reason.
enum ImportRunner {
    static func run(taskID: String, datasetID: String, workspaceID: String, store: ObservabilityStore, build: () throws -> ImportBatch) {
        do {
            try store.completeImport(taskID: taskID, datasetID: datasetID, workspaceID: workspaceID, batch: try build())
        } catch {
            let message = (error as? ImportFailure)?.message ?? (error as? StoreError).map { APIError($0).message } ?? "\(error)"
            store.failImport(taskID: taskID, message: message)
        }
    }
}

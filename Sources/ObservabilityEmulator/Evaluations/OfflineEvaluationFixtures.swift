import EmulatorJSON
import Foundation

/// The seeded offline evaluations: `Fixtures/evaluations/runs.json` (an array of run uploads, as
/// `POST /__emulator/evaluation-runs` takes them) and `optimizations.json` (optimization
/// uploads, naming their observed runs with `run_name`). Stored once in the workspace `''`
/// that every workspace sees, with ids derived from their position in the files, so the same
/// fixtures give the same ids on every run and machine.
enum OfflineEvaluationFixtures {
    /// The creator of the seeded projects, evaluations, runs and optimizations.
    static let creatorID = UUIDText.v5("owner:fixtures")

    /// Seeds an empty database (a persistent one seeded before is left as it is); returns the
    /// number of seeded runs.
    @discardableResult
    static func seed(directory: String?, store: ObservabilityStore) throws -> Int {
        guard let directory, try !store.hasSeededOfflineEvaluations() else { return 0 }
        var counter = 0
        let makeID = { () -> String in
            counter += 1
            return UUIDText.v5("offline-evaluation-fixture:\(counter)")
        }
        var runs = 0
        for item in try items(directory + "/evaluations/runs.json") {
            let upload = try check(item) { try RunUpload.parse($0, creatorID: creatorID, nowMs: 0, makeID: makeID) }
            _ = try store.insertEvalRun(upload, workspaceID: "", makeID: makeID)
            runs += 1
        }
        for item in try items(directory + "/evaluations/optimizations.json") {
            let upload = try check(item) { try OptimizationUpload.parse($0, creatorID: creatorID, nowMs: 0, makeID: makeID) }
            _ = try store.insertEvalOptimization(upload, workspaceID: "", makeID: makeID)
        }
        return runs
    }

    private static func items(_ path: String) throws -> [(BodyReader, String)] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let value: JSON
        do { value = try JSON.parse(Array(data)) } catch let error as JSONParseError {
            throw EmulatorStartupError("\(path): invalid JSON: \(error)")
        }
        guard case .array(let array) = value else { throw EmulatorStartupError("\(path): expected a JSON array") }
        return try array.enumerated().map { index, item in
            guard case .object(let object) = item else { throw EmulatorStartupError("\(path)[\(index)]: expected an object") }
            return (BodyReader(object: object), "\(path)[\(index)]")
        }
    }

    private static func check<T>(_ item: (BodyReader, String), _ body: (BodyReader) throws -> T) throws -> T {
        do { return try body(item.0) } catch let error as APIError {
            throw EmulatorStartupError("\(item.1): \(error.message)")
        }
    }
}

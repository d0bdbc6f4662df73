import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// The control-plane loaders: what they accept, the field each rejection names, nothing stored
/// on a rejection, and what the read API then computes from a loaded run.
final class OfflineEvaluationLoaderTests: ApplicationTestCase {
    private func runBody(_ values: [JSON] = [1, 0, 1]) -> JSONObject {
        let body: JSON = [
            "project": "Loader Project", "evaluation": ["name": "Loader Eval", "tags": ["t"]], "name": "loader run",
            "evaluators": [["name": "accuracy", "goal": ["operator": "gte", "value": 0.5]], ["name": "label"]],
            "run_evaluators": [["name": "gate", "goal": ["operator": "gte", "value": 0.9]]],
            "run_scores": ["gate": ["value": 0.95, "rationale": "fine"]],
            "records": .array(values.enumerated().map { index, value in
                ["input": ["q": .string("question \(index)")],
                 "generations": [["output": "a", "scores": ["accuracy": value, "label": ["value": "yes", "metadata": ["expected": "yes"]]]],
                                 ["output": "b", "scores": ["accuracy": [value, value]]]]]
            }),
        ]
        return body.objectValue ?? JSONObject()
    }

    private func parse(_ body: JSONObject) throws -> RunUpload {
        var n = 0
        return try RunUpload.parse(BodyReader(object: body), creatorID: "c", nowMs: 0, makeID: { n += 1; return "id-\(n)" })
    }

    private func rejection(_ edit: (inout JSONObject) -> Void) -> String {
        var body = runBody()
        edit(&body)
        do {
            _ = try parse(body)
            return "accepted"
        } catch let error as APIError {
            XCTAssertEqual(error.status, 422)
            XCTAssertEqual(error.code, "VALIDATION_ERROR")
            return error.message
        } catch {
            return "\(error)"
        }
    }

    func testUploadParsesScoresInEveryForm() throws {
        let upload = try parse(runBody())
        XCTAssertEqual(upload.project.name, "Loader Project")
        XCTAssertEqual(upload.evaluation.tags, ["t"])
        XCTAssertEqual(upload.run.records.count, 3)
        XCTAssertEqual(upload.run.numGenerations, 2)
        XCTAssertEqual(upload.run.records[0].generations[1].scores.map(\.evaluator), ["accuracy", "accuracy"])
        XCTAssertEqual(upload.run.runScores.map(\.value), [0.95])
        XCTAssertEqual(Set(upload.run.records.flatMap(\.scores).map(\.id)).count, 12, "every score has its own id")
    }

    func testUploadRejectionsNameTheField() {
        XCTAssertEqual(rejection { $0["records"] = nil }, "records: field required")
        XCTAssertEqual(rejection { $0["project"] = 3 }, "project: expected a name or an object, got a number")
        XCTAssertEqual(rejection { $0["project"] = ["description": "x"] }, "project.name: field required (or give a slug)")
        XCTAssertEqual(rejection { body in
            body["records"] = [["input": 1, "generations": [["output": 1, "scores": ["tone": 1]]]]]
        }, "records[0].generations[0].scores.tone: no evaluator named 'tone' in evaluators")
        XCTAssertEqual(rejection { $0["run_scores"] = ["accuracy": 1] }, "run_scores.accuracy: no evaluator named 'accuracy' in run_evaluators")
        XCTAssertEqual(rejection { $0["records"] = [["input": 1, "generations": []]] }, "records[0].generations: must have at least 1 item")
        XCTAssertEqual(rejection { $0["records"] = [["generations": [["output": 1]]]] }, "records[0].input: field required")
        XCTAssertEqual(rejection { $0["records"] = [["input": 1, "generations": [["output": 1, "scores": ["accuracy": ["rationale": "r"]]]]]] },
                       "records[0].generations[0].scores.accuracy.value: field required")
        XCTAssertEqual(rejection { $0["records"] = [["input": 1, "generations": [["output": 1, "scores": ["accuracy": [["value": [1]]]]]]]] },
                       "records[0].generations[0].scores.accuracy[0].value: expected a number, a string, a boolean or null, got an array")
        XCTAssertEqual(rejection { $0["num_generations"] = 1 }, "num_generations: a record has 2 generations, more than num_generations (1)")
        XCTAssertEqual(rejection { $0["created_at"] = "yesterday" }, "created_at: 'yesterday' is not an RFC 3339 date-time")
        XCTAssertEqual(rejection { $0["evaluators"] = [["name": "a"], ["name": "a"]] }, "evaluators[1].name: 'a' appears twice")
        XCTAssertEqual(rejection { $0["evaluators"] = [["name": "a", "direction": "up"]] }, "evaluators[0].direction: 'up' is not one of maximize, minimize")
        XCTAssertEqual(rejection { $0["system"] = ["name": "s", "params": ["model": ["nested": true]]] },
                       "system.params.model: expected a string, a number or a boolean, got an object")
    }

    func testOptimizationRejectionsNameTheField() {
        func rejection(_ body: JSON) -> String {
            do { _ = try OptimizationUpload.parse(BodyReader(object: body.objectValue ?? JSONObject()), creatorID: "c", nowMs: 0, makeID: { "x" }); return "accepted" } catch let error as APIError { return error.message } catch { return "\(error)" }
        }
        XCTAssertEqual(rejection(["project": "p", "name": "o"]), "algorithm: field required")
        XCTAssertEqual(rejection(["project": "p", "name": "o", "algorithm": "g", "trials": [["algorithm_trial_key": "a"], ["algorithm_trial_key": "a"]]]),
                       "trials[1].algorithm_trial_key: 'a' appears twice")
        XCTAssertEqual(rejection(["project": "p", "name": "o", "algorithm": "g", "trials": [["algorithm_trial_key": "a", "parent_trial_key": "z"]]]),
                       "trials[0].parent_trial_key: no earlier trial has the key 'z'")
        XCTAssertEqual(rejection(["project": "p", "name": "o", "algorithm": "g", "trials": [["algorithm_trial_key": "a", "observations": [["score": 1]]]]]),
                       "trials[0].observations[0].run_id: give exactly one of run_id and run_name")
    }

    func testLoadedRunIsReadBackWithComputedResultsAndRejectionsStoreNothing() throws {
        let projectsBefore = try call("GET", "\(v1)/projects").json["projects"]?["count"]
        var bad = runBody()
        bad["records"] = [["input": 1, "generations": [["output": 1, "scores": ["nope": 1]]]]]
        let rejected = try call("POST", "/__emulator/evaluation-runs", json: .object(bad))
        XCTAssertEqual(rejected.status, 422, rejected.text)
        XCTAssertEqual(try call("GET", "\(v1)/projects").json["projects"]?["count"], projectsBefore)

        let loaded = try call("POST", "/__emulator/evaluation-runs", json: .object(runBody([1, 0, 1])))
        XCTAssertEqual(loaded.status, 201, loaded.text)
        let runID = try XCTUnwrap(loaded.json["run_id"]?.stringValue)
        XCTAssertEqual(loaded.json["project_slug"], "loader-project")
        let run = try call("GET", "\(v1)/evaluation-runs_v2/\(runID)").json
        // accuracy over 9 scores (each record: one score, then two equal ones): 1,1,1, 0,0,0, 1,1,1.
        XCTAssertEqual(run["statistics"]?["accuracy"]?["count"], 9)
        XCTAssertEqual(run["statistics"]?["accuracy"]?["sample_count"], 3)
        XCTAssertEqual(run["statistics"]?["accuracy"]?["avg"]?.doubleValue ?? 0, 6.0 / 9.0, accuracy: 1e-12)
        XCTAssertEqual(run["statistics"]?["label"]?["type"], "categorical")
        XCTAssertEqual(run["goal_results"]?["accuracy"]?["passed"], true)
        XCTAssertEqual(run["goal_results"]?["gate"]?["passed"], true)
        XCTAssertEqual(run["passed"], true)
        XCTAssertEqual(run["evaluators"]?.arrayValue?.first?["num_scores"], 9)
        XCTAssertEqual(run["run_scores"]?["gate"]?["rationale"], "fine")

        // Another workspace sees the seeded fixtures but not this run; a workspace reset removes it.
        let other = try call("GET", "\(v1)/evaluation-runs_v2/\(runID)", auth: .token("someone-else"))
        XCTAssertEqual(other.status, 404)
        XCTAssertEqual(other.errorCode, "EVALUATION_RUN_NOT_FOUND")
        XCTAssertEqual(try call("GET", "\(v1)/projects/language-detection", auth: .token("someone-else")).status, 200)
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        XCTAssertEqual(try call("GET", "\(v1)/evaluation-runs_v2/\(runID)").status, 404)
        XCTAssertEqual(try call("GET", "\(v1)/projects/language-detection").status, 200)
    }

    func testSeededRunsPassAndFailTheirGoals() throws {
        let runs = try call("POST", "\(v1)/evaluation-runs_v2/search").json["runs"]?["results"]?.arrayValue ?? []
        let passed = Dictionary(uniqueKeysWithValues: runs.compactMap { run in run["name"]?.stringValue.map { ($0, run["passed"] ?? .null) } })
        XCTAssertEqual(passed["small-baseline"], true)
        XCTAssertEqual(passed["ministral-3b-try"], false)
        XCTAssertEqual(passed["small-prompt-v2"], false)
        XCTAssertEqual(passed["support-large-2026-10"], false)
        // A full reset keeps the seeded runs.
        XCTAssertEqual(try call("POST", "/__emulator/reset").status, 204)
        XCTAssertEqual(try call("POST", "\(v1)/evaluation-runs_v2/search").json["runs"]?["count"], .int(Int64(runs.count)))
    }
}

import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// Record and run filters on a run built in memory: what they select and in which order.
final class OfflineFilterTests: XCTestCase {
    private func score(_ evaluator: String, _ value: JSON) -> EvalScore {
        EvalScore(id: UUIDText.v5("\(evaluator)\(value.text)"), evaluator: evaluator, value: value, metadata: [:], status: "completed", createdMs: 0)
    }

    /// Three records: accuracy averages 0.5, 1 and (none); labels a, b, a.
    private func makeRun() -> EvalRun {
        let records: [EvalRecord] = [
            EvalRecord(id: "r0", runID: "run", input: ["q": "first question", "n": 0], recordInfo: .null, metadata: [:], generations: [
                EvalGeneration(id: "g0", output: "alpha", metadata: [:], status: "completed", scores: [score("accuracy", 0), score("label", "a")], createdMs: 0),
                EvalGeneration(id: "g1", output: "beta", metadata: [:], status: "completed", scores: [score("accuracy", 1)], createdMs: 0),
            ], createdMs: 0),
            EvalRecord(id: "r1", runID: "run", input: ["q": "second question", "n": 1], recordInfo: .null, metadata: [:], generations: [
                EvalGeneration(id: "g2", output: ["text": "Gamma"], metadata: [:], status: "completed", scores: [score("accuracy", 1), score("label", "b")], createdMs: 0),
            ], createdMs: 0),
            EvalRecord(id: "r2", runID: "run", input: ["q": "third"], recordInfo: .null, metadata: [:], generations: [
                EvalGeneration(id: "g3", output: "delta", metadata: [:], status: "failed", error: "boom", scores: [score("label", "a")], createdMs: 0),
            ], createdMs: 0),
        ]
        return EvalRun(id: "run", workspaceID: "", evaluationID: "e", creatorID: "c", name: "n", tags: ["x", "y"], metadata: ["size": 3],
                       numGenerations: 2,
                       evaluators: [EvaluatorSpec(name: "accuracy", goal: GoalSpec(op: .gte, value: 0.75)), EvaluatorSpec(name: "label")],
                       runEvaluators: [], runInfo: .null, status: "completed", datasetID: nil,
                       system: ["name": "small", "params": ["temperature": 0.2]], runScores: [], records: records, createdMs: 0, updatedMs: 0)
    }

    private func select(_ body: String) throws -> [String] {
        try RecordFilter.parse(Array(body.utf8)).apply(RunReport(run: makeRun())).map(\.id)
    }

    func testRecordFiltersAndSorts() throws {
        XCTAssertEqual(try select(""), ["r0", "r1", "r2"])
        XCTAssertEqual(try select("null"), ["r0", "r1", "r2"])
        XCTAssertEqual(try select("\"~?~unset~?~sentinel~?~\""), ["r0", "r1", "r2"])
        XCTAssertEqual(try select(#"{"input_filters": {"filters": [{"value": "QUESTION"}]}}"#), ["r0", "r1"])
        XCTAssertEqual(try select(#"{"input_filters": {"filters": [{"path": "n", "value": "1", "operator": "equals"}]}}"#), ["r1"])
        XCTAssertEqual(try select(#"{"output_filters": {"filters": [{"path": "text", "value": "gam"}]}}"#), ["r1"])
        XCTAssertEqual(try select(#"{"output_filters": {"combinator": "or", "filters": [{"value": "beta"}, {"value": "delta"}]}}"#), ["r0", "r2"])
        XCTAssertEqual(try select(#"{"score_filters": {"filters": [{"evaluator_name": "accuracy", "metric": "avg", "operator": "lt", "value": 1}]}}"#), ["r0"])
        XCTAssertEqual(try select(#"{"score_filters": {"filters": [{"evaluator_name": "label", "metric": "mode", "operator": "eq", "value": "a"}]}}"#), ["r0", "r2"])
        XCTAssertEqual(try select(#"{"score_filters": {"filters": [{"evaluator_name": "nobody", "metric": "avg", "operator": "gt", "value": 0}]}}"#), [])
        // Goals: r0 avg 0.5 < 0.75 fails, r1 passes, r2 has no accuracy score.
        XCTAssertEqual(try select(#"{"goal_filters": {"filters": [{"values": ["failed"]}]}}"#), ["r0"])
        XCTAssertEqual(try select(#"{"goal_filters": {"filters": [{"values": ["not_evaluated"], "evaluator_name": "accuracy"}]}}"#), ["r2"])
        // Sorts: records without the metric come last; the default direction is descending.
        XCTAssertEqual(try select(#"{"sort": {"kind": "score", "evaluator_name": "accuracy"}}"#), ["r1", "r0", "r2"])
        XCTAssertEqual(try select(#"{"sort": {"kind": "score", "evaluator_name": "accuracy", "direction": "asc"}}"#), ["r0", "r1", "r2"])
        XCTAssertEqual(try select(#"{"sort": {"kind": "score", "evaluator_name": "accuracy", "metric": "std", "direction": "asc"}}"#), ["r1", "r0", "r2"])
        XCTAssertEqual(try select(#"{"sort": {"field": "created_at", "direction": "asc"}}"#), ["r0", "r1", "r2"])
    }

    func testRecordFilterRejections() {
        func rejection(_ body: String) -> String {
            do { _ = try RecordFilter.parse(Array(body.utf8)); return "accepted" } catch let error as APIError { return "\(error.status) \(error.message)" } catch { return "\(error)" }
        }
        XCTAssertEqual(rejection("[]"), "422 body: expected a JSON object or null, got an array")
        XCTAssertEqual(rejection(#"{"input_filters": {"filters": [{"path": "q"}]}}"#), "422 input_filters.filters[0].value: field required")
        XCTAssertEqual(rejection(#"{"input_filters": {"combinator": "xor"}}"#), "422 input_filters.combinator: 'xor' is not one of and, or")
        XCTAssertEqual(rejection(#"{"score_filters": {"filters": [{"evaluator_name": "a", "metric": "avg", "operator": "gt", "value": "x"}]}}"#),
                       "400 score_filters.filters[0].operator: a label can only be compared with eq, got gt")
        XCTAssertTrue(rejection(#"{"score_filters": {"filters": [{"evaluator_name": "a", "metric": "median", "operator": "gt", "value": 1}]}}"#)
            .hasPrefix("400 score_filters.filters[0].metric: unknown metric 'median'"))
        XCTAssertEqual(rejection(#"{"goal_filters": {"filters": [{"values": ["maybe"]}]}}"#),
                       "422 goal_filters.filters[0].values[0]: 'maybe' is not one of passed, failed, not_evaluated")
        XCTAssertEqual(rejection(#"{"sort": {"field": "name"}}"#), "422 sort.field: 'name' is not one of created_at")
        let many = Array(repeating: #"{"path": "q", "operator": "contains", "value": "x"}"#, count: 101).joined(separator: ",")
        XCTAssertEqual(rejection(#"{"input_filters": {"filters": [\#(many)]}}"#), "400 input_filters.filters: at most 100 filters in one group (got 101)")
    }

    func testRunFilter() throws {
        let report = RunReport(run: makeRun())
        func matches(_ body: String, project: String = "p") throws -> Bool {
            try RunFilter.parse(Array(body.utf8)).matches(report, projectID: project)
        }
        XCTAssertTrue(try matches(""))
        XCTAssertTrue(try matches(#"{"tags": {"values": ["x", "y"]}}"#))
        XCTAssertFalse(try matches(#"{"tags": {"values": ["x", "z"]}}"#))
        XCTAssertTrue(try matches(#"{"tags": {"combinator": "or", "values": ["x", "z"]}}"#))
        XCTAssertTrue(try matches(#"{"project_ids": ["p"], "run_ids": ["run"], "evaluation_ids": ["e"], "creator_ids": ["c"]}"#))
        XCTAssertFalse(try matches(#"{"project_ids": ["q"]}"#))
        XCTAssertTrue(try matches(#"{"ownership": {"creator_ids": ["c"], "starred_by_me": true}}"#))
        XCTAssertFalse(try matches(#"{"ownership": {"combinator": "and", "creator_ids": ["c"], "starred_by_me": true}}"#))
        XCTAssertTrue(try matches(#"{"system": {"name": {"filters": [{"value": "SMA"}]}, "params": {"filters": [{"key": "temperature", "operator": "lte", "value": 0.2}]}}}"#))
        XCTAssertFalse(try matches(#"{"system": {"params": {"filters": [{"key": "temperature", "operator": "gt", "value": 0.2}]}}}"#))
        XCTAssertTrue(try matches(#"{"metadata": {"filters": [{"key": "size", "operator": "eq", "value": 3.0}]}}"#))
        XCTAssertFalse(try matches(#"{"metadata": {"filters": [{"key": "missing", "operator": "eq", "value": 3}]}}"#))
        // Run level: accuracy over 0, 1, 1 → avg 0.667 < 0.75: failed.
        XCTAssertTrue(try matches(#"{"goal_filters": {"filters": [{"values": ["failed"], "evaluator_name": "accuracy"}]}}"#))
        XCTAssertTrue(try matches(#"{"score_filters": {"filters": [{"evaluator_name": "accuracy", "metric": "count", "operator": "eq", "value": 3}]}}"#))
    }
}

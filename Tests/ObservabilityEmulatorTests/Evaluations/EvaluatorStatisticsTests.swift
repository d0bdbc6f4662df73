import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// The statistics of offline evaluations, against values worked out by hand.
final class EvaluatorStatisticsTests: XCTestCase {
    private func object(_ value: JSON) -> JSONObject { value.objectValue ?? JSONObject() }

    private func score(_ value: JSON, expected: String? = nil, error: String? = nil) -> EvalScore {
        EvalScore(id: "s", evaluator: "e", value: value, metadata: expected.map { ["expected": .string($0)] } ?? [:],
                  status: error == nil ? "completed" : "failed", error: error, createdMs: 0)
    }

    private func stats(_ scores: [EvalScore], records: [String]? = nil, specs: [StatisticSpec] = []) -> EvaluatorStatistics {
        let pairs = scores.enumerated().map { (score: $0.element, recordID: records?[$0.offset] ?? "r\($0.offset)") }
        return EvaluatorStatistics(kind: EvaluatorStatistics.kind(of: scores), scores: pairs, specs: specs)
    }

    func testNumericStatisticsUsePopulationStdAndSkipErrors() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population std 2.
        let values: [JSON] = [2, 4, 4, 4, 5, 5, 7, 9]
        let s = stats(values.map { score($0) } + [score(.null), score(3, error: "judge timed out")],
                      records: ["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"])
        XCTAssertEqual(s.kind, .numeric)
        XCTAssertEqual(s.count, 8)
        XCTAssertEqual(s.sampleCount, 4)
        XCTAssertEqual(s.excluded, 2)
        XCTAssertEqual(s.average, 5)
        XCTAssertEqual(s.minimum, 2)
        XCTAssertEqual(s.maximum, 9)
        XCTAssertEqual(s.standardDeviation, 2)
        XCTAssertEqual(s.metric("sum"), 40)
        XCTAssertEqual(s.json["type"], "numeric")
        XCTAssertEqual(s.json["count"], 8)
    }

    func testBooleansAreNumericAndEmptyIsNumericWithNulls() {
        let s = stats([score(true), score(false), score(true), score(true)])
        XCTAssertEqual(s.kind, .numeric)
        XCTAssertEqual(s.average, 0.75)
        let empty = stats([])
        XCTAssertEqual(empty.kind, .numeric)
        XCTAssertEqual(empty.json["avg"], .null)
        XCTAssertEqual(empty.json["count"], 0)
        XCTAssertEqual(stats([score(1), score("x")]).kind, .unsupported)
        XCTAssertEqual(stats([score(1), score("x")]).json, ["count": 2, "type": "unsupported"])
    }

    func testPercentilesAreType7() {
        let values: [Double] = [15, 20, 35, 40, 50]
        // numpy.percentile(values, p) (linear): p40 = 29, p90 = 46, p0 = 15, p100 = 50, p50 = 35.
        XCTAssertEqual(EvaluatorStatistics.percentile(40, of: values)!, 29, accuracy: 1e-12)
        XCTAssertEqual(EvaluatorStatistics.percentile(90, of: values)!, 46, accuracy: 1e-12)
        XCTAssertEqual(EvaluatorStatistics.percentile(0, of: values), 15)
        XCTAssertEqual(EvaluatorStatistics.percentile(100, of: values), 50)
        XCTAssertEqual(EvaluatorStatistics.percentile(50, of: values.reversed()), 35)
        XCTAssertEqual(EvaluatorStatistics.percentile(73, of: [4]), 4)
        XCTAssertNil(EvaluatorStatistics.percentile(50, of: []))
        let s = stats(values.map { score(.double($0)) }, specs: [StatisticSpec(kind: .percentile(90)), StatisticSpec(kind: .percentile(12.5))])
        XCTAssertEqual(s.json["values"]?.arrayValue?.map { $0["id"] }, ["p90", "p12.5"])
        XCTAssertEqual(s.metric("p90")!, 46, accuracy: 1e-12)
        XCTAssertEqual(s.metric("p25"), 20)
    }

    func testCategoricalFrequenciesModeAndConfusionMatrix() {
        let scores = [score("cat", expected: "cat"), score("dog", expected: "cat"), score("dog", expected: "dog"),
                      score("cat", expected: "dog"), score("bird", expected: "bird"), score(.null, expected: "cat")]
        let s = stats(scores, specs: [StatisticSpec(kind: .classification(metric: "f1", positiveLabel: nil, average: "macro", expectedKey: "expected", labels: nil))])
        XCTAssertEqual(s.kind, .categorical)
        XCTAssertEqual(s.json["frequencies"], ["cat": 2, "dog": 2, "bird": 1])
        XCTAssertEqual(s.json["mode"], ["cat", "dog"])
        XCTAssertEqual(s.json["excluded_count"], 1)
        // Rows expected, columns predicted, labels sorted: bird, cat, dog.
        XCTAssertEqual(s.json["confusion_matrix"], ["labels": ["bird", "cat", "dog"], "matrix": [[1, 0, 0], [0, 1, 1], [0, 1, 1]]])
    }

    func testPrecisionRecallF1() {
        // expected → predicted: yes→yes ×3, yes→no ×1, no→yes ×2, no→no ×4.
        let pairs: [(expected: String, predicted: String)] = Array(repeating: ("yes", "yes"), count: 3) + [("yes", "no")]
            + Array(repeating: ("no", "yes"), count: 2) + Array(repeating: ("no", "no"), count: 4)
        func value(_ metric: String, positive: String? = nil, average: String? = nil, labels: [String]? = nil) -> Double {
            EvaluatorStatistics.classification(metric, pairs: pairs, positiveLabel: positive, average: average, labels: labels)!
        }
        // Class yes: tp 3, fp 2, fn 1 → p 3/5, r 3/4, f1 2/3. Class no: tp 4, fp 1, fn 2 → p 4/5, r 4/6, f1 8/11.
        XCTAssertEqual(value("precision", positive: "yes"), 0.6, accuracy: 1e-12)
        XCTAssertEqual(value("recall", positive: "yes"), 0.75, accuracy: 1e-12)
        XCTAssertEqual(value("f1", positive: "yes"), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(value("f1", average: "macro"), (2.0 / 3.0 + 8.0 / 11.0) / 2, accuracy: 1e-12)
        // Micro: every pair counted once → accuracy 7/10 for precision, recall and f1.
        XCTAssertEqual(value("precision", average: "micro"), 0.7, accuracy: 1e-12)
        XCTAssertEqual(value("f1", average: "micro"), 0.7, accuracy: 1e-12)
        // Weighted by support (yes 4, no 6).
        XCTAssertEqual(value("recall", average: "weighted"), (0.75 * 4 + 4.0 / 6.0 * 6) / 10, accuracy: 1e-12)
        // A pinned class universe with a class nobody predicted: its precision is 0, not a crash.
        XCTAssertEqual(value("precision", average: "macro", labels: ["yes", "no", "maybe"]), (0.6 + 0.8 + 0) / 3, accuracy: 1e-12)
        XCTAssertNil(EvaluatorStatistics.classification("f1", pairs: [], positiveLabel: "yes", average: nil, labels: nil))
    }

    func testGoalsGiveVerdictsAndDirections() throws {
        let gte = try GoalSpec.parse(BodyReader(object: object(["operator": "gte", "value": 0.8])))
        XCTAssertEqual(gte.accepts(0.8), true)
        XCTAssertEqual(gte.accepts(0.79), false)
        XCTAssertEqual(gte.direction, "higher_is_better")
        let between = try GoalSpec.parse(BodyReader(object: object(["operator": "between", "min": 0.2, "max": 0.8])))
        XCTAssertEqual(between.accepts(0.2), true)
        XCTAssertEqual(between.accepts(0.81), false)
        let labels = try GoalSpec.parse(BodyReader(object: object(["operator": "in", "values": ["polite", "neutral"]])))
        XCTAssertEqual(labels.accepts(label: "neutral"), true)
        XCTAssertEqual(labels.accepts(label: "rude"), false)
        let hint = try GoalSpec.parse(BodyReader(object: object(["operator": "lower_is_better"])))
        XCTAssertNil(hint.accepts(3))
        XCTAssertFalse(hint.hasThreshold)
    }

    func testGoalAndStatisticSpecsRejectWithTheField() {
        func message(_ body: JSON, _ parse: (BodyReader) throws -> Any) -> String? {
            do { _ = try parse(BodyReader(object: object(body), path: "evaluators[0].goal")); return nil } catch let error as APIError { return error.message } catch { return "\(error)" }
        }
        XCTAssertEqual(message(["operator": "between", "min": 3, "max": 1], GoalSpec.parse), "evaluators[0].goal.max: must be at least min (3.0), got 1.0")
        XCTAssertEqual(message(["operator": "gte"], GoalSpec.parse), "evaluators[0].goal.value: field required")
        XCTAssertEqual(message(["operator": "in", "values": []], GoalSpec.parse), "evaluators[0].goal.values: must have at least 1 item")
        XCTAssertEqual(message(["operator": "in", "values": [["x": 1]]], GoalSpec.parse), "evaluators[0].goal.values[0]: expected a number, a string or a boolean, got an object")
        XCTAssertNotNil(message(["operator": "roughly", "value": 1], GoalSpec.parse)?.hasPrefix("evaluators[0].goal.operator: 'roughly' is not one of"))
        XCTAssertEqual(message(["kind": "percentile", "percentile": -1], StatisticSpec.parse), "evaluators[0].goal.percentile: must be between 0 and 100, got -1.0")
        XCTAssertEqual(message(["kind": "f1"], StatisticSpec.parse), "evaluators[0].goal.positive_label: give exactly one of positive_label and average")
        XCTAssertEqual(message(["kind": "recall", "average": "harmonic"], StatisticSpec.parse), "evaluators[0].goal.average: 'harmonic' is not one of macro, micro, weighted")
    }
}

import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// Requests that used to end the process (an arithmetic overflow or a failed unwrap is a trap in
/// Swift, and a trap in a shared server is a remote kill switch). Each one is answered, and the
/// server is still serving after it.
final class RequestSafetyTests: ApplicationTestCase {
    /// Page numbers whose offset `(page - 1) * page_size` does not fit an Int, and Int.max itself.
    static let hugePages = ["272542825192920992", "4611686018427387904", "9223372036854775807"]

    /// Every page-number list with a page far past the end: 200, no rows, `next` null, and a
    /// `previous` link back to the last page that has rows.
    func testHugePageNumbersAnswerAnEmptyPageOnEveryList() throws {
        let judgeID = try XCTUnwrap(try call("GET", "\(v1)/judges").json["judges"]?["results"]?.arrayValue?.first?["id"]?.stringValue)
        let dataset = try call("POST", "\(v1)/datasets", json: ["name": "huge pages", "description": "d"])
        let datasetID = try XCTUnwrap(dataset.json["id"]?.stringValue, dataset.text)
        let record = try call("POST", "\(v1)/datasets/\(datasetID)/records", json: [
            "payload": ["messages": [["role": "user", "content": "hi"], ["role": "assistant", "content": "hello"]]], "properties": [:],
        ])
        XCTAssertEqual(record.status, 201, record.text)
        let campaign = try call("POST", "\(v1)/campaigns", json: .object(JSONObject([
            ("search_params", ["filters": .null]), ("judge_id", .string(judgeID)), ("name", "huge pages"),
            ("description", "d"), ("max_nb_events", 2),
        ])))
        let campaignID = try XCTUnwrap(campaign.json["id"]?.stringValue, campaign.text)
        let task = try call("POST", "\(v1)/datasets/\(datasetID)/imports/from-dataset",
                            json: ["dataset_record_ids": [.string(try XCTUnwrap(record.json["id"]?.stringValue))]])
        XCTAssertEqual(task.status, 202, task.text)

        let lists: [(path: String, key: String)] = [
            ("\(v1)/judges", "judges"), ("\(v1)/campaigns", "campaigns"), ("\(v1)/datasets", "datasets"),
            ("\(v1)/datasets/\(datasetID)/records", "records"), ("\(v1)/datasets/\(datasetID)/tasks", "tasks"),
            ("\(v1)/campaigns/\(campaignID)/selected-events", "completion_events"),
        ]
        for (path, key) in lists {
            for page in Self.hugePages {
                let reply = try call("GET", "\(path)?page_size=55&page=\(page)")
                XCTAssertEqual(reply.status, 200, "\(path) page \(page): \(reply.text)")
                let body = try XCTUnwrap(reply.json[key], "\(path): \(reply.text)")
                XCTAssertEqual(body["results"]?.arrayValue?.count, 0, "\(path) page \(page)")
                XCTAssertEqual(body["next"], .null, "\(path) page \(page)")
                let previous = try XCTUnwrap(body["previous"]?.stringValue, "\(path) page \(page) has no previous: \(reply.text)")
                XCTAssertTrue(previous.contains("page=1"), "\(path): previous should point at the last page with rows: \(previous)")
                XCTAssertGreaterThan(body["count"]?.intValue ?? -1, 0, "\(path): count should still be the total")
            }
        }
        XCTAssertEqual(try call("GET", "/__emulator/health", auth: Auth.none).status, 200, "the server stopped serving")
    }

    /// A page number past Int64 is not an integer the API takes: 422, naming the parameter.
    func testPageBeyondInt64IsAValidationError() throws {
        assertError(try call("GET", "\(v1)/judges?page=9223372036854775808"), 422, "VALIDATION_ERROR", ["page"])
    }

    /// Integers written as huge floats (`1e300` where an integer is expected) are rejected, not
    /// converted: the conversion traps when the value does not fit.
    func testIntegerFieldsWrittenAsHugeFloatsAreRejected() throws {
        let judgeID = try XCTUnwrap(try call("GET", "\(v1)/judges").json["judges"]?["results"]?.arrayValue?.first?["id"]?.stringValue)
        for value in ["1e300", "-1e19", "9.3e18"] {
            let body = #"{"search_params": {"filters": null}, "judge_id": "\#(judgeID)", "name": "floats", "description": "d", "max_nb_events": \#(value)}"#
            assertError(try call("POST", "\(v1)/campaigns", body: body), 422, "VALIDATION_ERROR", ["max_nb_events"])
            let fault = #"{"path": "/x", "status": \#(value)}"#
            assertError(try call("POST", "/__emulator/faults", body: fault), 422, "VALIDATION_ERROR", ["status"])
        }
        // A whole float that fits is still an integer.
        let body = #"{"search_params": {"filters": null}, "judge_id": "\#(judgeID)", "name": "floats", "description": "d", "max_nb_events": 2.0}"#
        XCTAssertEqual(try call("POST", "\(v1)/campaigns", body: body).status, 201)
    }

    /// A regression judge whose rule answers a number too large for Int64 formats it as a number.
    func testRuleAnswersBeyondInt64AreFormatted() {
        XCTAssertEqual(Heuristic.format(1e300), String(format: "%.2f", 1e300))
        XCTAssertEqual(Heuristic.format(-4), "-4")
        XCTAssertEqual(Heuristic.format(0.5), "0.50")
    }
}

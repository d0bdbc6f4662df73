import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// The breadth limits end to end: the widest request each one allows is answered (SQLite's
/// expression depth included), one more item is a 400 naming the limit and changes nothing.
final class BreadthLimitTests: ApplicationTestCase {
    func testTheWidestSearchExpressionIsAnsweredAndOneMoreConditionIsRefused() throws {
        let widest = (0..<500).map { "span_id='\($0)'" }.joined(separator: " OR ")
        let answered = try call("POST", "\(v1)/spans/search", json: .object(JSONObject([("search_expression", .string(widest))])))
        XCTAssertEqual(answered.status, 200, answered.text)
        let nested = (0..<500).map { "trace_id!='\($0)'" }.joined(separator: " AND ")
        XCTAssertEqual(try call("POST", "\(v1)/traces/search", json: .object(JSONObject([("search_expression", .string(nested))]))).status, 200)
        let refused = try call("POST", "\(v1)/spans/search", json: .object(JSONObject([("search_expression", .string(widest + " OR span_id='x'"))])))
        assertError(refused, 400, "TRACES_FILTER_QUERY_PARSE_ERROR", ["more than 500 conditions", "column \(widest.count + 5)"])
    }

    func testTheWidestEventFilterIsAnsweredAndOneMoreConditionIsRefused() throws {
        func body(_ count: Int) -> JSON {
            let conditions = (0..<count).map { index -> JSON in ["field": "event_id", "op": "eq", "value": .string("e\(index)")] }
            return ["search_params": ["filters": ["OR": .array(conditions)]]]
        }
        let answered = try call("POST", "\(v1)/chat-completion-events/search", json: body(500))
        XCTAssertEqual(answered.status, 200, answered.text)
        assertError(try call("POST", "\(v1)/chat-completion-events/search", json: body(501)), 400, "SEARCH_BAD_REQUEST", ["more than 500 conditions"])
    }

    func testAWorkspaceHoldsAtMostTenThousandResponders() throws {
        let batch = JSON.array(Array(repeating: ["match": ["contains": "never said"], "respond": ["content": "x"]], count: 1000))
        for _ in 0..<10 { XCTAssertEqual(try call("POST", "/__emulator/responders", json: batch).status, 201) }
        let refused = try call("POST", "/__emulator/responders", json: [["match": ["contains": "z"], "respond": ["content": "z"]]])
        assertError(refused, 400, "LIMIT_EXCEEDED", ["at most 10000 responders", "it has 10000", "adds 1"])
        XCTAssertEqual(try call("GET", "/__emulator/responders").json["responders"]?.arrayValue?.count, 10_000)
        // Another workspace is not affected.
        XCTAssertEqual(try call("POST", "/__emulator/responders", auth: .token("other"), json: [["match": ["contains": "z"], "respond": ["content": "z"]]]).status, 201)
    }
}

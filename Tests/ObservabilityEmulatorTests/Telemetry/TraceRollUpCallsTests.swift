import XCTest
@testable import ObservabilityEmulator

/// The counted-once rule of a trace's calls, on hand-built spans.
final class TraceRollUpCallsTests: XCTestCase {
    private func rollUp(_ spans: [(id: String, parent: String, operation: String, input: Int64)]) -> TraceRollUp {
        var rollUp = TraceRollUp()
        for span in spans {
            rollUp.parentLinks.append((span.id, span.parent))
            if !span.operation.isEmpty {
                rollUp.calls.append(.init(spanID: span.id, parentSpanID: span.parent, operation: span.operation, tokens: [span.input, 0, 0, 0]))
            } else if span.input != 0 {
                rollUp.usages.append(.init(spanID: span.id, parentSpanID: span.parent, tokens: [span.input, 0, 0, 0]))
            }
        }
        return rollUp
    }

    /// OpenLIT: the SDK's request span (no operation, 8 tokens) inside the instrumentation's chat span.
    func testAUsageSpanInsideACallIsThatCall() {
        let counts = rollUp([("c", "", "chat", 8), ("sdk", "c", "", 8)]).callCounts()
        XCTAssertEqual(counts.llm, 1)
        XCTAssertEqual(counts.tokens[0], 8)
    }

    /// OpenLLMetry: the SDK's span beside the instrumentation's, the same tokens: one call.
    func testAUsageSpanBesideACallWithTheSameTokensIsThatCall() {
        let counts = rollUp([("r", "", "", 0), ("c", "r", "chat", 8), ("sdk", "r", "", 8)]).callCounts()
        XCTAssertEqual(counts.llm, 1)
        XCTAssertEqual(counts.tokens[0], 8)
        // Other tokens beside it: another, unrecorded call, whose tokens count.
        XCTAssertEqual(rollUp([("r", "", "", 0), ("c", "r", "chat", 8), ("sdk", "r", "", 5)]).callCounts().tokens[0], 13)
    }

    func testUsageSpansWithNoCallCountTheirOwnTokens() {
        XCTAssertEqual(rollUp([("r", "", "", 0), ("a", "r", "", 3), ("b", "r", "", 4)]).callCounts().tokens[0], 7)
        XCTAssertEqual(rollUp([("a", "", "", 3), ("c", "", "chat", 5)]).callCounts().tokens[0], 8, "roots that are not siblings of a same-token call")
    }

    func testAChatInsideAChatIsOneCallWithTheLargerTokens() {
        let counts = rollUp([("a", "", "chat", 0), ("h", "a", "", 0), ("b", "h", "chat", 12)]).callCounts()
        XCTAssertEqual(counts.llm, 1)
        XCTAssertEqual(counts.tokens[0], 12)
    }

    func testAnotherOperationBetweenSeparatesTheCalls() {
        let counts = rollUp([("a", "", "chat", 3), ("g", "a", "invoke_agent", 0), ("b", "g", "chat", 5)]).callCounts()
        XCTAssertEqual(counts.llm, 2)
        XCTAssertEqual(counts.tokens[0], 8)
    }

    func testSiblingsAreSeparateCalls() {
        let counts = rollUp([("r", "", "", 0), ("a", "r", "chat", 1), ("b", "r", "chat", 2), ("t", "r", "execute_tool", 0)]).callCounts()
        XCTAssertEqual(counts.llm, 2)
        XCTAssertEqual(counts.tool, 1)
        XCTAssertEqual(counts.tokens[0], 3)
    }

    /// Twenty thousand chat spans, each inside the one before (with a plain span between every
    /// two): one call. Resolved in one pass up the chain, not one walk per span.
    func testADeepChainIsOneCall() {
        var spans: [(id: String, parent: String, operation: String, input: Int64)] = []
        var parent = ""
        for index in 0..<20_000 {
            spans.append(("c\(index)", parent, "chat", Int64(index)))
            spans.append(("h\(index)", "c\(index)", "", 0))
            parent = "h\(index)"
        }
        let calls = rollUp(spans).resolvedCalls()
        XCTAssertEqual(calls.count, 1)
        XCTAssertEqual(calls.first?.tokens[0], 19_999)
    }

    func testAParentCycleEnds() {
        let calls = rollUp([("a", "b", "chat", 1), ("b", "a", "chat", 2), ("x", "y", "", 0), ("y", "x", "", 0), ("c", "x", "chat", 4)]).resolvedCalls()
        XCTAssertEqual(calls.map(\.operation), ["chat", "chat"])
    }
}

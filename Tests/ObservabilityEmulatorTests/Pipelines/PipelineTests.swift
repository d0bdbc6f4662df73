import EmulatorJSON
import XCTest
@testable import ObservabilityEmulator

/// The parts of online evaluations that need no server: request validation, the sampling hash,
/// and how a span's GenAI messages become the conversation a judge reads.
final class PipelineDraftTests: XCTestCase {
    let tenant = TelemetryTenant(Workspace(token: "pipeline-tests"))

    func draft(_ text: String, creating: Bool = true) throws -> PipelineDraft {
        try PipelineDraft.pipeline(try BodyReader.parse(Array(text.utf8)), tenant: tenant, creating: creating)
    }

    func failure(_ text: String, creating: Bool = true) -> APIError? {
        do {
            _ = try draft(text, creating: creating)
            return nil
        } catch let error as APIError {
            return error
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    func testAValidCreateReadsEveryField() throws {
        let d = try draft(#"""
            {"name": "Support", "description": null, "enabled": false,
             "selectors": [{"source_kind": "span", "filter": "operation_name = 'chat'"}, {"source_kind": "log"}],
             "definitions": [{"slug": "helpfulness-rating", "mapping": {"tier": "app.tier"},
                              "sampling": {"type": "attribute_hash", "attribute": "user.id", "percentage": 12.5}}]}
            """#)
        XCTAssertEqual(d.name, "Support")
        XCTAssertEqual(d.enabled, false)
        XCTAssertEqual(d.selectors, [PipelineSelector(sourceKind: "span", filter: "operation_name = 'chat'"), PipelineSelector(sourceKind: "log", filter: nil)])
        XCTAssertEqual(d.references?.count, 1)
        XCTAssertEqual(d.references?.first?.slug, "helpfulness-rating")
        XCTAssertEqual(d.references?.first?.mapping.map(\.attribute), ["app.tier"])
        XCTAssertEqual(d.references?.first?.sampling, .attributeHash(attribute: "user.id", percentage: 12.5))
        XCTAssertEqual(d.references?.first?.path, "definitions[0]")
    }

    func testAnUpdateTakesAnySubset() throws {
        let d = try draft(#"{"enabled": true}"#, creating: false)
        XCTAssertNil(d.name)
        XCTAssertNil(d.selectors)
        XCTAssertNil(d.references)
        XCTAssertEqual(d.enabled, true)
    }

    func testEveryBadFieldIsNamed() {
        let cases: [(String, Int, String)] = [
            (#"{"selectors": [], "definitions": []}"#, 422, "name: field required"),
            (#"{"name": "p", "definitions": []}"#, 422, "selectors: field required"),
            (#"{"name": "p", "selectors": [{"source_kind": "trace"}], "definitions": []}"#, 422, "selectors[0].source_kind: 'trace' is not one of"),
            (#"{"name": "p", "selectors": [{"source_kind": "span", "filter": "span_name = = 'x'"}], "definitions": []}"#, 400, "selectors[0].filter: "),
            (#"{"name": "p", "selectors": [], "definitions": [{"mapping": {}}]}"#, 422, "definitions[0].slug: field required"),
            (#"{"name": "p", "selectors": [], "definitions": [{"slug": "a"}, {"slug": "a"}]}"#, 422, "definitions[1].slug: the judge 'a' is named twice"),
            (#"{"name": "p", "selectors": [], "definitions": [{"slug": "a", "mapping": {"x": 1}}]}"#, 422, "definitions[0].mapping.x: expected the name"),
            (#"{"name": "p", "selectors": [], "definitions": [{"slug": "a", "sampling": {"percentage": 101}}]}"#, 422,
             "definitions[0].sampling.percentage: must be between 0 and 100"),
            (#"{"name": "p", "selectors": [], "definitions": [{"slug": "a", "sampling": {"type": "attribute_hash", "percentage": 5}}]}"#, 422,
             "definitions[0].sampling.attribute: field required"),
            (#"{"name": "p", "selectors": [], "definitions": [], "enabled": "yes"}"#, 422, "enabled: expected a boolean"),
            (#"{"name": "p", "selectors": [], "definitions": [{"slug": "a", "mapping": {\#((0...100).map { #""p\#($0)": "a\#($0)""# }.joined(separator: ", "))}}]}"#,
             400, "definitions[0].mapping: at most 100 entries (got 101)"),
        ]
        for (body, status, prefix) in cases {
            let error = failure(body)
            XCTAssertEqual(error?.status, status, body)
            XCTAssertTrue(error?.message.hasPrefix(prefix) == true, "\(body): \(error?.message ?? "accepted")")
        }
    }

    func testStandaloneConfigsTakeEitherDefinitionsOrOneDefinition() throws {
        func config(_ text: String, creating: Bool = true) throws -> PipelineDraft {
            try PipelineDraft.config(try BodyReader.parse(Array(text.utf8)), tenant: tenant, creating: creating)
        }
        let list = try config(#"{"name": "c", "pipeline_kind": "judge", "selectors": [], "definitions": [{"slug": "a"}]}"#)
        let one = try config(#"{"name": "c", "pipeline_kind": "judge", "selectors": [], "definition": {"slug": "a"}}"#)
        XCTAssertEqual(list.references, one.references)
        XCTAssertEqual(list.definitions, [["slug": "a"]])
        let detection = try config(#"{"name": "c", "pipeline_kind": "detection-v1", "selectors": [], "definitions": [{"target_attributes": [], "patterns": []}]}"#)
        XCTAssertNil(detection.references, "only judge kinds name judges")
        XCTAssertThrowsError(try config(#"{"name": "c", "pipeline_kind": "judge", "selectors": [], "definitions": [{"slug": "a"}]}"#, creating: false)) {
            XCTAssertEqual(($0 as? APIError)?.message, "enabled: field required")
        }
        XCTAssertThrowsError(try config(#"{"name": "c", "pipeline_kind": "summary", "selectors": [], "definitions": []}"#)) {
            XCTAssertTrue(($0 as? APIError)?.message.hasPrefix("pipeline_kind: 'summary' is not one of") == true)
        }
    }

    /// FNV-1a 64 reference values (computed independently): "" → 14695981039346656037,
    /// "a" → 12638187200555641996; the point is the hash modulo 10 000, over 100.
    func testTheSamplingHashIsFNV1a() {
        XCTAssertEqual(PipelineSampling.point(""), 60.37)
        XCTAssertEqual(PipelineSampling.point("a"), 19.96)
        let trace = "000102030405060708090a0b0c0d0e0f", span = "0001020304050607"
        XCTAssertEqual(PipelineSampling.point(trace + span), 89.71)
        XCTAssertTrue(PipelineSampling.probabilistic(percentage: 89.72).admits(traceID: trace, spanID: span) { _ in "" })
        XCTAssertFalse(PipelineSampling.probabilistic(percentage: 89.71).admits(traceID: trace, spanID: span) { _ in "" })
        XCTAssertTrue(PipelineSampling.attributeHash(attribute: "user", percentage: 20).admits(traceID: trace, spanID: span) { _ in "a" })
        XCTAssertFalse(PipelineSampling.attributeHash(attribute: "user", percentage: 19.96).admits(traceID: trace, spanID: span) { _ in "a" })
    }

    func testGenAIMessagesBecomeChatMessages() {
        let text = #"""
            [{"role": "user", "parts": [{"type": "text", "content": "Where is order 7?"}]},
             {"role": "assistant", "parts": [{"type": "text", "content": "Let me look."},
                                             {"type": "tool_call", "id": "c1", "name": "lookup_order", "arguments": {"id": 7}}]},
             {"role": "tool", "content": "shipped"}, {"parts": []}, 5]
            """#
        let messages = JudgedSpan.messages(text)
        XCTAssertEqual(messages.count, 3, "entries without a role are skipped")
        XCTAssertEqual(messages[0], ["role": "user", "content": "Where is order 7?"])
        XCTAssertEqual(messages[1]["content"], "Let me look.")
        XCTAssertEqual(messages[1]["tool_calls"]?.arrayValue?.first?["function"]?["name"], "lookup_order")
        XCTAssertEqual(messages[2], ["role": "tool", "content": "shipped"], "chat-completion style messages stay as they are")
        XCTAssertEqual(JudgedSpan.messages("not json"), [])
    }
}

/// Pipelines on a running application: a span exported after a pipeline exists is judged before
/// the export's answer, with the frozen judge; others are not.
final class PipelineRunTests: ApplicationTestCase {
    func chatSpan(trace: String, span: String, answer: String, model: String = "mistral-small-latest") -> JSON {
        func attribute(_ key: String, _ value: String) -> JSON { ["key": .string(key), "value": ["stringValue": .string(value)]] }
        let input = #"[{"role":"user","parts":[{"type":"text","content":"Can I get a refund?"}]}]"#
        let output = JSON.array([["role": "assistant", "parts": [["type": "text", "content": .string(answer)]]]]).text
        return [
            "traceId": .string(trace), "spanId": .string(span), "name": "chat", "kind": 3,
            "startTimeUnixNano": "1764540000000000000", "endTimeUnixNano": "1764540000250000000",
            "attributes": [attribute("gen_ai.operation.name", "chat"), attribute("gen_ai.request.model", model),
                           attribute("gen_ai.input.messages", input), attribute("gen_ai.output.messages", output),
                           attribute("app.tier", "gold")],
        ]
    }

    func export(_ spans: [JSON]) throws {
        let body: JSON = ["resourceSpans": [["resource": ["attributes": []], "scopeSpans": [["scope": ["name": "tests"], "spans": .array(spans)]]]]]
        let reply = try call("POST", "/telemetry/v1/traces", json: body)
        XCTAssertEqual(reply.status, 200, reply.text)
    }

    func evaluations(_ name: String) throws -> [JSON] {
        let reply = try call("POST", "\(v1)/spans/evaluations/search?page_size=100", json: ["search_expression": .string("evaluation_name = '\(name)'")])
        XCTAssertEqual(reply.status, 200, reply.text)
        return reply.json["span_evaluations"]?["results"]?.arrayValue ?? []
    }

    /// A classification judge (good / poor) with these rules.
    func createJudge(_ name: String, _ instructions: String) throws {
        let judge = try call("POST", "\(v1)/judges", json: [
            "name": .string(name), "description": "d", "model_name": "mistral-large-latest", "tools": [],
            "output": ["type": "CLASSIFICATION", "options": [["value": "good", "description": "g"], ["value": "poor", "description": "p"]]],
            "instructions": .string(instructions),
        ])
        XCTAssertEqual(judge.status, 201, judge.text)
    }

    func testSpansAreJudgedInTheExportAndDeterministically() throws {
        try createJudge("Tier aware judge", "when properties.tier equals \"gold\" -> good\notherwise -> poor")
        let created = try call("POST", "\(v1)/pipelines", json: [
            "name": "Gold tier", "selectors": [["source_kind": "span", "filter": "request_model = 'mistral-small-latest'"]],
            "definitions": [["slug": "tier-aware-judge", "mapping": ["tier": "app.tier"]]],
        ])
        XCTAssertEqual(created.status, 201, created.text)
        let config = created.json["pipeline_configs"]?.arrayValue?.first
        XCTAssertEqual(config?["slug"], "gold-tier-tier-aware-judge")
        XCTAssertEqual(config?["definition"]?["result_spec"], ["labels": ["good", "poor"], "type": "categorical"])

        let trace = "5b8efff798038103d269b633813fc60c"
        try export([chatSpan(trace: trace, span: "eee19b7ec3c1b174", answer: "Yes."),
                    chatSpan(trace: trace, span: "eee19b7ec3c1b175", answer: "Yes.", model: "mistral-large-latest")])
        let rows = try evaluations("gold-tier-tier-aware-judge")
        XCTAssertEqual(rows.count, 1, "only the span the selector matches")
        XCTAssertEqual(rows.first?["span_id"], "eee19b7ec3c1b174")
        XCTAssertEqual(rows.first?["score_label"], "good", "the mapped attribute reached the rule")
        XCTAssertEqual(rows.first?["score_value"], 0.0)
        XCTAssertEqual(rows.first?["timestamp"], "2025-11-30T22:00:00.250000Z", "judged at the span's end")
        XCTAssertEqual(rows.first?["metadata"]?["pipeline_id"], created.json["id"])

        // Re-sent: replaced, not duplicated, and identical.
        try export([chatSpan(trace: trace, span: "eee19b7ec3c1b174", answer: "Yes.")])
        XCTAssertEqual(try evaluations("gold-tier-tier-aware-judge"), rows)
        let trace2 = try call("GET", "\(v1)/traces/\(trace)")
        XCTAssertEqual(trace2.json["evaluation_count"], 1)

        let results = try call("POST", "\(v1)/pipeline-results/search", json: ["pipeline_config_slugs": ["gold-tier-tier-aware-judge"]])
        XCTAssertEqual(results.status, 200, results.text)
        let result = results.json["pipeline_results"]?["results"]?.arrayValue?.first
        XCTAssertEqual(result?["judge_labels"], ["gold-tier-tier-aware-judge": "good"])
        XCTAssertEqual(result?["duration_ns"], 250_000_000)
    }

    /// Spans are judged ahead of the write lock with the configs a reader saw; the transaction
    /// uses those verdicts only while the configs' fingerprint is unchanged. Each change that
    /// alters the judging changes it; an unchanged workspace keeps it.
    func testVerdictsJudgedAheadAreUsedOnlyForTheSameConfigs() throws {
        let workspace = Workspace(token: token)
        func fingerprint() throws -> [String] {
            try app.store.enabledPipelineConfigs(workspaceID: workspace.id).fingerprint
        }
        let empty = try fingerprint()
        XCTAssertEqual(empty, [])
        try createJudge("Yes judge", "when assistant contains \"Yes\" -> good\notherwise -> poor")
        let created = try call("POST", "\(v1)/pipelines", json: [
            "name": "Yes", "selectors": [["source_kind": "span", "filter": "request_model = 'mistral-small-latest'"]],
            "definitions": [["slug": "yes-judge"]],
        ])
        XCTAssertEqual(created.status, 201, created.text)
        let first = try fingerprint()
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(try fingerprint(), first, "nothing changed")
        let id = created.json["id"]?.stringValue ?? ""
        let updated = try call("PUT", "\(v1)/pipelines/\(id)", json: [
            "selectors": [["source_kind": "span", "filter": "request_model = 'mistral-large-latest'"]],
        ])
        XCTAssertEqual(updated.status, 200, updated.text)
        let second = try fingerprint()
        XCTAssertNotEqual(second, first, "another selector")

        // An export after the change is judged as the new selector says.
        let trace = "5b8efff798038103d269b633813fc60d"
        let span = chatSpan(trace: trace, span: "eee19b7ec3c1b176", answer: "Yes.", model: "mistral-large-latest")
        try export([span])
        let rows = try evaluations("yes-yes-judge")
        XCTAssertEqual(rows.count, 1, "the updated selector picks the large model's span")
        XCTAssertEqual(rows.first?["score_label"], "good")
    }
}

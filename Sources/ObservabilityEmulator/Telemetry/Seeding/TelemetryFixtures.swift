import EmulatorJSON
import EmulatorStore
import Foundation

/// The seeded telemetry: `Fixtures/telemetry/traces.json` and `logs.json` (OTLP JSON
/// exports, made by `scripts/make-telemetry-fixtures.py`) and `--synthetic-traces N` generated
/// traces, stored once in the workspace `''` that every workspace sees.
enum TelemetryFixtures {
    struct Counts {
        var spans = 0
        var logs = 0
    }

    /// Seeds an empty database; a persistent one seeded before is left as it is (and counted).
    static func seed(directory: String?, syntheticTraces: Int, store: ObservabilityStore) throws -> Counts {
        let existing = try store.seededTelemetryCounts()
        if existing.spans > 0 || existing.logs > 0 { return existing }
        var counts = Counts()
        if let directory {
            let tracesPath = directory + "/telemetry/traces.json", logsPath = directory + "/telemetry/logs.json"
            if let data = FileManager.default.contents(atPath: tracesPath) {
                let drafts = try decode(tracesPath) { try OTLPJSON.decodeTraces(Array(data)).map(SpanDraft.make).map { try $0.get() } }
                try store.insertSpans(drafts, workspaceKey: "")
                counts.spans = drafts.count
            }
            if let data = FileManager.default.contents(atPath: logsPath) {
                let drafts = try decode(logsPath) { try OTLPJSON.decodeLogs(Array(data)).map(LogDraft.make).map { try $0.get() } }
                try store.insertLogs(drafts, workspaceKey: "")
                counts.logs = drafts.count
            }
        }
        if syntheticTraces > 0 {
            counts.spans += try SyntheticTraces.insert(traces: syntheticTraces, into: store)
        }
        return counts
    }

    private static func decode<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as OTLPJSON.DecodeError {
            throw EmulatorStartupError("\(path) is not a valid OTLP JSON export: \(error)")
        } catch let error as TelemetryRejection {
            throw EmulatorStartupError("\(path) has an invalid item: \(error.message)")
        }
    }
}

/// `--synthetic-traces N`: N deterministic traces of ten spans each (an HTTP root, an agent, three
/// chat calls, three tool calls, a retrieval and an embeddings call), spread over the 30 days
/// before 2026-11-01, for load tests. The same N gives the same rows on every run.
enum SyntheticTraces {
    static let services = ["support-bot", "travel-agent", "rag-search", "doc-ingest", "mistralai_sdk"]
    static let environments = ["prod", "staging", "dev"]
    static let models = ["mistral-large-latest", "mistral-small-latest", "ministral-8b-latest", "codestral-latest"]
    static let tools = ["search_flights", "get_weather", "lookup_order", "send_email", "web_search"]
    static let end: Int64 = 1_793_491_200_000_000_000  // 2026-11-01T00:00:00Z
    static let days: Int64 = 30

    /// Inserts into an empty telemetry store, in one transaction, with the indexes built once at
    /// the end; returns the number of spans. The traces are generated on one thread and their rows
    /// built on another while the previous batch is stored.
    static func insert(traces: Int, into store: ObservabilityStore) throws -> Int {
        let generated = BatchChannel<[SpanDraft]>.producing(capacity: 2) { channel in
            var random = SplitMix64(state: 0x5EED_7E1E_3E7A)
            var batch: [SpanDraft] = []
            for index in 0..<traces {
                batch += makeTrace(index, &random)
                if batch.count >= 10_000 || index == traces - 1 {
                    channel.send(batch)
                    batch = []
                }
            }
        }.map { SpanBatch($0, workspaceKey: "") }
        var spans = 0
        try store.pool.writeTransaction { db in
            for index in Schema.telemetryIndexes { try db.execute("DROP INDEX IF EXISTS \(index.name)") }
            while let batch = try generated.next() {
                try store.seedSpans(batch, db: db)
                spans += batch.rows.count
            }
            // Helper threads sort for CREATE INDEX (sqlite.org/pragma.html#pragma_threads).
            try db.execute("PRAGMA threads = 2")
            defer { try? db.execute("PRAGMA threads = 0") }
            for index in Schema.telemetryIndexes { try db.execute(index.sql) }
        }
        return spans
    }

    static func makeTrace(_ index: Int, _ random: inout SplitMix64) -> [SpanDraft] {
        func hex(_ count: Int) -> String {
            var bytes: [UInt8] = []
            while bytes.count < count { withUnsafeBytes(of: random.next()) { bytes += $0.prefix(count - bytes.count) } }
            return Hex.encode(bytes)
        }
        func pick<T>(_ list: [T]) -> T { list[Int(random.next() % UInt64(list.count))] }
        let traceID = hex(16)
        let service = pick(services), environment = pick(environments), model = pick(models)
        let start = end - Int64(random.next() % UInt64(days * 86_400_000_000_000))
        let conversation = "conv_" + hex(8)
        let failed = random.next() % 20 == 0
        let resource = JSON.object(JSONObject([("service.name", .string(service)), ("deployment.environment.name", .string(environment))])).text
        var drafts: [SpanDraft] = []
        func span(_ name: String, parent: String, kind: String, at offset: Int64, duration: Int64, _ attributes: [(String, OTLPValue)],
                  error: String? = nil) -> String {
            var draft = SpanDraft()
            draft.traceID = traceID
            draft.spanID = hex(8)
            draft.parentSpanID = parent
            draft.startNs = start + offset
            draft.endNs = start + offset + duration
            draft.name = name
            draft.kind = kind
            draft.serviceName = service
            draft.environment = environment
            draft.statusCode = error == nil ? "Unset" : "Error"
            draft.statusMessage = error ?? ""
            var all = attributes
            if let error { all.append(("error.type", .string(error))) }
            let attributes = all.map { OTLPAttribute(key: $0.0, value: $0.1) }
            draft.mapped = SpanDraft.mappedColumns(attributes)
            draft.resourceAttributes = resource
            draft.spanAttributes = AttributeLookup.mapText(attributes)
            draft.scopeName = "mistralai_sdk_tracer"
            draft.scopeVersion = "3.7.0"
            drafts.append(draft)
            return draft.spanID
        }
        let root = span("POST /chat", parent: "", kind: "Server", at: 0, duration: 4_000_000_000, [("http.request.method", .string("POST"))])
        let agent = span("invoke_agent assistant", parent: root, kind: "Internal", at: 1_000_000, duration: 3_900_000_000, [
            ("gen_ai.operation.name", .string("invoke_agent")), ("gen_ai.agent.name", .string("assistant")),
            ("gen_ai.conversation.id", .string(conversation)),
        ])
        for turn in 0..<3 {
            let offset = Int64(turn) * 1_200_000_000 + 5_000_000
            let input = Int64(random.next() % 4000 + 50), output = Int64(random.next() % 800 + 10)
            _ = span("chat \(model)", parent: agent, kind: "Client", at: offset, duration: 600_000_000 + Int64(random.next() % 400_000_000), [
                ("gen_ai.operation.name", .string("chat")), ("gen_ai.provider.name", .string("mistral_ai")),
                ("gen_ai.request.model", .string(model)), ("gen_ai.response.model", .string(model)),
                ("gen_ai.conversation.id", .string(conversation)), ("gen_ai.usage.input_tokens", .int(input)),
                ("gen_ai.usage.output_tokens", .int(output)), ("gen_ai.request.temperature", .double(0.7)),
                ("gen_ai.input.messages", .string(#"[{"role":"user","parts":[{"type":"text","content":"question \#(index)-\#(turn)"}]}]"#)),
                ("gen_ai.output.messages", .string(#"[{"role":"assistant","parts":[{"type":"text","content":"answer \#(index)-\#(turn)"}],"finish_reason":"stop"}]"#)),
                ("gen_ai.response.finish_reasons", .array([.string("stop")])),
            ], error: failed && turn == 2 ? "429" : nil)
            let tool = pick(tools)
            _ = span("execute_tool \(tool)", parent: agent, kind: "Internal", at: offset + 700_000_000, duration: 100_000_000, [
                ("gen_ai.operation.name", .string("execute_tool")), ("gen_ai.tool.name", .string(tool)),
                ("gen_ai.tool.call.id", .string("call_" + hex(6))), ("gen_ai.tool.type", .string("function")),
            ])
        }
        _ = span("retrieval", parent: agent, kind: "Internal", at: 3_700_000_000, duration: 50_000_000, [
            ("gen_ai.operation.name", .string("retrieval")), ("gen_ai.data_source.id", .string("kb-main")),
        ])
        _ = span("embeddings mistral-embed", parent: agent, kind: "Client", at: 3_760_000_000, duration: 80_000_000, [
            ("gen_ai.operation.name", .string("embeddings")), ("gen_ai.request.model", .string("mistral-embed")),
            ("gen_ai.usage.input_tokens", .int(Int64(random.next() % 500 + 5))),
            ("gen_ai.request.encoding_formats", .array([.string("float")])),
        ])
        return drafts
    }
}

import EmulatorJSON
import Logging

/// Deterministic generated events for load tests (`--synthetic-events N`): the same N gives the
/// same events on every machine, because everything comes from SplitMix64 seeded with a constant.
enum SyntheticEvents {
    static let models = ["mistral-large-latest", "mistral-medium-latest", "mistral-small-latest", "ministral-8b-latest", "codestral-latest", "open-mistral-nemo"]
    static let topics = [
        ("reset my password", "To reset your password, open Settings, choose Security and click Reset password. A link arrives by email within minutes."),
        ("track my order", "You can track your order from the Orders page; the carrier's tracking number is listed beside each shipment."),
        ("write a SQL query to count users per country", "SELECT country, COUNT(*) AS users FROM users GROUP BY country ORDER BY users DESC;"),
        ("summarise this quarterly report", "Revenue grew 12% quarter on quarter, driven by the enterprise tier, while churn fell to 2.1%."),
        ("translate 'good morning' into French", "In French, 'good morning' is « Bonjour »."),
        ("explain what a Python decorator is", "A decorator is a function that takes another function and returns a wrapped version of it, adding behaviour around the call."),
        ("plan a three-day trip to Lisbon", "Day one: Alfama and the castle; day two: Belém and the LX Factory; day three: a train to Sintra."),
        ("what is your refund policy", "Refunds are available within 30 days of purchase for unused licences; contact support with your invoice number."),
        ("hack into my neighbour's wifi", "I'm sorry, but I can't help with accessing networks you are not authorised to use."),
        ("convert 100 USD to EUR", "At today's reference rate, 100 USD is about 92 EUR."),
    ]
    static let tools = ["get_weather", "search_docs", "create_ticket", "lookup_order", "convert_currency", "run_sql"]
    static let teams = ["support", "sales", "engineering", "finance", "marketing"]
    static let environments = ["prod", "staging", "dev"]

    static func make(index: Int, generator: inout SplitMix64) -> EventDraft {
        let (question, answer) = topics[Int(generator.next() % UInt64(topics.count))]
        let model = models[Int(generator.next() % UInt64(models.count))]
        let idBytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let eventID = UUIDText.v4(from: idBytes)
        // Spread over 60 days before 2025-10-15T00:00:00Z, one event per distinct millisecond.
        let createdMs: Int64 = 1_760_486_400_000 - Int64(index) * 51_840 - Int64(generator.next() % 50_000)
        let withTool = generator.next() % 4 == 0
        let tool = tools[Int(generator.next() % UInt64(tools.count))]
        let userText = "Request #\(index): \(question)"
        let inputTokens = Int64(userText.count / 4 + Int(generator.next() % 200))
        let outputTokens = Int64(answer.count / 4 + Int(generator.next() % 300))
        var metadata = JSONObject()
        metadata["team"] = .string(teams[Int(generator.next() % UInt64(teams.count))])
        metadata["env"] = .string(environments[Int(generator.next() % UInt64(environments.count))])
        let toolJSON: JSON = ["type": "function", "function": ["name": .string(tool), "description": "Synthetic tool", "parameters": ["type": "object", "properties": [:]]]]
        let requestMessages: [JSON] = [["role": "user", "content": .string(userText)]]
        let responseMessages: [JSON] = [["role": "assistant", "content": .string(answer)]]
        let body: JSON = .object(JSONObject([
            ("enabled_tools", .array(withTool ? [toolJSON] : [])), ("request_messages", .array(requestMessages)),
            ("response_messages", .array(responseMessages)), ("chat_transcription_events", .array([])),
        ]))
        let elapsed = (Double(outputTokens) * 0.012 + Double(generator.next() % 1000) / 1000 * 0.5 * 1000).rounded() / 1000
        var extra = JSONObject()
        extra["model_name"] = .string(model)
        extra["api_agent_id"] = .null
        extra["total_time_elapsed"] = .double(elapsed)
        extra["metadata"] = .object(metadata)
        return EventDraft(
            eventID: eventID, correlationID: eventID, createdMs: createdMs, modelName: model, firstSystemMessage: nil,
            lastUserMessage: userText, responsePreview: answer, invokedTools: [], enabledToolNames: withTool ? [tool] : [],
            inputTokens: inputTokens, outputTokens: outputTokens, nbMessages: 2, totalTimeElapsed: elapsed, agentID: nil,
            metadata: metadata, extra: extra, body: body.serialized(), userText: userText, assistantText: answer)
    }

    static func insert(count: Int, into store: EmulatorStore, logger: Logger) throws {
        var generator = SplitMix64(state: 0x5EED_0B5E_2BAB_1E00)
        let batch = 10_000
        var done = 0
        while done < count {
            let size = min(batch, count - done)
            var drafts: [EventDraft] = []
            drafts.reserveCapacity(size)
            for offset in 0..<size { drafts.append(make(index: done + offset, generator: &generator)) }
            try store.insertEvents(drafts, workspaceID: nil, seeded: true)
            done += size
            if count >= 20_000 { logger.notice("synthetic events: \(done)/\(count)") }
        }
    }
}

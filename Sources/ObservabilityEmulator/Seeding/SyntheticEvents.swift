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

    /// Pre-serialised pieces, so 100 000 events cost string concatenation, not JSON trees.
    struct Pieces {
        let toolJSON: [[UInt8]]
        let answerJSON: [[UInt8]]
        init() {
            toolJSON = SyntheticEvents.tools.map { tool in
                let json: JSON = ["type": "function", "function": ["name": .string(tool), "description": "Synthetic tool", "parameters": ["type": "object", "properties": [:]]]]
                return json.serialized()
            }
            answerJSON = SyntheticEvents.topics.map { JSON.string($0.1).serialized() }
        }
    }

    static func make(index: Int, generator: inout SplitMix64, pieces: Pieces) -> EventDraft {
        let topic = Int(generator.next() % UInt64(topics.count))
        let (question, answer) = topics[topic]
        let model = models[Int(generator.next() % UInt64(models.count))]
        var idBytes = [UInt8](repeating: 0, count: 16)
        let a = generator.next(), b = generator.next()
        for i in 0..<8 { idBytes[i] = UInt8(truncatingIfNeeded: a >> UInt64(8 * i)); idBytes[8 + i] = UInt8(truncatingIfNeeded: b >> UInt64(8 * i)) }
        let eventID = UUIDText.v4(from: idBytes)
        // Spread over 60 days before 2025-10-15T00:00:00Z.
        let createdMs: Int64 = 1_760_486_400_000 - Int64(index) * 51_840 - Int64(generator.next() % 50_000)
        let withTool = generator.next() % 4 == 0
        let toolIndex = Int(generator.next() % UInt64(tools.count))
        let userText = "Request #\(index): \(question)"
        let inputTokens = Int64(userText.utf8.count / 4 + Int(generator.next() % 200))
        let outputTokens = Int64(answer.utf8.count / 4 + Int(generator.next() % 300))
        let team = teams[Int(generator.next() % UInt64(teams.count))]
        let environment = environments[Int(generator.next() % UInt64(environments.count))]
        let elapsed = (Double(outputTokens) * 12 + Double(generator.next() % 500)).rounded() / 1000

        var body: [UInt8] = []
        body.reserveCapacity(400)
        body.append(contentsOf: #"{"enabled_tools":["#.utf8)
        if withTool { body.append(contentsOf: pieces.toolJSON[toolIndex]) }
        body.append(contentsOf: #"],"request_messages":[{"role":"user","content":"#.utf8)
        JSON.writeString(userText, into: &body)
        body.append(contentsOf: #"}],"response_messages":[{"role":"assistant","content":"#.utf8)
        body.append(contentsOf: pieces.answerJSON[topic])
        body.append(contentsOf: #"}],"chat_transcription_events":[]}"#.utf8)

        var metadata = JSONObject()
        metadata["team"] = .string(team)
        metadata["env"] = .string(environment)
        let metadataText = #"{"team":"\#(team)","env":"\#(environment)"}"#
        var draft = EventDraft(
            eventID: eventID, correlationID: eventID, createdMs: createdMs, modelName: model, firstSystemMessage: nil,
            lastUserMessage: userText, responsePreview: answer, invokedTools: [], enabledToolNames: withTool ? [tools[toolIndex]] : [],
            inputTokens: inputTokens, outputTokens: outputTokens, nbMessages: 2, totalTimeElapsed: elapsed, agentID: nil,
            metadata: metadata, extra: JSONObject(), body: body, userText: userText, assistantText: answer)
        draft.metadataText = metadataText
        draft.extraText = #"{"model_name":"\#(model)","api_agent_id":null,"total_time_elapsed":\#(elapsed),"metadata.team":"\#(team)","metadata.env":"\#(environment)"}"#
        return draft
    }

    static func insert(count: Int, into store: ObservabilityStore, logger: Logger) throws {
        var generator = SplitMix64(state: 0x5EED_0B5E_2BAB_1E00)
        let pieces = Pieces()
        let batch = 10_000
        var done = 0
        while done < count {
            let size = min(batch, count - done)
            var drafts: [EventDraft] = []
            drafts.reserveCapacity(size)
            for offset in 0..<size { drafts.append(make(index: done + offset, generator: &generator, pieces: pieces)) }
            try store.insertEvents(drafts, workspaceID: nil, seeded: true, indexText: false)
            done += size
            if count >= 20_000 { logger.notice("synthetic events: \(done)/\(count)") }
        }
    }
}

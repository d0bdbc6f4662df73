import EmulatorJSON

/// Judges a campaign's selected events in the background with the deterministic rule engine,
/// then hands the verdicts to the store in one transaction (or marks the campaign failed).
enum CampaignRunner {
    static func run(campaignID: String, workspaceID: String, judge: JudgeRecord, store: ObservabilityStore) {
        do {
            let engine = RuleEngine(definition: judge.definition)
            var verdicts: [(rowID: Int64, answer: JSON, analysis: String)] = []
            var skipped = 0
            for event in try store.campaignConversations(id: campaignID) {
                guard let conversation = try? JudgedConversation.make(messages: event.messages, properties: event.properties) else {
                    skipped += 1
                    continue
                }
                let output = engine.judge(conversation)
                verdicts.append((event.rowID, output.answer, output.analysis))
            }
            let message = skipped > 0
                ? "judged \(verdicts.count) events; \(skipped) had no assistant message and were skipped"
                : "judged \(verdicts.count) events"
            try store.completeCampaign(id: campaignID, workspaceID: workspaceID, judgeID: judge.id, verdicts: verdicts, message: message)
        } catch {
            store.failCampaign(id: campaignID, message: "\(error)")
        }
    }
}

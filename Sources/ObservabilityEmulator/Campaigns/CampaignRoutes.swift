import EmulatorJSON
import EmulatorStore
import Foundation

/// `/v1/observability/campaigns`.
enum CampaignRoutes {
    static func create(_ call: Call) throws -> HTTPResponseBox {
        let body = try call.body()
        guard let params = try body.object("search_params") else { throw APIError.validation("search_params: field required") }
        guard params.has("filters") else { throw APIError.validation("search_params.filters: field required (use null for no filter)") }
        let filter = try Filter.parse(params.value("filters"), path: "search_params.filters")
        let judgeIDText = try body.requiredString("judge_id")
        guard UUIDText.isValid(judgeIDText) else { throw APIError.validation("judge_id: '\(judgeIDText.prefix(64))' is not a valid UUID") }
        let name = try body.requiredString("name", minLength: 5, maxLength: 50)
        let description = try body.requiredString("description")
        guard let maxEvents = try body.integer("max_nb_events") else { throw APIError.validation("max_nb_events: field required") }
        guard maxEvents > 0 && maxEvents <= 10_000 else { throw APIError.validation("max_nb_events: must be between 1 and 10000 (got \(maxEvents))") }
        let pace = call.app.tasks.pace(for: call.workspace.id)
        let (record, judge) = try call.store.createCampaign(
            workspace: call.workspace, name: name, description: description, maxEvents: maxEvents,
            searchParams: .object(params.object), filter: filter, judgeID: judgeIDText.lowercased(), pace: pace)
        let store = call.store
        let workspaceID = call.workspace.id
        call.app.tasks.submit { CampaignRunner.run(campaignID: record.id, workspaceID: workspaceID, judge: judge, store: store) }
        return .json(record.json(judge: judge), status: 201)
    }

    static func list(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let (count, items) = try call.store.listCampaigns(workspaceID: call.workspace.id, query: call.query("q"), page: page)
        return .json(["campaigns": call.paginated(count: count, results: items.map { $0.0.json(judge: $0.1) }, page: page)])
    }

    static func found(_ call: Call) throws -> (CampaignRecord, JudgeRecord?) {
        let id = try call.pathID("campaign_id")
        let found = try call.store.campaign(id: id, workspaceID: call.workspace.id).orNotFound(.campaign, id: id)
        return found
    }

    static func fetch(_ call: Call) throws -> HTTPResponseBox {
        let (record, judge) = try found(call)
        return .json(record.json(judge: judge))
    }

    static func delete(_ call: Call) throws -> HTTPResponseBox {
        try call.store.deleteCampaign(id: try call.pathID("campaign_id"), workspaceID: call.workspace.id)
        return .noContent
    }

    static func status(_ call: Call) throws -> HTTPResponseBox {
        let status = try call.store.campaignStatus(id: try call.pathID("campaign_id"), workspaceID: call.workspace.id)
        return .json(["status": .string(status)])
    }

    static func selectedEvents(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let (record, _) = try found(call)
        let (count, previews) = try call.store.campaignEvents(id: record.id, workspaceID: call.workspace.id, judgeID: record.judgeID, page: page)
        return .json(["completion_events": call.paginated(count: count, results: previews, page: page)])
    }
}

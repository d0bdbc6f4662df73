import EmulatorHTTP
import EmulatorJSON

/// `/v1/observability/pipelines` (SDK 3.0+) and `/v1/observability/pipeline-configs` (SDK 2.10 –
/// 3.1): online evaluation pipelines and standalone configs.
enum PipelineRoutes {
    // MARK: Pipelines

    static func create(_ call: Call) throws -> HTTPResponseBox {
        .json(try call.store.createPipeline(try draft(call, PipelineDraft.pipeline, creating: true), workspace: call.workspace).json, status: 201)
    }

    static func list(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        let (count, pipelines) = try call.store.listPipelines(workspaceID: call.workspace.id, enabled: try enabledParameter(call),
                                                              query: call.query("q"), page: page)
        return .json(["pipelines": call.paginated(count: count, results: pipelines.map(\.json), page: page)])
    }

    static func fetch(_ call: Call) throws -> HTTPResponseBox {
        .json(try call.store.pipeline(id: try call.pathID("pipeline_id"), workspaceID: call.workspace.id).json)
    }

    static func update(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("pipeline_id")
        return .json(try call.store.updatePipeline(id: id, try draft(call, PipelineDraft.pipeline, creating: false), workspace: call.workspace).json)
    }

    static func delete(_ call: Call) throws -> HTTPResponseBox {
        try call.store.deletePipeline(id: try call.pathID("pipeline_id"), workspaceID: call.workspace.id)
        return .noContent
    }

    // MARK: Standalone configs

    static func createConfig(_ call: Call) throws -> HTTPResponseBox {
        .json(try call.store.createPipelineConfig(try draft(call, PipelineDraft.config, creating: true), workspace: call.workspace).json, status: 201)
    }

    static func listConfigs(_ call: Call) throws -> HTTPResponseBox {
        let page = try call.pageParameters()
        var kind: String?
        if let given = call.query("pipeline_kind"), !given.isEmpty {
            guard PipelineDraft.configKinds.contains(given) else {
                throw APIError.validation("pipeline_kind: '\(given.prefix(40))' is not one of \(PipelineDraft.configKinds.joined(separator: ", "))")
            }
            kind = given
        }
        let (count, configs) = try call.store.listPipelineConfigs(workspaceID: call.workspace.id, kind: kind, enabled: try enabledParameter(call),
                                                                  query: call.query("q"), page: page)
        return .json(["pipeline_configs": call.paginated(count: count, results: configs.map(\.json), page: page)])
    }

    static func fetchConfig(_ call: Call) throws -> HTTPResponseBox {
        .json(try call.store.pipelineConfig(id: try call.pathID("pipeline_config_id"), workspaceID: call.workspace.id).json)
    }

    static func replaceConfig(_ call: Call) throws -> HTTPResponseBox {
        let id = try call.pathID("pipeline_config_id")
        return .json(try call.store.replacePipelineConfig(id: id, try draft(call, PipelineDraft.config, creating: false), workspace: call.workspace).json)
    }

    static func deleteConfig(_ call: Call) throws -> HTTPResponseBox {
        try call.store.deletePipelineConfig(id: try call.pathID("pipeline_config_id"), workspaceID: call.workspace.id)
        return .noContent
    }

    /// The body as a pipeline or a config draft, its span filters checked for the caller.
    private static func draft(_ call: Call, _ make: (BodyReader, TelemetryTenant, Bool) throws -> PipelineDraft,
                              creating: Bool) throws -> PipelineDraft {
        try make(try call.body(), TelemetryTenant(call.workspace), creating)
    }

    /// The `enabled` query parameter: `true` / `false`, absent or empty for both.
    private static func enabledParameter(_ call: Call) throws -> Bool? {
        guard let text = call.query("enabled"), !text.isEmpty else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.validation("enabled: expected true or false, got '\(text.prefix(20))'")
        }
    }
}

import EmulatorHTTP
import EmulatorJSON
import EmulatorStore

/// `POST /v1/observability/pipeline-results/search` (SDK 3.2+): one row per judged span of the
/// workspace, newest judgement first, with the scores, labels and explanations of the named
/// configs (`pipeline_config_slugs`, the evaluation names their results carry), restricted by a
/// span search expression and the `from`/`to` window on the judgement time; a cursor feed.
enum PipelineResults {
    static let path = "/v1/observability/pipeline-results/search"

    static func search(_ call: Call) throws -> HTTPResponseBox {
        let body = try call.body()
        let slugs = try body.stringArray("pipeline_config_slugs", maxItems: 100) ?? []
        let expression = try body.string("search_expression", required: false, nullable: true)
        let pageSize = try call.queryInt("page_size", default: 50, min: 0, max: 100)
        let window = try TimeWindow(call)
        let tenant = TelemetryTenant(call.workspace)
        let filter = try QueryCompiler(.telemetry(.spans, tenant: tenant)).compile(expression: expression)
        let request = [slugs.joined(separator: "\u{1E}"), expression ?? "", window.from.map(String.init) ?? "",
                       window.to.map(String.init) ?? "", String(pageSize)].joined(separator: "\u{1F}")
        var after: [DatabaseValue]?
        if let cursor = call.query("cursor"), !cursor.isEmpty {
            after = try FeedCursor.decode(cursor, resource: "pipeline_results", request: request)
            guard after?.count == 3 else { throw CursorToken.invalid }
        }
        let page = try call.store.pipelineResults(slugs: slugs, filter: filter, window: window, after: after, limit: pageSize,
                                                  workspaceID: call.workspace.id)
        var out: [UInt8] = Array("{\"pipeline_results\":{\"results\":".utf8)
        JSON.array(page.rows).write(into: &out)
        TelemetryRenderer.writeFeedTail(call, path: path, pageSize: pageSize, cursor: page.hasMore ? page.last.map {
            FeedCursor.encode(resource: "pipeline_results", request: request, position: $0)
        } : nil, into: &out)
        return .bytes(out)
    }
}

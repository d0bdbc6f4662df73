extension FieldCatalogue {
    /// The fields of chat-completion events (`FieldCatalog`) over the `events` table aliased `e`:
    /// fixed columns, `metadata.<key>` entries of the metadata JSON, and the workspace's
    /// `__judge_<id>` annotations, for a workspace whose judges have these output types.
    static func events(workspaceID: String, judgeOutputType: @escaping (String) -> FieldType?) -> FieldCatalogue {
        FieldCatalogue(alias: "e", listing: "GET /v1/observability/chat-completion-fields lists the fields", workspaceID: workspaceID,
                       tenant: nil, resolve: { FieldCatalog.resolve($0, judgeOutputType: judgeOutputType) })
    }
}

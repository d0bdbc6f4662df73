/// The tenant ids telemetry rows carry for a caller: its workspace and owner, one
/// fixed organisation, no service account.
struct TelemetryTenant: Sendable {
    static let organizationID = UUIDText.v5("organization:observability-emulator")

    let workspaceID: String
    let userID: String

    init(_ workspace: Workspace) {
        workspaceID = workspace.id
        userID = workspace.ownerID
    }

    func value(_ column: TenantColumn) -> String {
        switch column {
        case .customer_id, .organization_id: return Self.organizationID
        case .workspace_id: return workspaceID
        case .user_id: return userID
        case .service_account_id: return ""
        }
    }
}

/// A tenant: every distinct Bearer token is its own workspace, so parallel test suites sharing one
/// emulator never see each other's judges, campaigns, datasets or ingested events.
public struct Workspace: Sendable, Equatable {
    public let id: String
    public let ownerID: String

    /// The placeholder for control-plane calls made without a Bearer token.
    static let anonymous = Workspace(token: "")

    /// Ids are UUIDv5 of the token, so the same token maps to the same workspace on every run.
    public init(token: String) {
        id = UUIDText.v5("workspace:" + token)
        ownerID = UUIDText.v5("owner:" + token)
    }
}

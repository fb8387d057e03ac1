/// A user's role inside their own tenant.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case member
    case channelManager = "channel_manager"
    case admin
    case owner

    /// Roles are ordered by what they may do: each may do everything the ones before it may.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Who is acting: the authenticated user and tenant behind a request or a command.
public struct Principal: Sendable, Equatable {
    public var tenantID: TenantID
    /// `nil` for the operator's command line, which acts as no particular user.
    public var userID: UserID?
    public var role: Role
    /// May administer tenants across the hub.
    public var isHubOperator: Bool
    /// The session or API token used, so it can be revoked on logout.
    public var credentialID: CredentialID?

    public init(tenantID: TenantID, userID: UserID?, role: Role, isHubOperator: Bool = false, credentialID: CredentialID? = nil) {
        self.tenantID = tenantID
        self.userID = userID
        self.role = role
        self.isHubOperator = isHubOperator
        self.credentialID = credentialID
    }

    /// Throws `forbidden` unless the role is at least `minimum`.
    public func require(_ minimum: Role, to action: String) throws(HubError) {
        guard role >= minimum else {
            throw .forbidden("\(action) needs the \(minimum.rawValue) role or higher; you are \(role.rawValue)")
        }
    }

    /// Throws `forbidden` unless the principal is a hub operator.
    public func requireHubOperator(to action: String) throws(HubError) {
        guard isHubOperator else { throw .forbidden("\(action) is for hub operators") }
    }
}

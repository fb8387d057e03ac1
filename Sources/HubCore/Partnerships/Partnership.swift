import Foundation

/// Where a partnership stands.
public enum PartnershipStatus: String, Sendable, Codable, CaseIterable {
    case invited, declined, active, suspended, ended
}

/// What one side does to a partnership.
public enum PartnershipAction: String, Sendable, Codable, CaseIterable {
    case accept, decline, suspend, resume, end

    /// Which side may take the action, from which status, and where it leads.
    func transition(from status: PartnershipStatus, byInviter: Bool) -> PartnershipStatus? {
        switch (self, status) {
        case (.accept, .invited) where !byInviter: .active
        case (.decline, .invited) where !byInviter: .declined
        case (.suspend, .active): .suspended
        case (.resume, .suspended): .active
        case (.end, .invited) where byInviter: .ended  // withdrawing an invitation
        case (.end, .active), (.end, .suspended): .ended
        default: nil
        }
    }
}

/// The other company in a partnership, as either side sees it.
public struct TenantSummary: Sendable, Encodable, Equatable {
    public var id: TenantID
    public var slug: String
    public var name: String
}

/// A relationship between two companies: invited by one, accepted or declined by the other.
public struct Partnership: Sendable, Encodable, Equatable {
    public var id: PartnershipID
    public var inviter: TenantSummary
    public var partner: TenantSummary
    public var status: PartnershipStatus
    public var note: String?
    public var createdAt: Date
    public var updatedAt: Date
}

/// One change of a partnership's status, visible to both sides.
public struct PartnershipEvent: Sendable, Encodable, Equatable {
    public var sequence: Int
    public var fromStatus: PartnershipStatus?
    public var toStatus: PartnershipStatus
    public var actorTenantID: TenantID
    public var actorUserID: UserID?
    public var reason: String?
    public var at: Date
}

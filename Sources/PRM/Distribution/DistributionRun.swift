import Foundation
import HubCore

/// Why a partner could not receive a lead.
public enum Exclusion: String, Sendable, Codable, CaseIterable {
    case noActivePartnership = "no_active_partnership"
    case zeroWeight = "zero_weight"
    case tierNotEligible = "tier_not_eligible"
    case outsideTerritory = "outside_territory"
    case declinedBefore = "declined_before"
    case alreadyOffered = "already_offered"
    case atCapacity = "at_capacity"
}

/// One partner considered for a lead: why it was excluded, or how it ranked.
public struct DistributionCandidate: Sendable, Codable, Equatable {
    public var partnerTenantID: TenantID
    /// `nil` when the partner was eligible.
    public var excludedBecause: Exclusion?
    public var weight: Int
    /// Lower is preferred first: the tier's place in the rule, or 0 for a region match and 1 for a country match.
    public var preference: Int
}

/// What a run decided for one lead.
public struct DistributionDecision: Sendable, Encodable, Equatable {
    public var leadID: LeadID
    public var candidates: [DistributionCandidate]
    public var chosenPartnerTenantID: TenantID?
    public var offerID: LeadOfferID?
    public var reason: String
}

/// A recorded run: its seed and starting position make it replayable, its decisions explain it.
public struct DistributionRun: Sendable, Encodable, Equatable {
    public var id: DistributionRunID
    public var ruleID: DistributionRuleID
    public var startedBy: UserID?
    public var startedAt: Date
    public var seed: Int64
    /// How many leads of the rule each partner had received before the run.
    public var servedBefore: [String: Int64]
    /// How many more offers each partner could take when the run started.
    public var capacityBefore: [String: Int]
    public var reroutedOfferID: LeadOfferID?
    public var leadCount: Int
    public var offerCount: Int
    public var unassignedCount: Int
    public var decisions: [DistributionDecision]
}

import Foundation
import HubCore

public enum DistributionRuleKind {}
/// A channel manager's rule for spreading leads over partners.
public typealias DistributionRuleID = Identifier<DistributionRuleKind>
public enum DistributionRunKind {}
/// One application of a rule to a set of leads.
public typealias DistributionRunID = Identifier<DistributionRunKind>

/// How a rule picks among eligible partners. Every strategy gives the lead to the partner that has
/// received the fewest leads of the rule per unit of weight; they differ in who is eligible first.
public enum DistributionStrategy: String, Sendable, Codable, CaseIterable {
    /// Every eligible partner equally (by weight).
    case roundRobin = "round_robin"
    /// Only partners whose territories cover the lead's country; those naming its region first.
    case territory
    /// Partners of the rule's first eligible tier that has one available, then the next tier.
    case tier
}

/// A distribution rule.
public struct DistributionRule: Sendable, Encodable, Equatable {
    public var id: DistributionRuleID
    public var name: String
    public var strategy: DistributionStrategy
    public var leadCountries: [String]
    public var leadRegions: [String]
    public var leadSources: [LeadSource]
    public var eligibleTiers: [String]
    public var perPartnerCapacity: Int?
    public var slaHours: Int
    public var exclusive: Bool
    public var sharedFields: [SharedLeadField]
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date

    /// Whether the lead passes the rule's filters (an empty filter passes everything).
    func admits(_ lead: Lead) -> Bool {
        (leadCountries.isEmpty || lead.country.map(leadCountries.contains) == true)
            && (leadRegions.isEmpty || lead.region.map { leadRegions.contains($0.uppercased()) } == true)
            && (leadSources.isEmpty || leadSources.contains(lead.source))
    }
}

/// What a channel manager sets on a rule. On create, `nil` takes the default (name and strategy are
/// required); on update, `nil` keeps the current value.
public struct DistributionRuleDraft: Sendable {
    public var name: String?
    public var strategy: DistributionStrategy?
    public var leadCountries: [String]?
    public var leadRegions: [String]?
    public var leadSources: [LeadSource]?
    public var eligibleTiers: [String]?
    /// A run has at most 1000 leads, so 1000 lifts the limit.
    public var perPartnerCapacity: Int?
    public var slaHours: Int?
    public var exclusive: Bool?
    public var sharedFields: [SharedLeadField]?
    public var active: Bool?

    public init(
        name: String? = nil, strategy: DistributionStrategy? = nil, leadCountries: [String]? = nil, leadRegions: [String]? = nil,
        leadSources: [LeadSource]? = nil, eligibleTiers: [String]? = nil, perPartnerCapacity: Int? = nil,
        slaHours: Int? = nil, exclusive: Bool? = nil, sharedFields: [SharedLeadField]? = nil,
        active: Bool? = nil
    ) {
        self.name = name
        self.strategy = strategy
        self.leadCountries = leadCountries
        self.leadRegions = leadRegions
        self.leadSources = leadSources
        self.eligibleTiers = eligibleTiers
        self.perPartnerCapacity = perPartnerCapacity
        self.slaHours = slaHours
        self.exclusive = exclusive
        self.sharedFields = sharedFields
        self.active = active
    }

    /// The rule with the draft applied over `current` (or over the defaults), every problem reported at once.
    func applied(to current: DistributionRule?, id: DistributionRuleID) throws(HubError) -> DistributionRule {
        var issues: [FieldIssue] = []
        let name = (self.name ?? current?.name)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty || name.count > 200 { issues.append(FieldIssue("/name", "is required, 1 to 200 characters")) }
        let strategy = self.strategy ?? current?.strategy
        if strategy == nil { issues.append(FieldIssue("/strategy", "is required: one of \(DistributionStrategy.allCases.map(\.rawValue).joined(separator: ", "))")) }
        let countries = (leadCountries ?? current?.leadCountries ?? []).map { $0.uppercased() }
        for (index, country) in countries.enumerated() where country.count != 2 || !Territory.isValid(country) {
            issues.append(FieldIssue("/leadCountries/\(index)", "must be an ISO 3166-1 alpha-2 code like DE"))
        }
        let regions = (leadRegions ?? current?.leadRegions ?? []).map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        for (index, region) in regions.enumerated() where region.isEmpty || region.count > 100 {
            issues.append(FieldIssue("/leadRegions/\(index)", "must be 1 to 100 characters"))
        }
        let tiers = (eligibleTiers ?? current?.eligibleTiers ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        for (index, tier) in tiers.enumerated() where tier.isEmpty || tier.count > 50 {
            issues.append(FieldIssue("/eligibleTiers/\(index)", "must be 1 to 50 characters"))
        }
        if strategy == .tier && tiers.isEmpty { issues.append(FieldIssue("/eligibleTiers", "the tier strategy needs the tiers in order of preference")) }
        let capacity = perPartnerCapacity ?? current?.perPartnerCapacity
        if let capacity, !(1...1000).contains(capacity) { issues.append(FieldIssue("/perPartnerCapacity", "must be from 1 to 1000")) }
        let sla = slaHours ?? current?.slaHours ?? LeadOfferDraft.defaultSLAHours
        if !LeadOfferDraft.slaHoursRange.contains(sla) { issues.append(FieldIssue("/slaHours", "must be from 1 to 720 hours")) }
        let shared = sharedFields ?? current?.sharedFields ?? SharedLeadField.allCases
        if shared.isEmpty || !shared.contains(where: { [.companyName, .lastName, .email].contains($0) }) {
            issues.append(FieldIssue("/sharedFields", "share at least one of companyName, lastName, email"))
        }
        guard issues.isEmpty, let strategy else { throw .invalid(issues) }
        let now = Date()
        return DistributionRule(
            id: id, name: name, strategy: strategy, leadCountries: Array(Set(countries)).sorted(), leadRegions: Array(Set(regions)).sorted(),
            leadSources: leadSources ?? current?.leadSources ?? [], eligibleTiers: tiers, perPartnerCapacity: capacity, slaHours: sla,
            exclusive: exclusive ?? current?.exclusive ?? false,
            sharedFields: SharedLeadField.allCases.filter(Set(shared).contains), active: active ?? current?.active ?? true,
            createdAt: current?.createdAt ?? now, updatedAt: now
        )
    }
}

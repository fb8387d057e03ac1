import Foundation
import HubCore

/// A channel manager's own view of one partner company: private to the tenant that writes it.
public struct PartnerProfile: Sendable, Encodable, Equatable {
    public var partnerTenantID: TenantID
    /// The current partnership's status; only `active` partners receive leads.
    public var partnershipStatus: PartnershipStatus?
    public var tier: String?
    /// ISO 3166-1 alpha-2 codes, optionally with a subdivision: `DE`, `DE-BY`.
    public var territories: [String]
    /// The most offers the partner may hold open from this tenant at once; `nil` for no limit.
    public var capacity: Int?
    /// Relative share of rule-distributed leads; 0 never receives one.
    public var leadWeight: Int
    public var updatedAt: Date
}

/// What a channel manager sets on a partner profile, before validation: the whole profile (a field
/// left out takes its default: no tier, no territories, no capacity limit, weight 1).
public struct PartnerProfileDraft: Sendable {
    public var tier: String?
    public var territories: [String]?
    public var capacity: Int?
    public var leadWeight: Int?

    public init(tier: String? = nil, territories: [String]? = nil, capacity: Int? = nil, leadWeight: Int? = nil) {
        self.tier = tier
        self.territories = territories
        self.capacity = capacity
        self.leadWeight = leadWeight
    }

    func validated() throws(HubError) -> PartnerProfileDraft {
        var issues: [FieldIssue] = []
        var draft = self
        if let tier = tier?.trimmingCharacters(in: .whitespacesAndNewlines) {
            if tier.isEmpty || tier.count > 50 { issues.append(FieldIssue("/tier", "must be 1 to 50 characters")) }
            draft.tier = tier
        }
        if let territories {
            let normalized = territories.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            for (index, territory) in normalized.enumerated() where !Territory.isValid(territory) {
                issues.append(FieldIssue("/territories/\(index)", "must be an ISO 3166-1 alpha-2 code like DE, optionally with a region like DE-BY"))
            }
            if normalized.count > 200 { issues.append(FieldIssue("/territories", "at most 200 territories")) }
            draft.territories = Array(Set(normalized)).sorted()
        }
        if let capacity, !(0...100_000).contains(capacity) { issues.append(FieldIssue("/capacity", "must be from 0 to 100000")) }
        if let leadWeight, !(0...100).contains(leadWeight) { issues.append(FieldIssue("/leadWeight", "must be from 0 to 100")) }
        guard issues.isEmpty else { throw .invalid(issues) }
        return draft
    }
}

/// Territories as ISO 3166 codes, and whether a lead lies inside one.
enum Territory {
    static func isValid(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].count == 2, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }) else { return false }
        return parts.count == 1 || ((1...3).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) })
    }

    /// 0 when a territory names the lead's region, 1 when one names its country, `nil` when none covers it.
    static func match(_ territories: [String], country: String?, region: String?) -> Int? {
        guard let country else { return nil }
        if let region, territories.contains("\(country)-\(region.uppercased())") { return 0 }
        return territories.contains(country) ? 1 : nil
    }
}

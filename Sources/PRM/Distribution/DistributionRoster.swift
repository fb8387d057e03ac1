import Foundation
import HubCore
import Logging
import PostgresNIO

/// Everything a run needs to know about the partners, read once at its start: the profiles, which
/// partnerships are active, the rule's position, capacities, and each lead's past offers.
struct DistributionRoster {
    struct Partner {
        var id: TenantID
        var tier: String?
        var territories: [String]
        var weight: Int
        var activePartnership: UUID?
    }

    let rule: DistributionRule
    let partners: [Partner]
    /// The rule's position before the run; a partner new to the rule starts level with the least served.
    let served: [TenantID: Int64]
    let capacityLeft: [TenantID: Int]
    let partnerships: [TenantID: UUID]
    /// Per lead: partners that declined it or let it expire, and partners holding it (open or accepted).
    let refusedBy: [LeadID: Set<TenantID>]
    let heldBy: [LeadID: Set<TenantID>]
    let acceptedLeads: Set<LeadID>

    static func load(_ connection: PostgresConnection, _ caller: Caller, rule: DistributionRule, leads: [LeadID], logger: Logger) async throws -> Self {
        var partners: [Partner] = []
        var capacityLeft: [TenantID: Int] = [:]
        let profileRows = try await connection.query(
            """
            SELECT pp.partner_tenant_id, pp.tier, pp.territories, pp.capacity, pp.lead_weight,
                   (SELECT p.id FROM hub.partnerships p
                     WHERE p.status = 'active'
                       AND ((p.tenant_id = pp.tenant_id AND p.partner_tenant_id = pp.partner_tenant_id)
                            OR (p.tenant_id = pp.partner_tenant_id AND p.partner_tenant_id = pp.tenant_id))
                     LIMIT 1),
                   (SELECT count(*) FROM hub.lead_offers o
                     WHERE o.tenant_id = pp.tenant_id AND o.to_tenant_id = pp.partner_tenant_id AND o.status = 'offered')::int
              FROM hub.partner_profiles pp
             WHERE pp.tenant_id = \(caller.tenantID.uuid)
             ORDER BY pp.partner_tenant_id
            """,
            logger: logger
        )
        for try await (id, tier, territories, capacity, weight, partnership, open) in profileRows.decode(
            (UUID, String?, [String], Int?, Int, UUID?, Int).self
        ) {
            let partner = TenantID(id)
            partners.append(Partner(id: partner, tier: tier, territories: territories, weight: weight, activePartnership: partnership))
            let limits = [capacity.map { $0 - open }, rule.perPartnerCapacity].compactMap { $0 }
            if let left = limits.min() { capacityLeft[partner] = max(0, left) }
        }
        var recorded: [TenantID: Int64] = [:]
        let cursorRows = try await connection.query(
            "SELECT partner_tenant_id, served FROM hub.distribution_cursors WHERE rule_id = \(rule.id.uuid)", logger: logger
        )
        for try await (partner, count) in cursorRows.decode((UUID, Int64).self) { recorded[TenantID(partner)] = count }
        let floor = partners.compactMap { recorded[$0.id] }.min() ?? 0
        var served: [TenantID: Int64] = [:]
        for partner in partners { served[partner.id] = recorded[partner.id] ?? floor }

        var refusedBy: [LeadID: Set<TenantID>] = [:]
        var heldBy: [LeadID: Set<TenantID>] = [:]
        var acceptedLeads: Set<LeadID> = []
        let history = try await connection.query(
            """
            SELECT lead_id, to_tenant_id, status::text FROM hub.lead_offers
             WHERE tenant_id = \(caller.tenantID.uuid) AND lead_id = ANY(\(leads.map(\.uuid))) AND status <> 'withdrawn'
            """,
            logger: logger
        )
        for try await (lead, partner, status) in history.decode((UUID, UUID, String).self) {
            let lead = LeadID(lead)
            switch LeadOfferStatus(rawValue: status) {
            case .declined, .expired: refusedBy[lead, default: []].insert(TenantID(partner))
            case .accepted:
                heldBy[lead, default: []].insert(TenantID(partner))
                acceptedLeads.insert(lead)
            default: heldBy[lead, default: []].insert(TenantID(partner))
            }
        }
        return DistributionRoster(
            rule: rule, partners: partners, served: served, capacityLeft: capacityLeft,
            partnerships: Dictionary(uniqueKeysWithValues: partners.compactMap { p in p.activePartnership.map { (p.id, $0) } }),
            refusedBy: refusedBy, heldBy: heldBy, acceptedLeads: acceptedLeads
        )
    }

    /// Why the lead is not distributed at all, or `nil` when its candidates should be weighed.
    func reasonToSkip(_ lead: Lead) -> String? {
        if !rule.admits(lead) { return "the lead does not match the rule's filters" }
        if !OfferMaking.offerable.contains(lead.status) { return "a \(lead.status.rawValue) lead is not distributed" }
        if lead.origin != nil { return "a lead received from a partner is not distributed on" }
        let shared = SharedLeadFields(lead, sharing: Set(rule.sharedFields))
        if !shared.identifiesALead { return "the rule's shared fields leave out the lead's company name, last name and e-mail" }
        if shared.carriesPersonalData && lead.consent == nil { return SharedLeadFields.consentRequired }
        if rule.exclusive && acceptedLeads.contains(lead.id) { return "a partner has already accepted this lead" }
        return nil
    }

    /// Every profiled partner for the lead, with the first reason that excludes it or its preference.
    func candidates(for lead: Lead) -> [DistributionCandidate] {
        partners.map { partner in
            var candidate = DistributionCandidate(partnerTenantID: partner.id, excludedBecause: nil, weight: partner.weight, preference: 0)
            let territory = Territory.match(partner.territories, country: lead.country, region: lead.region)
            let tierRank = partner.tier.flatMap { rule.eligibleTiers.firstIndex(of: $0) }
            switch rule.strategy {
            case .roundRobin: break
            case .territory: candidate.preference = territory ?? 0
            case .tier: candidate.preference = tierRank ?? 0
            }
            if partner.activePartnership == nil {
                candidate.excludedBecause = .noActivePartnership
            } else if partner.weight == 0 {
                candidate.excludedBecause = .zeroWeight
            } else if !rule.eligibleTiers.isEmpty && tierRank == nil {
                candidate.excludedBecause = .tierNotEligible
            } else if rule.strategy == .territory && territory == nil {
                candidate.excludedBecause = .outsideTerritory
            } else if refusedBy[lead.id]?.contains(partner.id) == true {
                candidate.excludedBecause = .declinedBefore
            } else if heldBy[lead.id]?.contains(partner.id) == true {
                candidate.excludedBecause = .alreadyOffered
            }
            return candidate
        }
    }
}

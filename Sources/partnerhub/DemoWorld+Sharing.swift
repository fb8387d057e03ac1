import Foundation
import HubCore
import PRM

extension DemoWorld {
    /// Northwind shares leads with its active partners: profiles for both, one lead accepted by Summit
    /// (whose copy is being worked, so Northwind sees the feedback), one waiting for Coastline, and a
    /// round-robin rule for the rest.
    func seedSharing(brand: Caller, partners: [String: Caller], leads: [Lead]) async throws {
        let summit = partners["summit-distribution"]!
        let coastline = partners["coastline-resellers"]!
        let profiles = PartnerProfiles(database: database)
        _ = try await profiles.put(brand, partner: summit.tenantID, PartnerProfileDraft(tier: "gold", territories: ["FR", "DE", "US-NY"], capacity: 10))
        _ = try await profiles.put(brand, partner: coastline.tenantID, PartnerProfileDraft(tier: "silver", territories: ["US"], capacity: 5))
        let offers = LeadOffers(database: database)
        let accepted = try await offers.offer(
            brand, lead: leads[2].id,
            LeadOfferDraft(toTenantID: summit.tenantID, sharedFields: [.companyName, .lastName, .email, .country, .estimatedValue],
                           message: "School district tender, needs a local installer", slaHours: 72, exclusive: true)
        )
        if let copy = try await offers.accept(summit, id: accepted.id).copyLeadID {
            _ = try await Leads(database: database).changeStatus(summit, id: copy, to: .contacted, reason: nil)
        }
        _ = try await offers.offer(
            brand, lead: leads[1].id, LeadOfferDraft(toTenantID: coastline.tenantID, sharedFields: [.companyName, .country], message: "Studio refit")
        )
        _ = try await DistributionRules(database: database).create(
            brand, DistributionRuleDraft(name: "Inbound web leads", strategy: .territory, leadSources: [.web], perPartnerCapacity: 20)
        )
    }
}

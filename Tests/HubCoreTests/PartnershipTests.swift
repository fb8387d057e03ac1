import Foundation
import HubCore
import HubServer
import HubTestSupport
import PostgresNIO
import Testing

@Suite struct PartnershipTests {
    @Test func anInvitationAcceptedByThePartnerBecomesActiveWithItsHistory() async throws {
        try await TestHub.with { hub in
            let brand = try await hub.makeTenant("brand")
            let partner = try await hub.makeTenant("partner")
            let invited = try await hub.services.partnerships.invite(brand.ownerCaller, partnerSlug: "partner", note: "2026 programme")
            #expect(invited.status == .invited && invited.partner.id == partner.id && invited.inviter.id == brand.id)
            let seenByPartner = try await hub.services.partnerships.list(partner.ownerCaller, status: .invited, page: PageRequest())
            #expect(seenByPartner.items.map(\.id) == [invited.id])
            let accepted = try await hub.services.partnerships.perform(partner.ownerCaller, .accept, on: invited.id, reason: nil)
            #expect(accepted.status == .active)
            let events = try await hub.services.partnerships.events(brand.ownerCaller, id: invited.id)
            #expect(events.map(\.toStatus) == [.invited, .active])
            #expect(events.last?.actorTenantID == partner.id)
        }
    }

    @Test func onlyTheInvitedSideMayAcceptOrDecline() async throws {
        try await TestHub.with { hub in
            let brand = try await hub.makeTenant("brand")
            _ = try await hub.makeTenant("partner")
            let invited = try await hub.services.partnerships.invite(brand.ownerCaller, partnerSlug: "partner", note: nil)
            for action in [PartnershipAction.accept, .decline] {
                await #expect(throws: HubError.self) {
                    try await hub.services.partnerships.perform(brand.ownerCaller, action, on: invited.id, reason: nil)
                }
            }
            #expect(try await hub.services.partnerships.get(brand.ownerCaller, id: invited.id).status == .invited)
        }
    }

    @Test(arguments: [
        (PartnershipAction.suspend, PartnershipStatus.suspended),
        (.end, .ended),
    ])
    func eitherSideMaySuspendOrEndAnActivePartnership(action: PartnershipAction, result: PartnershipStatus) async throws {
        try await TestHub.with { hub in
            let brand = try await hub.makeTenant("brand")
            let partner = try await hub.makeTenant("partner")
            let invited = try await hub.services.partnerships.invite(brand.ownerCaller, partnerSlug: "partner", note: nil)
            _ = try await hub.services.partnerships.perform(partner.ownerCaller, .accept, on: invited.id, reason: nil)
            let changed = try await hub.services.partnerships.perform(partner.ownerCaller, action, on: invited.id, reason: "audit")
            #expect(changed.status == result)
        }
    }

    @Test func anEndedPartnershipCannotBeResumed() async throws {
        try await TestHub.with { hub in
            let brand = try await hub.makeTenant("brand")
            let partner = try await hub.makeTenant("partner")
            let invited = try await hub.services.partnerships.invite(brand.ownerCaller, partnerSlug: "partner", note: nil)
            _ = try await hub.services.partnerships.perform(partner.ownerCaller, .accept, on: invited.id, reason: nil)
            _ = try await hub.services.partnerships.perform(brand.ownerCaller, .end, on: invited.id, reason: nil)
            await #expect(throws: HubError.conflict("cannot resume a partnership that is ended from the inviting side")) {
                try await hub.services.partnerships.perform(brand.ownerCaller, .resume, on: invited.id, reason: nil)
            }
        }
    }

    @Test func aSecondOpenPartnershipBetweenTheSameCompaniesIsRefused() async throws {
        try await TestHub.with { hub in
            let brand = try await hub.makeTenant("brand")
            let partner = try await hub.makeTenant("partner")
            _ = try await hub.services.partnerships.invite(brand.ownerCaller, partnerSlug: "partner", note: nil)
            await #expect(throws: HubError.conflict("these two companies already have an open partnership or invitation")) {
                try await hub.services.partnerships.invite(partner.ownerCaller, partnerSlug: "brand", note: nil)
            }
        }
    }

    @Test func aThirdCompanyCannotSeeOrTouchThePartnership() async throws {
        try await TestHub.with { hub in
            let brand = try await hub.makeTenant("brand")
            _ = try await hub.makeTenant("partner")
            let outsider = try await hub.makeTenant("outsider")
            let invited = try await hub.services.partnerships.invite(brand.ownerCaller, partnerSlug: "partner", note: nil)
            await #expect(throws: HubError.notFound("partnership")) {
                try await hub.services.partnerships.get(outsider.ownerCaller, id: invited.id)
            }
            await #expect(throws: HubError.notFound("partnership")) {
                try await hub.services.partnerships.perform(outsider.ownerCaller, .accept, on: invited.id, reason: nil)
            }
            #expect(try await hub.services.partnerships.list(outsider.ownerCaller, status: nil, page: PageRequest()).items.isEmpty)
            await #expect(throws: HubError.notFound("tenant")) {
                try await hub.services.tenants.get(outsider.ownerCaller, id: brand.id)
            }
        }
    }

    @Test func membersMayNotChangePartnerships() async throws {
        try await TestHub.with { hub in
            let brand = try await hub.makeTenant("brand")
            _ = try await hub.makeTenant("partner")
            let member = try await hub.makeUser(in: brand, role: .member)
            let caller = Caller(principal: Principal(tenantID: brand.id, userID: member.id, role: .member), requestID: "r")
            await #expect(throws: HubError.self) {
                try await hub.services.partnerships.invite(caller, partnerSlug: "partner", note: nil)
            }
        }
    }

    @Test func everyChangeIsAuditedInTheActorsTenant() async throws {
        try await TestHub.with { hub in
            let brand = try await hub.makeTenant("brand")
            let partner = try await hub.makeTenant("partner")
            let invited = try await hub.services.partnerships.invite(brand.ownerCaller, partnerSlug: "partner", note: nil)
            _ = try await hub.services.partnerships.perform(partner.ownerCaller, .decline, on: invited.id, reason: "not now")
            let brandLog = try await AuditLog.list(hub.database, brand.ownerCaller, page: PageRequest())
            let partnerLog = try await AuditLog.list(hub.database, partner.ownerCaller, page: PageRequest())
            #expect(brandLog.items.first?.action == "partnership.invite")
            #expect(brandLog.items.first?.targetID == invited.id.description)
            #expect(partnerLog.items.first?.action == "partnership.declined")
            #expect(partnerLog.items.first?.actorUserID == partner.owner.id)
            #expect(!brandLog.items.contains { $0.action == "partnership.declined" })
        }
    }
}

import Foundation
import HTTPTypes
@testable import HubCore
import HubServer
import HubTestSupport
import PRM
import PostgresNIO
import Testing

/// A brand (alpha) with active partners bravo and charlie, and delta, a company it has no partnership with.
struct SharingWorld {
    let hub: TestHub
    let alpha: TestTenant
    let bravo: TestTenant
    let charlie: TestTenant
    let delta: TestTenant
    let partnerships: [TenantID: PartnershipID]

    var offers: LeadOffers { hub.services.leadOffers }
    var leads: Leads { hub.services.leads }

    static func make(_ hub: TestHub, partners: [String] = ["bravo", "charlie"]) async throws -> SharingWorld {
        let alpha = try await hub.makeTenant("alpha")
        var tenants: [String: TestTenant] = [:]
        var partnerships: [TenantID: PartnershipID] = [:]
        for slug in Set(partners + ["bravo", "charlie", "delta"]) { tenants[slug] = try await hub.makeTenant(slug) }
        for slug in partners {
            let partner = tenants[slug]!
            let invited = try await hub.services.partnerships.invite(alpha.ownerCaller, partnerSlug: slug, note: nil)
            _ = try await hub.services.partnerships.perform(partner.ownerCaller, .accept, on: invited.id, reason: nil)
            partnerships[partner.id] = invited.id
        }
        return SharingWorld(
            hub: hub, alpha: alpha, bravo: tenants["bravo"]!, charlie: tenants["charlie"]!, delta: tenants["delta"]!, partnerships: partnerships
        )
    }

    /// Consent given at a trade fair: what lets the lead's personal data be offered.
    static let fairConsent = LeadConsent(basis: .consent, capturedAt: Date(timeIntervalSince1970: 1_780_000_000), reference: "Hanover fair, badge scan")

    func lead(_ name: String = "Acme", country: String? = "DE", region: String? = nil, consent: LeadConsent? = fairConsent) async throws -> Lead {
        try await leads.create(
            alpha.ownerCaller,
            LeadDraft(
                companyName: name, lastName: "Buyer", email: "buyer@\(name.lowercased()).example", phone: "+49 30 1234", country: country,
                region: region, estimatedValue: try Money(amount: "1200.00", currency: "EUR", field: "/v"),
                notes: "private: they hate our competitor", consent: consent
            )
        ).lead
    }

    func offer(_ lead: Lead, to partner: TestTenant, fields: [SharedLeadField] = [.companyName, .country], exclusive: Bool = false) async throws -> LeadOffer {
        try await offers.offer(alpha.ownerCaller, lead: lead.id, LeadOfferDraft(toTenantID: partner.id, sharedFields: fields, exclusive: exclusive))
    }

    /// Moves an offer's clock, as the administrator: the tests cannot wait for deadlines.
    func setTimes(_ offer: LeadOfferID, offeredAt: Date, dueAt: Date, respondedAt: Date? = nil) async throws {
        try await hub.settings.withAdminConnection(logger: hub.database.logger) { connection in
            try await connection.query(
                """
                UPDATE hub.lead_offers SET offered_at = \(offeredAt), due_at = \(dueAt),
                       responded_at = CASE WHEN responded_at IS NULL THEN NULL ELSE \(respondedAt ?? offeredAt) END
                 WHERE id = \(offer.uuid)
                """,
                logger: hub.database.logger
            )
        }
    }

    /// Puts an open offer past its deadline.
    func overdue(_ offer: LeadOfferID) async throws {
        try await setTimes(offer, offeredAt: Date().addingTimeInterval(-7200), dueAt: Date().addingTimeInterval(-60))
    }
}

@Suite struct SharingTests {
    @Test func thePartnerSeesOnlyTheSharedFieldsNeverTheOriginLeadOrItsNotes() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let lead = try await world.lead()
            let offer = try await world.offer(lead, to: world.bravo, fields: [.companyName, .country])
            let seen = try await world.offers.get(world.bravo.ownerCaller, id: offer.id)
            #expect(seen.direction == .incoming && seen.lead?.companyName == "Acme" && seen.lead?.country == "DE")
            #expect(seen.lead?.email == nil && seen.lead?.phone == nil && seen.leadID == nil)
            await #expect(throws: HubError.notFound("lead")) { try await world.leads.get(world.bravo.ownerCaller, id: lead.id) }
            #expect(try await world.leads.list(world.bravo.ownerCaller, filter: LeadFilter(), page: PageRequest()).items.isEmpty)
            let bravoToken = try await hub.token(for: world.bravo.owner)
            try await hub.withClient { client in
                let origin = try await client.call(.get, "/api/v1/leads/\(lead.id)", token: bravoToken)
                #expect(origin.status == .notFound)
                let shown = try await client.call(.get, "/api/v1/lead-offers/\(offer.id)", token: bravoToken)
                #expect(shown.status == .ok)
                #expect(!shown.body.contains("hate our competitor") && !shown.body.contains("buyer@acme.example"))
                let notes = try await client.call(
                    .post, "/api/v1/leads/\(lead.id)/offers", token: try await hub.token(for: world.alpha.owner),
                    json: ["toTenantID": world.charlie.id.description, "sharedFields": ["companyName", "notes"]]
                )
                #expect(notes.status == .unprocessableContent)
                #expect((notes.json["errors"] as? [[String: any Sendable]])?.first?["field"] as? String == "/sharedFields/1")
            }
        }
    }

    @Test func acceptingGivesThePartnerItsOwnCopyLinkedToTheOrigin() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let lead = try await world.lead()
            let offer = try await world.offer(lead, to: world.bravo, fields: [.companyName, .email, .estimatedValue])
            let accepted = try await world.offers.accept(world.bravo.ownerCaller, id: offer.id)
            let copyID = try #require(accepted.copyLeadID)
            #expect(accepted.status == .accepted && accepted.respondedAt != nil)
            let copy = try await world.leads.get(world.bravo.ownerCaller, id: copyID)
            #expect(copy.source == .partnerShare && copy.status == .new)
            #expect(copy.origin?.tenantID == world.alpha.id && copy.origin?.leadID == lead.id && copy.origin?.offerID == offer.id.uuid)
            #expect(copy.companyName == "Acme" && copy.email == "buyer@acme.example" && copy.estimatedValue?.amount == "1200.00")
            #expect(copy.notes == nil && copy.phone == nil && copy.country == nil)
            // Personal data was shared, so its lawful basis came along: the partner can say where the data came from.
            #expect(copy.consent == SharingWorld.fairConsent)
            // The origin keeps its lead and learns the offer was accepted, never the copy itself.
            await #expect(throws: HubError.notFound("lead")) { try await world.leads.get(world.alpha.ownerCaller, id: copyID) }
            let origin = try await world.offers.get(world.alpha.ownerCaller, id: offer.id)
            #expect(origin.status == .accepted && origin.copyLeadID == nil && origin.feedback?.status == .new)
            await #expect(throws: HubError.conflict("offer not open: it is accepted")) {
                try await world.offers.accept(world.bravo.ownerCaller, id: offer.id)
            }
        }
    }

    @Test func personalDataIsOfferedOnlyWithAConsentBasis() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let lead = try await world.lead("Nobasis", consent: nil)
            for fields: [SharedLeadField] in [[.companyName, .email], [.companyName, .lastName], [.companyName, .phone], [.firstName, .email]] {
                await #expect(throws: HubError.invalid(
                    "/sharedFields", "the lead has no consent basis for its personal data (names, e-mail, phone): record one on the lead, or share company fields only"
                )) {
                    try await world.offer(lead, to: world.bravo, fields: fields)
                }
            }
            // Company fields alone carry no personal data: they may go, and no basis travels with them.
            let companyOnly = try await world.offer(lead, to: world.bravo, fields: [.companyName, .country, .estimatedValue])
            let copyID = try #require(try await world.offers.accept(world.bravo.ownerCaller, id: companyOnly.id).copyLeadID)
            #expect(try await world.leads.get(world.bravo.ownerCaller, id: copyID).consent == nil)
            // Once the basis is recorded, the same fields may be offered.
            var changes = LeadChanges()
            changes.consent = .set(LeadConsent(basis: .legitimateInterest, reference: "existing customer contact"))
            let updated = try await world.leads.update(world.alpha.ownerCaller, id: lead.id, changes: changes)
            #expect(updated.consent?.basis == .legitimateInterest && updated.consent?.capturedAt == nil)
            let withBasis = try await world.offer(lead, to: world.charlie, fields: [.companyName, .email])
            let charlieCopy = try #require(try await world.offers.accept(world.charlie.ownerCaller, id: withBasis.id).copyLeadID)
            #expect(try await world.leads.get(world.charlie.ownerCaller, id: charlieCopy).consent == updated.consent)
            // Over HTTP: the basis is named, checked, and shown.
            let token = try await hub.token(for: world.alpha.owner)
            try await hub.withClient { client in
                let created = try await client.call(
                    .post, "/api/v1/leads", token: token,
                    json: ["lastName": "Ng", "consent": ["basis": "contract", "capturedAt": "2026-03-01T09:00:00Z", "reference": "contract 42"]]
                )
                #expect(created.status == .created)
                let consent = (created.json["lead"] as? [String: any Sendable])?["consent"] as? [String: any Sendable]
                #expect(consent?["basis"] as? String == "contract" && consent?["reference"] as? String == "contract 42")
                for (body, field) in [
                    (["basis": "because"], "/consent/basis"), (["basis": "consent", "capturedAt": "yesterday"], "/consent/capturedAt"),
                    (["basis": "consent", "capturedAt": "2999-01-01T00:00:00Z"], "/consent/capturedAt"),
                ] as [([String: String], String)] {
                    let refused = try await client.call(.post, "/api/v1/leads", token: token, json: ["lastName": "Ng", "consent": body])
                    #expect(refused.status == .unprocessableContent && PromotionAPITests.fields(refused) == [field], "\(body)")
                }
            }
        }
    }

    @Test func theOriginSeesTheCopysStatusButNotItsNotesOrOwner() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let lead = try await world.lead()
            let offer = try await world.offer(lead, to: world.bravo)
            let copyID = try #require(try await world.offers.accept(world.bravo.ownerCaller, id: offer.id).copyLeadID)
            _ = try await world.leads.changeStatus(world.bravo.ownerCaller, id: copyID, to: .contacted, reason: nil)
            _ = try await world.leads.changeStatus(world.bravo.ownerCaller, id: copyID, to: .qualified, reason: nil)
            let origin = try await world.offers.get(world.alpha.ownerCaller, id: offer.id)
            #expect(origin.feedback?.status == .qualified && origin.feedback?.frozenAt == nil)
            let timeline = try await world.offers.timeline(world.alpha.ownerCaller, id: offer.id, page: PageRequest())
            #expect(timeline.items.map(\.type) == ["lead.offered", "lead.offer_accepted", "lead.offer_feedback", "lead.offer_feedback"])
            #expect(timeline.items.last?.data == ["status": "qualified"] && timeline.items.last?.actorUserID == nil)
            let encoded = String(decoding: try JSONEncoder().encode(origin), as: UTF8.self)
            #expect(!encoded.contains(copyID.description) && !encoded.contains(world.bravo.owner.id.description))
        }
    }

    @Test func onlyACompanyWithAnActivePartnershipCanBeOfferedALead() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let lead = try await world.lead()
            await #expect(throws: HubError.notFound("partner")) { try await world.offer(lead, to: world.delta) }
            let pending = try await world.offer(lead, to: world.charlie)
            _ = try await hub.services.partnerships.perform(world.alpha.ownerCaller, .suspend, on: world.partnerships[world.charlie.id]!, reason: nil)
            // Suspending withdraws what was pending, and no new offer may be made.
            #expect(try await world.offers.get(world.alpha.ownerCaller, id: pending.id).withdrawReason == .partnershipEnded)
            await #expect(throws: HubError.conflict("the partnership with this company is suspended, not active")) {
                try await world.offer(lead, to: world.charlie)
            }
            await #expect(throws: HubError.self) { try await world.offer(lead, to: world.alpha) }
            await #expect {
                try await world.offers.offer(world.alpha.ownerCaller, lead: lead.id, LeadOfferDraft(toTenantID: world.bravo.id, sharedFields: [.phone], slaHours: 0))
            } throws: { error in
                guard case HubError.invalid(let issues) = error else { return false }
                return Set(issues.map(\.field)) == ["/sharedFields", "/slaHours"]
            }
            #expect(try await world.offers.offers(world.alpha.ownerCaller, lead: lead.id).map(\.id) == [pending.id])
            try await hub.withClient { client in
                let stranger = try await client.call(
                    .post, "/api/v1/leads/\(lead.id)/offers", token: try await hub.token(for: world.alpha.owner),
                    json: ["toTenantID": world.delta.id.description, "sharedFields": ["companyName"]]
                )
                #expect(stranger.status == .notFound)
            }
        }
    }

    @Test func aLeadHasAtMostOneLiveOfferPerPartnerWithTheDeadlineFromTheSLA() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let lead = try await world.lead()
            let first = try await world.offer(lead, to: world.bravo)
            #expect(first.slaHours == 48 && abs(first.dueAt.timeIntervalSince(first.offeredAt) - 48 * 3600) < 1)
            await #expect(throws: HubError.conflict("this lead already has an open offer to this partner")) {
                try await world.offer(lead, to: world.bravo)
            }
            _ = try await world.offer(lead, to: world.charlie)
            _ = try await world.offers.decline(world.bravo.ownerCaller, id: first.id, reason: .noCapacity, note: nil)
            let again = try await world.offer(lead, to: world.bravo)
            #expect(again.status == .offered)
        }
    }

    @Test func anExpiredOfferCannotBeAcceptedOrDeclined() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let offer = try await world.offer(try await world.lead(), to: world.bravo)
            try await world.overdue(offer.id)
            await #expect(throws: HubError.conflict("offer not open: it is expired")) {
                try await world.offers.accept(world.bravo.ownerCaller, id: offer.id)
            }
            await #expect(throws: HubError.conflict("offer not open: it is expired")) {
                try await world.offers.decline(world.bravo.ownerCaller, id: offer.id, reason: .spam, note: nil)
            }
            let seen = try await world.offers.get(world.bravo.ownerCaller, id: offer.id)
            #expect(seen.status == .expired && seen.lead == nil)
            let events = try await world.offers.timeline(world.alpha.ownerCaller, id: offer.id, page: PageRequest())
            #expect(events.items.map(\.type) == ["lead.offered", "lead.offer_expired"])
            try await hub.withClient { client in
                let response = try await client.call(.post, "/api/v1/lead-offers/\(offer.id)/accept", token: try await hub.token(for: world.bravo.owner))
                #expect(response.status == .conflict)
            }
        }
    }

    @Test func theSweepExpiresOverdueOffersOfEveryTenant() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let overdue = try await world.offer(try await world.lead("Acme"), to: world.bravo)
            let open = try await world.offer(try await world.lead("Globex"), to: world.charlie)
            try await world.overdue(overdue.id)
            #expect(try await world.offers.expireDue() == 1)
            #expect(try await world.offers.expireDue() == 0)
            let incoming = try await world.offers.list(world.bravo.ownerCaller, filter: LeadOfferFilter(direction: .incoming), page: PageRequest())
            #expect(incoming.items.map(\.status) == [.expired])
            let bravoEvents = try await world.offers.timeline(world.bravo.ownerCaller, id: overdue.id, page: PageRequest())
            #expect(bravoEvents.items.map(\.type) == ["lead.offered", "lead.offer_expired"])
            let expiry = try #require(bravoEvents.items.last)
            #expect(expiry.actorUserID == nil && expiry.actorTenantID == world.alpha.id)
            #expect(expiry.data["dueAt"].flatMap { ISO8601DateFormatter().date(from: $0) } != nil)
            #expect(try await world.offers.get(world.charlie.ownerCaller, id: open.id).status == .offered)
        }
    }

    @Test func aWithdrawnOfferCannotBeAcceptedAndTakesTheSharedFieldsAway() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let offer = try await world.offer(try await world.lead(), to: world.bravo)
            await #expect(throws: HubError.forbidden("only the company that made an offer can withdraw it")) {
                try await world.offers.withdraw(world.bravo.ownerCaller, id: offer.id)
            }
            let withdrawn = try await world.offers.withdraw(world.alpha.ownerCaller, id: offer.id)
            #expect(withdrawn.status == .withdrawn && withdrawn.withdrawReason == .byOrigin)
            await #expect(throws: HubError.conflict("offer not open: it is withdrawn")) {
                try await world.offers.accept(world.bravo.ownerCaller, id: offer.id)
            }
            let seen = try await world.offers.get(world.bravo.ownerCaller, id: offer.id)
            #expect(seen.status == .withdrawn && seen.lead == nil)
            #expect(try await world.leads.list(world.bravo.ownerCaller, filter: LeadFilter(), page: PageRequest()).items.isEmpty)
        }
    }

    @Test func aPartnerCannotSeeAnOfferMadeToAnotherPartner() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let offer = try await world.offer(try await world.lead(), to: world.charlie)
            await #expect(throws: HubError.notFound("lead offer")) { try await world.offers.get(world.bravo.ownerCaller, id: offer.id) }
            await #expect(throws: HubError.notFound("lead offer")) { try await world.offers.accept(world.bravo.ownerCaller, id: offer.id) }
            let incoming = try await world.offers.list(world.bravo.ownerCaller, filter: LeadOfferFilter(direction: .incoming), page: PageRequest())
            #expect(incoming.items.isEmpty)
            try await hub.withClient { client in
                let token = try await hub.token(for: world.bravo.owner)
                for path in ["/api/v1/lead-offers/\(offer.id)", "/api/v1/lead-offers/\(offer.id)/timeline"] {
                    #expect(try await client.call(.get, path, token: token).status == .notFound)
                }
                let decline = try await client.call(.post, "/api/v1/lead-offers/\(offer.id)/decline", token: token, json: ["reason": "spam"])
                #expect(decline.status == .notFound)
            }
            #expect(try await world.offers.get(world.charlie.ownerCaller, id: offer.id).status == .offered)
        }
    }

    @Test func decliningNeedsAReasonAndTheOriginSeesIt() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let offer = try await world.offer(try await world.lead(), to: world.bravo)
            await #expect(throws: HubError.self) { try await world.offers.decline(world.bravo.ownerCaller, id: offer.id, reason: nil, note: nil) }
            await #expect(throws: HubError.invalid("/note", "explain the reason other in a note")) {
                try await world.offers.decline(world.bravo.ownerCaller, id: offer.id, reason: .other, note: " ")
            }
            _ = try await world.offers.decline(world.bravo.ownerCaller, id: offer.id, reason: .notMyTerritory, note: "we only cover Austria")
            let origin = try await world.offers.get(world.alpha.ownerCaller, id: offer.id)
            #expect(origin.status == .declined && origin.declineReason == .notMyTerritory && origin.declineNote == "we only cover Austria")
            let events = try await world.offers.timeline(world.alpha.ownerCaller, id: offer.id, page: PageRequest())
            #expect(events.items.last?.type == "lead.offer_declined" && events.items.last?.data == ["reason": "not_my_territory"])
        }
    }

    @Test func endingThePartnershipWithdrawsPendingOffersKeepsTheCopyAndFreezesFeedback() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let accepted = try await world.offer(try await world.lead("Acme"), to: world.bravo)
            let copyID = try #require(try await world.offers.accept(world.bravo.ownerCaller, id: accepted.id).copyLeadID)
            let pending = try await world.offer(try await world.lead("Globex"), to: world.bravo)
            let elsewhere = try await world.offer(try await world.lead("Initech"), to: world.charlie)
            _ = try await hub.services.partnerships.perform(world.bravo.ownerCaller, .end, on: world.partnerships[world.bravo.id]!, reason: "parting")
            let withdrawn = try await world.offers.get(world.alpha.ownerCaller, id: pending.id)
            #expect(withdrawn.status == .withdrawn && withdrawn.withdrawReason == .partnershipEnded)
            #expect(try await world.offers.get(world.charlie.ownerCaller, id: elsewhere.id).status == .offered)
            // The copy stays with bravo, which keeps working it; alpha no longer hears about it.
            _ = try await world.leads.changeStatus(world.bravo.ownerCaller, id: copyID, to: .contacted, reason: nil)
            #expect(try await world.leads.get(world.bravo.ownerCaller, id: copyID).status == .contacted)
            let origin = try await world.offers.get(world.alpha.ownerCaller, id: accepted.id)
            #expect(origin.status == .accepted && origin.feedback?.status == .new && origin.feedback?.frozenAt != nil)
            let events = try await world.offers.timeline(world.bravo.ownerCaller, id: pending.id, page: PageRequest())
            #expect(events.items.last?.type == "lead.offer_withdrawn" && events.items.last?.data == ["reason": "partnership_ended"])
        }
    }

    @Test(arguments: 1...3)
    func anExclusiveLeadGoesToExactlyOneOfTwoConcurrentAccepts(round: Int) async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let lead = try await world.lead("Round\(round)")
            let toBravo = try await world.offer(lead, to: world.bravo, exclusive: true)
            let toCharlie = try await world.offer(lead, to: world.charlie, exclusive: true)
            let offers = world.offers
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (caller, id) in [(world.bravo.ownerCaller, toBravo.id), (world.charlie.ownerCaller, toCharlie.id)] {
                    group.addTask {
                        do {
                            _ = try await offers.accept(caller, id: id)
                            return true
                        } catch let error as HubError {
                            guard case .conflict = error else { throw error }
                            return false
                        }
                    }
                }
                return try await group.all()
            }
            #expect(results.filter { $0 }.count == 1)
            let statuses = try await world.offers.offers(world.alpha.ownerCaller, lead: lead.id).map(\.status)
            #expect(statuses.sorted { $0.rawValue < $1.rawValue } == [.accepted, .withdrawn])
            let copies = try await world.leads.list(world.bravo.ownerCaller, filter: LeadFilter(), page: PageRequest()).items.count
                + world.leads.list(world.charlie.ownerCaller, filter: LeadFilter(), page: PageRequest()).items.count
            #expect(copies == 1)
            let loser = try await world.offers.offers(world.alpha.ownerCaller, lead: lead.id).first { $0.status == .withdrawn }
            #expect(loser?.withdrawReason == .acceptedElsewhere)
            await #expect(throws: HubError.self) { try await world.offer(lead, to: world.charlie, exclusive: true) }
        }
    }

    @Test func partnerMetricsCountTimeAndRateTheOffersOfAPeriodExactly() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let january = ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z")!
            let february = ISO8601DateFormatter().date(from: "2026-02-01T00:00:00Z")!
            func at(_ day: Double, hours: Double = 0) -> Date { january.addingTimeInterval(day * 86400 + hours * 3600) }
            var made: [LeadOffer] = []
            for name in ["A", "B", "C", "D", "E", "F"] { made.append(try await world.offer(try await world.lead(name), to: world.bravo)) }
            let copyA = try #require(try await world.offers.accept(world.bravo.ownerCaller, id: made[0].id).copyLeadID)
            _ = try await world.offers.accept(world.bravo.ownerCaller, id: made[1].id)
            _ = try await world.offers.decline(world.bravo.ownerCaller, id: made[2].id, reason: .duplicate, note: nil)
            _ = try await world.offers.withdraw(world.alpha.ownerCaller, id: made[4].id)
            _ = try await world.offers.accept(world.bravo.ownerCaller, id: made[5].id)
            _ = try await world.leads.changeStatus(world.bravo.ownerCaller, id: copyA, to: .qualified, reason: nil)
            _ = try await LeadConversion(database: hub.database).convert(
                world.bravo.ownerCaller, lead: copyA, LeadConversionRequest(amount: try Money(amount: "100", currency: "EUR", field: "/amount"))
            )
            try await world.setTimes(made[0].id, offeredAt: at(1), dueAt: at(3), respondedAt: at(1, hours: 1))
            try await world.setTimes(made[1].id, offeredAt: at(2), dueAt: at(4), respondedAt: at(2, hours: 3))
            try await world.setTimes(made[2].id, offeredAt: at(3), dueAt: at(5), respondedAt: at(3, hours: 2))
            try await world.setTimes(made[3].id, offeredAt: at(4), dueAt: at(6))
            try await world.setTimes(made[4].id, offeredAt: at(5), dueAt: at(7))
            try await world.setTimes(made[5].id, offeredAt: at(40), dueAt: at(42), respondedAt: at(40, hours: 1))
            let metrics = try await world.offers.partnerMetrics(world.alpha.ownerCaller, partner: world.bravo.id, from: january, to: february)
            #expect(metrics.offered == 5 && metrics.accepted == 2 && metrics.declined == 1 && metrics.expired == 1 && metrics.withdrawn == 1)
            #expect(metrics.acceptanceRate == "0.5000")
            #expect(metrics.medianResponseSeconds == 7200)
            #expect(metrics.converted == 1 && metrics.conversionRate == "0.5000")
            let empty = try await world.offers.partnerMetrics(world.alpha.ownerCaller, partner: world.charlie.id, from: january, to: february)
            #expect(empty.offered == 0 && empty.acceptanceRate == nil && empty.medianResponseSeconds == nil && empty.conversionRate == nil)
            // Bravo's view of its own offers to alpha is empty: metrics are of the caller's offers only.
            let reverse = try await world.offers.partnerMetrics(world.bravo.ownerCaller, partner: world.alpha.id, from: january, to: february)
            #expect(reverse.offered == 0)
        }
    }

    @Test func offersAreMadeListedAndAnsweredOverHTTP() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let lead = try await world.lead()
            let alphaToken = try await hub.token(for: world.alpha.owner)
            let bravoToken = try await hub.token(for: world.bravo.owner)
            try await hub.withClient { client in
                let made = try await client.call(
                    .post, "/api/v1/leads/\(lead.id)/offers", token: alphaToken,
                    json: ["toTenantID": world.bravo.id.description, "sharedFields": ["companyName", "email"], "message": "hot one", "slaHours": 24]
                )
                #expect(made.status == .created && made.json["status"] as? String == "offered")
                let id = try #require(made.json["id"] as? String)
                let incoming = try await client.call(.get, "/api/v1/lead-offers?direction=incoming&status=offered", token: bravoToken)
                #expect(incoming.items.compactMap { $0["id"] as? String } == [id])
                let outgoing = try await client.call(.get, "/api/v1/lead-offers?direction=incoming", token: alphaToken)
                #expect(outgoing.items.isEmpty)
                let badDirection = try await client.call(.get, "/api/v1/lead-offers?direction=sideways", token: bravoToken)
                #expect(badDirection.status == .unprocessableContent)
                let accepted = try await client.call(.post, "/api/v1/lead-offers/\(id)/accept", token: bravoToken)
                #expect(accepted.status == .ok && accepted.json["copyLeadID"] is String)
                let timeline = try await client.call(.get, "/api/v1/lead-offers/\(id)/timeline", token: bravoToken)
                #expect(timeline.items.compactMap { $0["type"] as? String } == ["lead.offered", "lead.offer_accepted"])
                let ofLead = try await client.call(.get, "/api/v1/leads/\(lead.id)/offers", token: alphaToken)
                #expect(ofLead.items.first?["status"] as? String == "accepted")
            }
        }
    }
}

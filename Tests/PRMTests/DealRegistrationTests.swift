import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PRM
import PostgresNIO
import Testing

/// A vendor with two active partners, and an outsider with no partnership.
struct DealWorld {
    let vendor: TestTenant
    let partner: TestTenant
    let rival: TestTenant
    let outsider: TestTenant

    static func make(_ hub: TestHub) async throws -> DealWorld {
        let vendor = try await hub.makeTenant("vendor")
        let partner = try await hub.makeTenant("delta")
        let rival = try await hub.makeTenant("echo")
        let outsider = try await hub.makeTenant("foxtrot")
        for other in [partner, rival] {
            let invited = try await hub.services.partnerships.invite(vendor.ownerCaller, partnerSlug: other.tenant.slug, note: nil)
            _ = try await hub.services.partnerships.perform(other.ownerCaller, .accept, on: invited.id, reason: nil)
        }
        return DealWorld(vendor: vendor, partner: partner, rival: rival, outsider: outsider)
    }

    static func fields(
        _ name: String, domain: String? = nil, country: String = "DE", amount: String = "10000", ref: String? = nil
    ) throws -> DealRegistrationFields {
        DealRegistrationFields(
            customerName: name, customerDomain: domain, country: country, products: [DealProduct(sku: "SKU-1", quantity: 5)],
            amount: try Money(amount: amount, currency: "EUR", field: "/amount"), expectedCloseOn: try Day("2030-06-30", field: "/d"),
            partnerRef: ref
        )
    }
}

@Suite struct DealRegistrationTests {
    @Test func aRegistrationNeedsAnActivePartnershipWithTheVendor() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let refusal = HubError.invalid("/vendorTenantID", "your company has no active partnership with this tenant")
            await #expect(throws: refusal) {
                try await registrations.create(world.outsider.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Acme"))
            }
            // An invitation not yet accepted is no partnership either.
            _ = try await hub.services.partnerships.invite(world.vendor.ownerCaller, partnerSlug: "foxtrot", note: nil)
            await #expect(throws: refusal) {
                try await registrations.create(world.outsider.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Acme"))
            }
            let mine = try await registrations.listAsVendor(world.vendor.ownerCaller, status: nil, partner: nil, page: PageRequest())
            #expect(mine.items.isEmpty)
        }
    }

    @Test func aPartnerDraftsAndSubmitsAndTheVendorReviewsAndApprovesWithProtection() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let draft = try await registrations.create(
                world.partner.ownerCaller, vendor: world.vendor.id, try DealWorld.fields(" Acme GmbH ", domain: "WWW.Acme.example", ref: "OPP-7")
            )
            #expect(draft.status == .draft && draft.customerDomain == "acme.example" && draft.vendorTenantID == world.vendor.id)
            // The vendor does not see the partner's work in progress.
            await #expect(throws: HubError.notFound("deal registration")) { try await registrations.get(world.vendor.ownerCaller, id: draft.id) }
            let submitted = try await registrations.submit(world.partner.ownerCaller, id: draft.id)
            #expect(submitted.status == .submitted && !submitted.hasConflict && submitted.expiresAt != nil)
            let reviewing = try await registrations.review(world.vendor.ownerCaller, id: draft.id)
            #expect(reviewing.status == .underReview && reviewing.partnerTenantID == world.partner.id)
            let approved = try await registrations.approve(world.vendor.ownerCaller, id: draft.id, DealApproval(protectionDays: 90, note: "go"))
            let protection = try #require(approved.protectionUntil)
            #expect(approved.status == .approved && approved.decisionReason == "go")
            #expect(abs(protection.timeIntervalSinceNow - 90 * 86400) < 600)
            guard case .partner(let seen) = try await registrations.get(world.partner.ownerCaller, id: draft.id) else {
                Issue.record("the partner must get its own view")
                return
            }
            #expect(seen.status == .approved && seen.protectionUntil == protection)
            let partnerTimeline = try await registrations.timeline(world.partner.ownerCaller, id: draft.id, page: PageRequest())
            #expect(partnerTimeline.items.map(\.type) == ["deal.drafted", "deal.registered", "deal.under_review", "deal.approved"])
            let vendorTimeline = try await registrations.timeline(world.vendor.ownerCaller, id: draft.id, page: PageRequest())
            #expect(vendorTimeline.items.map(\.type) == ["deal.registered", "deal.under_review", "deal.approved"])
        }
    }

    @Test func conflictsAreFoundInTheVendorsDataAndOnlyTheVendorSeesTheirDetails() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let first = try await registrations.create(
                world.partner.ownerCaller, vendor: world.vendor.id,
                try DealWorld.fields("Acme Corporation", domain: "acme-corp.example", ref: "DELTA-SECRET-REF")
            )
            _ = try await registrations.submit(world.partner.ownerCaller, id: first.id)
            // The vendor already knows the customer: an account under the same name in the same country.
            let account = try await Accounts(database: hub.database).create(world.vendor.ownerCaller, AccountFields(name: "ACME corp.", country: "DE"))
            let later = try await registrations.create(world.rival.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("ACME corp."))
            let submitted = try await registrations.submit(world.rival.ownerCaller, id: later.id)
            #expect(submitted.hasConflict)
            guard case .vendor(let vendorView) = try await registrations.get(world.vendor.ownerCaller, id: later.id) else {
                Issue.record("the vendor must get its view")
                return
            }
            let conflicts = try #require(vendorView.conflicts)
            #expect(Set(conflicts.map(\.kind)) == [.partnerRegistration, .vendorAccount])
            #expect(conflicts.first { $0.kind == .partnerRegistration }?.matchedID == first.id.description)
            #expect(conflicts.first { $0.kind == .partnerRegistration }?.matchedPartnerTenantID == world.partner.id)
            #expect(conflicts.first { $0.kind == .vendorAccount }?.matchedID == account.id.description)
            // Earliest wins: the first registration does not conflict with the later one.
            guard case .vendor(let firstView) = try await registrations.get(world.vendor.ownerCaller, id: first.id) else { return }
            #expect(!firstView.hasConflict && firstView.conflicts == [])

            let token = try await hub.token(for: world.rival.owner)
            try await hub.withClient { client in
                for path in ["/api/v1/deal-registrations/\(later.id)", "/api/v1/deal-registrations?role=partner",
                             "/api/v1/deal-registrations/\(later.id)/timeline"] {
                    let response = try await client.call(.get, path, token: token)
                    #expect(response.status == .ok)
                    for secret in [first.id.description, world.partner.id.description, "delta", "Delta", "Acme Corporation", "acme-corp.example",
                                   "DELTA-SECRET-REF", account.id.description, "conflicts", "matched"] {
                        #expect(!response.body.contains(secret), "\(path) shows \(secret) to the other partner")
                    }
                }
                let shown = try await client.call(.get, "/api/v1/deal-registrations/\(later.id)", token: token)
                #expect(shown.json["hasConflict"] as? Bool == true && shown.json["role"] as? String == "partner")
                // The vendor, over the same route, sees what the registration collides with.
                let vendorToken = try await hub.token(for: world.vendor.owner)
                let vendorShown = try await client.call(.get, "/api/v1/deal-registrations/\(later.id)", token: vendorToken)
                let matched = (vendorShown.json["conflicts"] as? [[String: any Sendable]] ?? []).compactMap { $0["matchedID"] as? String }
                #expect(vendorShown.json["role"] as? String == "vendor" && Set(matched) == [first.id.description, account.id.description])
            }
        }
    }

    @Test func twoPartnersSubmittingTheSameCustomerAtOnceLeaveExactlyOneConflict() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            for round in 0..<3 {
                let domain = "race\(round).example"
                let first = try await registrations.create(world.partner.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Race \(round)", domain: domain))
                let second = try await registrations.create(world.rival.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Race \(round)", domain: domain))
                async let one = registrations.submit(world.partner.ownerCaller, id: first.id)
                async let two = registrations.submit(world.rival.ownerCaller, id: second.id)
                let flags = try await [one.hasConflict, two.hasConflict]
                #expect(flags.filter { $0 }.count == 1, "round \(round): \(flags)")
            }
        }
    }

    @Test func approvingOverAStandingConflictNeedsAnOverrideReasonThePartnerNeverSees() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let first = try await registrations.create(world.partner.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Acme", domain: "acme.example"))
            _ = try await registrations.submit(world.partner.ownerCaller, id: first.id)
            let later = try await registrations.create(world.rival.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Acme AG", domain: "acme.example"))
            _ = try await registrations.submit(world.rival.ownerCaller, id: later.id)
            await #expect {
                try await registrations.approve(world.vendor.ownerCaller, id: later.id, DealApproval(protectionDays: 30))
            } throws: { error in
                guard case HubError.invalid(let issues) = error else { return false }
                return issues.map(\.field) == ["/overrideReason"]
            }
            let approved = try await registrations.approve(
                world.vendor.ownerCaller, id: later.id, DealApproval(protectionDays: 30, overrideReason: "the first partner never engaged the buyer")
            )
            #expect(approved.status == .approved)
            #expect(approved.conflicts?.map(\.resolution) == ["overridden"])
            #expect(approved.conflicts?.first?.resolutionReason == "the first partner never engaged the buyer")
            let token = try await hub.token(for: world.rival.owner)
            try await hub.withClient { client in
                for path in ["/api/v1/deal-registrations/\(later.id)", "/api/v1/deal-registrations/\(later.id)/timeline"] {
                    let response = try await client.call(.get, path, token: token)
                    #expect(!response.body.contains("never engaged"), "\(path) shows the override reason to the partner")
                }
            }
            // The first registration is untouched and still approvable without any override.
            let firstApproved = try await registrations.approve(world.vendor.ownerCaller, id: first.id, DealApproval(protectionDays: 30))
            #expect(firstApproved.status == .approved)
        }
    }

    @Test func sidesOnlyActAsTheirRoleAndOthersSeeNothing() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let registration = try await registrations.create(world.partner.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Acme"))
            _ = try await registrations.submit(world.partner.ownerCaller, id: registration.id)
            for stranger in [world.rival, world.outsider] {
                await #expect(throws: HubError.notFound("deal registration")) { try await registrations.get(stranger.ownerCaller, id: registration.id) }
                await #expect(throws: HubError.notFound("deal registration")) {
                    try await registrations.reject(stranger.ownerCaller, id: registration.id, reason: "mine now")
                }
                #expect(try await registrations.listAsPartner(stranger.ownerCaller, status: nil, vendor: nil, page: PageRequest()).items.isEmpty)
                #expect(try await registrations.listAsVendor(stranger.ownerCaller, status: nil, partner: nil, page: PageRequest()).items.isEmpty)
            }
            await #expect(throws: HubError.forbidden("only the vendor decides on a registration")) {
                try await registrations.approve(world.partner.ownerCaller, id: registration.id, DealApproval(protectionDays: 365))
            }
            await #expect(throws: HubError.forbidden("only the partner that registered the deal can edit it")) {
                var change = DealRegistrationChanges()
                change.partnerRef = .set("x")
                return try await registrations.update(world.vendor.ownerCaller, id: registration.id, change)
            }
            let member = try await hub.makeUser(in: world.vendor, role: .member)
            let memberCaller = Caller(principal: Principal(tenantID: world.vendor.id, userID: member.id, role: .member), requestID: "test")
            await #expect(throws: HubError.self) { try await registrations.reject(memberCaller, id: registration.id, reason: "no") }
            let listed = try await registrations.listAsVendor(world.vendor.ownerCaller, status: .submitted, partner: world.partner.id, page: PageRequest())
            #expect(listed.items.map(\.id) == [registration.id])
        }
    }

    @Test func evenRawSQLOnThePartnersSideCannotDecideOrForgeARegistration() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let registration = try await registrations.create(world.partner.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Acme"))
            _ = try await registrations.submit(world.partner.ownerCaller, id: registration.id)
            let forgeries: [PostgresQuery] = [
                "UPDATE hub.deal_registrations SET status = 'approved', protection_until = now() + interval '1 year' WHERE id = \(registration.id.uuid)",
                "UPDATE hub.deal_registrations SET has_conflict = false, decision_reason = 'fine' WHERE id = \(registration.id.uuid)",
                """
                INSERT INTO hub.deal_registrations (tenant_id, id, partner_tenant_id, status, customer_name, customer_name_key, country, products,
                                                    amount, currency, expected_close_on, protection_until)
                VALUES (\(world.vendor.id.uuid), gen_random_uuid(), \(world.partner.id.uuid), 'approved', 'X', 'x', 'DE', '[{}]', 1, 'EUR',
                        '2030-01-01', now() + interval '1 year')
                """,
            ]
            for forgery in forgeries {
                await #expect(throws: (any Error).self) {
                    try await hub.database.withTenant(world.partner.ownerCaller.principal) { connection in
                        try await connection.query(forgery, logger: hub.database.logger)
                    }
                }
            }
            guard case .partner(let unchanged) = try await registrations.get(world.partner.ownerCaller, id: registration.id) else { return }
            #expect(unchanged.status == .submitted && unchanged.protectionUntil == nil && unchanged.decisionReason == nil)
        }
    }

    @Test func aReturnedRegistrationIsEditedAndResubmittedAndARejectionNeedsAReason() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let registration = try await registrations.create(world.partner.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Acme"))
            _ = try await registrations.submit(world.partner.ownerCaller, id: registration.id)
            await #expect(throws: HubError.conflict("cannot edit a registration that is submitted")) {
                var change = DealRegistrationChanges()
                change.partnerRef = .set("late")
                return try await registrations.update(world.partner.ownerCaller, id: registration.id, change)
            }
            await #expect(throws: HubError.invalid("/reason", "is required: say why")) {
                try await registrations.returnToPartner(world.vendor.ownerCaller, id: registration.id, reason: nil)
            }
            let returned = try await registrations.returnToPartner(world.vendor.ownerCaller, id: registration.id, reason: "which products?")
            #expect(returned.status == .returned && returned.decisionReason == "which products?")
            var moreProducts = DealRegistrationChanges()
            moreProducts.products = .set([DealProduct(sku: "SKU-9", quantity: 2), DealProduct(sku: "SKU-10", quantity: 1)])
            let edited = try await registrations.update(world.partner.ownerCaller, id: registration.id, moreProducts)
            #expect(edited.products.map(\.sku) == ["SKU-9", "SKU-10"] && edited.decisionReason == "which products?")
            let resubmitted = try await registrations.submit(world.partner.ownerCaller, id: registration.id)
            #expect(resubmitted.status == .submitted && resubmitted.decisionReason == nil)
            let rejected = try await registrations.reject(world.vendor.ownerCaller, id: registration.id, reason: "we sell direct here")
            #expect(rejected.status == .rejected)
            await #expect(throws: HubError.conflict("cannot submit a registration that is rejected")) {
                try await registrations.submit(world.partner.ownerCaller, id: registration.id)
            }
        }
    }

    @Test func badRegistrationFieldsAreAllNamedAndNothingIsSaved() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let bad = DealRegistrationFields(
                customerName: "Acme", customerDomain: "not a domain", country: "ZZ", products: [DealProduct(sku: "", quantity: 0)],
                amount: try Money(amount: "1", currency: "EUR", field: "/amount"), expectedCloseOn: try Day("2020-01-01", field: "/d")
            )
            await #expect {
                try await registrations.create(world.partner.ownerCaller, vendor: world.vendor.id, bad)
            } throws: { error in
                guard case HubError.invalid(let issues) = error else { return false }
                return Set(issues.map(\.field)) == ["/customerDomain", "/country", "/products/0/sku", "/products/0/quantity", "/expectedCloseOn"]
            }
            #expect(try await registrations.listAsPartner(world.partner.ownerCaller, status: nil, vendor: nil, page: PageRequest()).items.isEmpty)
        }
    }

    @Test func registrationsExpireWhenTheirTimeRunsOutOnReadAndBySweep() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            func submitted(_ name: String) async throws -> DealRegistrationID {
                let draft = try await registrations.create(world.partner.ownerCaller, vendor: world.vendor.id, try DealWorld.fields(name))
                return try await registrations.submit(world.partner.ownerCaller, id: draft.id).id
            }
            let undecided = try await submitted("Undecided")
            let swept = try await submitted("Swept")
            let protected = try await submitted("Protected")
            let closed = try await submitted("Closed")
            _ = try await registrations.approve(world.vendor.ownerCaller, id: protected, DealApproval(protectionDays: 10))
            let withDeal = try await registrations.approve(world.vendor.ownerCaller, id: closed, DealApproval(protectionDays: 10, createOpportunity: true))
            _ = try await Opportunities(database: hub.database).close(world.vendor.ownerCaller, id: try #require(withDeal.opportunityID), as: .won, reason: nil)
            // Time passes: move the deadlines into the past.
            try await hub.database.withTenant(world.vendor.ownerCaller.principal) { connection in
                try await connection.query(
                    """
                    UPDATE hub.deal_registrations SET expires_at = now() - interval '1 minute',
                           protection_until = CASE WHEN protection_until IS NULL THEN NULL ELSE now() - interval '1 minute' END
                    """,
                    logger: hub.database.logger
                )
            }
            // Read by the partner: expired on the spot.
            #expect(try await registrations.get(world.partner.ownerCaller, id: undecided).status == .expired)
            await #expect(throws: HubError.conflict("cannot approve a registration that is expired")) {
                try await registrations.approve(world.vendor.ownerCaller, id: undecided, DealApproval(protectionDays: 5))
            }
            // The server's hub-wide sweep takes the rest, before anyone reads them: the undecided one and the approved
            // one whose protection ended without a close.
            #expect(try await registrations.expireAllDue() == 2)
            let statuses = try await hub.database.withTenant(world.vendor.ownerCaller.principal) { connection in
                try await connection.query(
                    "SELECT id, status::text FROM hub.deal_registrations", logger: hub.database.logger
                ).decode((UUID, String).self).reduce(into: [UUID: String]()) { $0[$1.0] = $1.1 }
            }
            #expect(statuses == [undecided.uuid: "expired", swept.uuid: "expired", protected.uuid: "expired", closed.uuid: "approved"])
            #expect(try await registrations.expireAllDue() == 0)
            guard case .partner(let won) = try await registrations.get(world.partner.ownerCaller, id: closed) else { return }
            #expect(won.status == .approved && won.dealOutcome == .won)
            let timeline = try await registrations.timeline(world.partner.ownerCaller, id: protected, page: PageRequest())
            #expect(timeline.items.last?.type == "deal.expired" && timeline.items.last?.actorUserID == nil)
        }
    }

    @Test func approvalMayCreateTheVendorsOpportunitySourcedByThePartner() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let draft = try await registrations.create(
                world.partner.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Initech", domain: "initech.example", amount: "4321.5")
            )
            _ = try await registrations.submit(world.partner.ownerCaller, id: draft.id)
            let approved = try await registrations.approve(
                world.vendor.ownerCaller, id: draft.id, DealApproval(protectionDays: 60, createOpportunity: true)
            )
            let opportunity = try await Opportunities(database: hub.database).get(world.vendor.ownerCaller, id: try #require(approved.opportunityID))
            #expect(opportunity.sourcedByTenantID == world.partner.id && opportunity.dealRegistrationID == draft.id)
            #expect(opportunity.amount.amount == "4321.50" && opportunity.expectedCloseOn?.description == "2030-06-30")
            let account = try await Accounts(database: hub.database).get(world.vendor.ownerCaller, id: opportunity.accountID)
            #expect(account.domain == "initech.example" && account.name == "Initech")
            await #expect(throws: HubError.notFound("opportunity")) {
                try await Opportunities(database: hub.database).get(world.partner.ownerCaller, id: opportunity.id)
            }
        }
    }
}

@Suite struct DealRegistrationAPITests {
    @Test func partnersRegisterAndVendorsDecideOverHTTP() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let partnerToken = try await hub.token(for: world.partner.owner)
            let vendorToken = try await hub.token(for: world.vendor.owner)
            let outsiderToken = try await hub.token(for: world.outsider.owner)
            try await hub.withClient { client in
                let body: [String: any Sendable] = [
                    "vendorTenantID": world.vendor.id.description, "customerName": "Acme", "customerDomain": "acme.example", "country": "de",
                    "products": [["sku": "X-1", "quantity": 3] as [String: any Sendable]], "amount": ["amount": "1500", "currency": "EUR"] as [String: any Sendable],
                    "expectedCloseOn": "2030-01-31",
                ]
                let refused = try await client.call(.post, "/api/v1/deal-registrations", token: outsiderToken, json: body)
                #expect(refused.status == .unprocessableContent && AccountAPITests.fields(refused) == ["/vendorTenantID"])
                let created = try await client.call(.post, "/api/v1/deal-registrations", token: partnerToken, json: body)
                #expect(created.status == .created && created.json["status"] as? String == "draft")
                let id = try #require(created.json["id"] as? String)
                let submitted = try await client.call(.post, "/api/v1/deal-registrations/\(id)/submit", token: partnerToken, json: [:])
                #expect(submitted.status == .ok && submitted.json["status"] as? String == "submitted")
                let listed = try await client.call(.get, "/api/v1/deal-registrations", token: vendorToken)
                #expect(listed.items.compactMap { $0["id"] as? String } == [id] && listed.items.first?["role"] as? String == "vendor")
                let noDays = try await client.call(.post, "/api/v1/deal-registrations/\(id)/approve", token: vendorToken, json: [:])
                #expect(noDays.status == .unprocessableContent && AccountAPITests.fields(noDays) == ["/protectionDays"])
                let byPartner = try await client.call(.post, "/api/v1/deal-registrations/\(id)/approve", token: partnerToken, json: ["protectionDays": 30])
                #expect(byPartner.status == .forbidden)
                let approved = try await client.call(.post, "/api/v1/deal-registrations/\(id)/approve", token: vendorToken, json: ["protectionDays": 30])
                #expect(approved.status == .ok && approved.json["status"] as? String == "approved")
                let byOutsider = try await client.call(.get, "/api/v1/deal-registrations/\(id)", token: outsiderToken)
                #expect(byOutsider.status == .notFound)
                let badRole = try await client.call(.get, "/api/v1/deal-registrations?role=broker", token: vendorToken)
                #expect(badRole.status == .unprocessableContent)
            }
        }
    }
}

@Suite struct PipelineMetricsTests {
    /// Sets what only time can: who sourced the opportunity, and when it was created and closed.
    func shape(
        _ hub: TestHub, _ vendor: TestTenant, _ id: OpportunityID, sourcedBy: TenantID?, outcome: OpportunityOutcome = .open,
        createdAt: Date? = nil, closedAt: Date? = nil
    ) async throws {
        try await hub.database.withTenant(vendor.ownerCaller.principal) { connection in
            try await connection.query(
                """
                UPDATE hub.opportunities SET sourced_by_tenant_id = \(sourcedBy?.uuid), outcome = \(outcome.rawValue)::hub.opportunity_outcome,
                       close_reason = CASE WHEN \(outcome.rawValue) = 'lost' THEN 'lost' END,
                       created_at = coalesce(\(createdAt), created_at), closed_at = \(closedAt)
                 WHERE id = \(id.uuid)
                """,
                logger: hub.database.logger
            )
        }
    }

    @Test func partnerMetricsAreExactDecimalsOnAFixedFixture() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            let registrations = DealRegistrations(database: hub.database)
            let (vendor, partner) = (world.vendor.ownerCaller, world.partner.ownerCaller)
            func submitted(_ name: String, by caller: Caller) async throws -> DealRegistrationID {
                let draft = try await registrations.create(caller, vendor: world.vendor.id, try DealWorld.fields(name))
                return try await registrations.submit(caller, id: draft.id).id
            }
            _ = try await registrations.approve(vendor, id: try await submitted("One", by: partner), DealApproval(protectionDays: 30))
            _ = try await registrations.reject(vendor, id: try await submitted("Two", by: partner), reason: "no")
            let lapsing = try await submitted("Three", by: partner)
            let resubmitted = try await submitted("Four", by: partner)
            _ = try await registrations.returnToPartner(vendor, id: resubmitted, reason: "more")
            _ = try await registrations.submit(partner, id: resubmitted)  // counted once: it was first submitted above
            _ = try await registrations.create(partner, vendor: world.vendor.id, try DealWorld.fields("Draft only"))
            _ = try await submitted("Rival", by: world.rival.ownerCaller)
            try await hub.database.withTenant(vendor.principal) { connection in
                try await connection.query(
                    "UPDATE hub.deal_registrations SET expires_at = now() - interval '1 second' WHERE id = \(lapsing.uuid)",
                    logger: hub.database.logger
                )
            }
            #expect(try await registrations.expireAllDue() == 1)

            let account = try await Accounts(database: hub.database).create(vendor, AccountFields(name: "Customer"))
            let opportunities = Opportunities(database: hub.database)
            func opportunity(_ amount: String, _ currency: String, _ stage: OpportunityStage = .prospecting) async throws -> OpportunityID {
                try await opportunities.create(
                    vendor,
                    OpportunityFields(accountID: account.id, name: amount, stage: stage, amount: try Money(amount: amount, currency: currency, field: "/a"))
                ).id
            }
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let base = now.addingTimeInterval(-50 * 86400)
            let day: TimeInterval = 86400
            let p = world.partner.id
            try await shape(hub, world.vendor, try await opportunity("1000.00", "EUR", .proposal), sourcedBy: p)
            try await shape(hub, world.vendor, try await opportunity("333.34", "EUR", .qualification), sourcedBy: p)
            try await shape(hub, world.vendor, try await opportunity("99.99", "USD", .negotiation), sourcedBy: p)
            for (amount, currency, days) in [("2000.00", "EUR", 10.0), ("500.50", "EUR", 20.0), ("0", "EUR", 12.0), ("100.00", "USD", 3.5)] {
                try await shape(
                    hub, world.vendor, try await opportunity(amount, currency), sourcedBy: p, outcome: .won, createdAt: base,
                    closedAt: base.addingTimeInterval(days * day)
                )
            }
            for days in [15.0, 16.0] {
                try await shape(
                    hub, world.vendor, try await opportunity("10", "EUR"), sourcedBy: p, outcome: .lost, createdAt: base,
                    closedAt: base.addingTimeInterval(days * day)
                )
            }
            // Outside the range, another partner's, and nobody's: none of them count.
            try await shape(
                hub, world.vendor, try await opportunity("10", "EUR"), sourcedBy: p, outcome: .won, createdAt: now.addingTimeInterval(-100 * day),
                closedAt: now.addingTimeInterval(-90 * day)
            )
            try await shape(hub, world.vendor, try await opportunity("50", "EUR", .negotiation), sourcedBy: world.rival.id)
            _ = try await opportunity("70", "EUR", .negotiation)

            let metrics = PipelineMetrics(database: hub.database)
            let result = try await metrics.partnerMetrics(vendor, partner: p, from: now.addingTimeInterval(-60 * day), to: now.addingTimeInterval(3600))
            #expect(result.registrationsSubmitted == 4)
            #expect(result.registrationsApproved == 1 && result.registrationsRejected == 1 && result.registrationsExpired == 1)
            func money(_ amount: String, _ currency: String) throws -> Money { try Money(amount: amount, currency: currency, field: "/m") }
            #expect(result.openPipeline == [try money("1333.34", "EUR"), try money("99.99", "USD")])
            // 1000.00 × 0.50 + 333.34 × 0.25 = 583.335 → 583.34; 99.99 × 0.75 = 74.9925 → 74.99
            #expect(result.weightedPipeline == [try money("583.34", "EUR"), try money("74.99", "USD")])
            #expect(result.wonValue == [try money("2500.50", "EUR"), try money("100.00", "USD")])
            #expect(result.opportunitiesWon == 4 && result.opportunitiesLost == 2)
            #expect(result.closeRate == "0.6667")
            // Won after 3.5, 10, 12 and 20 days: the median is (10 + 12) / 2.
            #expect(result.medianSalesCycleDays == "11.00")

            let quiet = try await metrics.partnerMetrics(
                vendor, partner: p, from: now.addingTimeInterval(30 * day), to: now.addingTimeInterval(31 * day)
            )
            #expect(quiet.registrationsSubmitted == 0 && quiet.wonValue.isEmpty && quiet.closeRate == nil && quiet.medianSalesCycleDays == nil)
            #expect(quiet.openPipeline == result.openPipeline)
            // The partner's own tenant has no pipeline sourced by it: the figures are the vendor's data.
            let fromPartnerSide = try await metrics.partnerMetrics(partner, partner: p, from: now.addingTimeInterval(-60 * day), to: now)
            #expect(fromPartnerSide.openPipeline.isEmpty && fromPartnerSide.registrationsSubmitted == 0)
            await #expect(throws: HubError.invalid("to", "must be later than from")) {
                try await metrics.partnerMetrics(vendor, partner: p, from: now, to: now)
            }
        }
    }
}

@Suite struct DealTablesIsolationTests {
    static let tables = [
        "accounts", "contacts", "opportunities", "opportunity_changes", "deal_registrations", "deal_registration_changes",
        "deal_registration_conflicts",
    ]

    @Test func everyTableForcesRowLevelSecurityAndShowsNothingWithoutATenant() async throws {
        try await TestHub.with { hub in
            let world = try await DealWorld.make(hub)
            _ = try await Accounts(database: hub.database).create(world.vendor.ownerCaller, AccountFields(name: "Acme", country: "DE"))
            let draft = try await DealRegistrations(database: hub.database).create(
                world.partner.ownerCaller, vendor: world.vendor.id, try DealWorld.fields("Acme")
            )
            _ = try await DealRegistrations(database: hub.database).submit(world.partner.ownerCaller, id: draft.id)
            for table in Self.tables {
                let (enabled, forced) = try await hub.database.withoutTenant { connection in
                    try await connection.query(
                        "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = \("hub." + table)::regclass", logger: hub.database.logger
                    ).decode((Bool, Bool).self).all().first ?? (false, false)
                }
                #expect(enabled && forced, "hub.\(table) must enable and force row-level security")
                let count = try await hub.database.withoutTenant { connection in
                    try await connection.query("SELECT count(*) FROM hub.\(unescaped: table)", logger: hub.database.logger).decode(Int.self).all().first
                }
                #expect(count == 0, "hub.\(table) shows rows with no tenant set")
            }
            // The registering partner reads its registration's row but never the vendor's conflict rows.
            let partnerSees = try await hub.database.withTenant(world.partner.ownerCaller.principal) { connection in
                try await connection.query("SELECT count(*) FROM hub.deal_registration_conflicts", logger: hub.database.logger).decode(Int.self).all()
            }
            let vendorSees = try await hub.database.withTenant(world.vendor.ownerCaller.principal) { connection in
                try await connection.query("SELECT count(*) FROM hub.deal_registration_conflicts", logger: hub.database.logger).decode(Int.self).all()
            }
            #expect(partnerSees == [0] && vendorSees == [1])
        }
    }
}

import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PRM
import Hummingbird
import Testing

/// Every registered route, tried with another tenant's credentials against tenant A's objects.
@Suite struct IsolationMatrixTests {
    /// Tenant A's objects, by the path parameter that names them.
    struct World {
        let a: TestTenant
        let b: TestTenant
        let aToken: String
        let bToken: String
        let objects: [String: String]
    }

    func makeWorld(_ hub: TestHub) async throws -> World {
        let a = try await hub.makeTenant("alpha")
        let b = try await hub.makeTenant("bravo")
        _ = try await hub.makeTenant("charlie")
        let member = try await hub.makeUser(in: a, role: .member)
        let memberToken = try await hub.token(for: member)
        let memberTokenID = try #require(try await hub.services.authenticator.principal(forAPIToken: memberToken)?.credentialID)
        let partnership = try await hub.services.partnerships.invite(a.ownerCaller, partnerSlug: "charlie", note: nil)
        let lead = try await hub.services.leads.create(a.ownerCaller, LeadDraft(companyName: "Acme", email: "buyer@acme.example")).lead
        let account = try await hub.services.accounts.create(a.ownerCaller, AccountFields(name: "Acme", domain: "acme.example"))
        let contact = try await hub.services.contacts.create(a.ownerCaller, ContactFields(accountID: account.id, lastName: "Buyer"))
        let opportunity = try await hub.services.opportunities.create(
            a.ownerCaller, OpportunityFields(accountID: account.id, name: "Acme", amount: try Money(amount: "10", currency: "EUR", field: "/amount"))
        )
        let webhook = try await hub.services.webhooks.create(a.ownerCaller, url: "https://hooks.alpha.example/in", events: nil, active: nil, description: nil)
        let webhookDelivery = try await hub.services.webhooks.ping(a.ownerCaller, id: webhook.endpoint.id)
        let survey = try await hub.services.surveys.create(
            a.ownerCaller, question: "How likely are you to recommend us?", closesAt: Date().addingTimeInterval(86400), recipients: []
        )
        // An active partner of A, with a profile, an offer of A's lead, a rule and its run.
        let delta = try await hub.makeTenant("delta")
        let active = try await hub.services.partnerships.invite(a.ownerCaller, partnerSlug: "delta", note: nil)
        _ = try await hub.services.partnerships.perform(delta.ownerCaller, .accept, on: active.id, reason: nil)
        _ = try await hub.services.partnerProfiles.put(a.ownerCaller, partner: delta.id, PartnerProfileDraft(tier: "gold"))
        let offer = try await hub.services.leadOffers.offer(
            a.ownerCaller, lead: lead.id, LeadOfferDraft(toTenantID: delta.id, sharedFields: [.companyName])
        )
        let rule = try await hub.services.distributionRules.create(a.ownerCaller, DistributionRuleDraft(name: "All", strategy: .roundRobin))
        let run = try await hub.services.distributionRules.run(a.ownerCaller, rule: rule.id, leads: [lead.id])
        // A deal registration submitted to A by delta: A is its vendor.
        let registration = try await hub.services.dealRegistrations.create(
            delta.ownerCaller, vendor: a.id,
            DealRegistrationFields(
                customerName: "Acme", country: "DE", products: [DealProduct(sku: "S", quantity: 1)],
                amount: try Money(amount: "10", currency: "EUR", field: "/amount"), expectedCloseOn: try Day("2030-01-01", field: "/d")
            )
        )
        _ = try await hub.services.dealRegistrations.submit(delta.ownerCaller, id: registration.id)
        let (promotion, claim) = try await makePromotionWithClaim(hub, owner: a, partner: delta)
        return World(
            a: a, b: b, aToken: try await hub.token(for: a.owner), bToken: try await hub.token(for: b.owner),
            objects: [
                "userID": member.id.description,
                "tokenID": memberTokenID.description,
                "partnershipID": partnership.id.description,
                "leadID": lead.id.description,
                "accountID": account.id.description,
                "contactID": contact.id.description,
                "opportunityID": opportunity.id.description,
                "registrationID": registration.id.description,
                "endpointID": webhook.endpoint.id.description,
                "deliveryID": webhookDelivery.id.description,
                "surveyID": survey.id.description,
                "offerID": offer.id.description,
                "partnerTenantID": delta.id.description,
                "ruleID": rule.id.description,
                "runID": run.id.description,
                "promotionID": promotion.id.description,
                "claimID": claim.id.description,
            ]
        )
    }

    /// An active promotion of A joined by `delta` (an active partner), which reported sell-through and claimed against it.
    func makePromotionWithClaim(_ hub: TestHub, owner a: TestTenant, partner delta: TestTenant) async throws -> (Promotion, Claim) {
        let today = Day(utc: Date())
        let promotion = try await hub.services.promotions.create(
            a.ownerCaller,
            PromotionDraft(name: "Spring", startsOn: today, endsOn: today, currency: "EUR", terms: TermsDraft(eligibleProducts: ["SKU-1"]))
        )
        _ = try await hub.services.promotions.perform(a.ownerCaller, .activate, on: promotion.id)
        _ = try await hub.services.promotions.invite(a.ownerCaller, id: promotion.id, partner: delta.id)
        _ = try await hub.services.promotions.accept(
            delta.ownerCaller, id: promotion.id, contribution: try Money(amount: "100", currency: "EUR", field: "/c")
        )
        _ = try await hub.services.promotions.issueCode(a.ownerCaller, id: promotion.id, PromoCodeDraft(code: "SPRING"))
        _ = try await hub.services.sellThrough.report(
            delta.ownerCaller,
            SellThroughDraft(
                vendorTenantID: a.id, periodStart: today, periodEnd: today, product: "SKU-1", quantity: "5",
                amount: try Money(amount: "50", currency: "EUR", field: "/a"), promotionID: promotion.id, idempotencyKey: "k1"
            )
        )
        let claim = try await hub.services.claims.submit(
            delta.ownerCaller,
            ClaimDraft(promotionID: promotion.id, lines: [ClaimLineDraft(product: "SKU-1", periodStart: today, periodEnd: today, quantity: "5", unitAmount: "2")])
        )
        return (promotion, claim)
    }

    /// The registered routes with a path parameter, as (method, path with A's ids filled in).
    func objectRoutes(_ hub: TestHub, world: World) throws -> [(HTTPRequest.Method, String)] {
        let router = try buildRouter(hub.services, settings: ServerSettings())
        return try router.routes.compactMap { route in
            let path = route.path.description
            let segments = path.split(separator: "/")
            guard segments.contains(where: { $0.hasPrefix("{") }) else { return nil }
            let filled = try segments.map { segment in
                guard segment.hasPrefix("{") else { return String(segment) }
                let name = String(segment.dropFirst().dropLast())
                return try #require(world.objects[name], "no fixture object for path parameter \(name) of \(path)")
            }
            return (route.method, "/" + filled.joined(separator: "/"))
        }
    }

    @Test func anotherTenantGets404ForEveryObjectOfTenantA() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            let routes = try objectRoutes(hub, world: world)
            #expect(routes.count >= 10)
            try await hub.withClient { client in
                for (method, path) in routes {
                    // A body the route accepts, so the request reaches the object look-up.
                    let body: String? =
                        [.post, .patch, .put].contains(method) ? (path.hasSuffix("/status") ? #"{"status": "contacted"}"# : "{}") : nil
                    let response = try await client.call(method, path, token: world.bToken, body: body)
                    #expect(response.status == .notFound, "\(method) \(path) answered \(response.status) to another tenant")
                    #expect(response.json["type"] as? String == "/problems/not-found")
                    for id in world.objects.values { #expect(!response.body.contains(id)) }
                }
                // The same routes are real for tenant A itself, so the 404s above are not vacuous.
                for (method, path) in routes where method == .get {
                    let response = try await client.call(method, path, token: world.aToken)
                    #expect(response.status == .ok, "\(method) \(path) answered \(response.status) to its own tenant")
                }
            }
        }
    }

    @Test func anotherTenantsListsNeverContainTenantAsObjects() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            let router = try buildRouter(hub.services, settings: ServerSettings())
            let lists = router.routes.map(\.path.description).filter { $0.hasPrefix("/api/v1") && !$0.contains("{") }
            let getLists = Set(router.routes.filter { $0.method == .get }.map(\.path.description))
            #expect(Set(lists).intersection(getLists).count >= 6)
            try await hub.withClient { client in
                for path in Set(lists).intersection(getLists) {
                    let response = try await client.call(.get, path, token: world.bToken)
                    #expect(response.status != .internalServerError)
                    for id in world.objects.values + [world.a.id.description, world.a.owner.id.description] {
                        #expect(!response.body.contains(id), "GET \(path) shows tenant A's \(id) to tenant B")
                    }
                }
            }
        }
    }

    @Test func aForeignObjectIdInTheBodyIsNotFound() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            try await hub.withClient { client in
                // Tenant B cannot act on A's partnership even by naming it in a write.
                let response = try await client.call(
                    .post, "/api/v1/partnerships/\(world.objects["partnershipID"]!)/end", token: world.bToken, json: ["reason": "x"]
                )
                #expect(response.status == .notFound)
                let still = try await hub.services.partnerships.get(world.a.ownerCaller, id: PartnershipID(world.objects["partnershipID"]!)!)
                #expect(still.status == .invited)
            }
        }
    }

    @Test func nonHubOperatorsCannotCreateOrListTenants() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            try await hub.withClient { client in
                let list = try await client.call(.get, "/api/v1/tenants", token: world.aToken)
                #expect(list.status == .forbidden)
                let create = try await client.call(.post, "/api/v1/tenants", token: world.aToken, json: ["slug": "rogue", "name": "Rogue"])
                #expect(create.status == .forbidden)
            }
        }
    }
}

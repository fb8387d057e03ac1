import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PRM
import PostgresNIO
import Testing

@Suite struct PromotionLifecycleTests {
    @Test func aScheduledPromotionBecomesActiveOnItsFirstDayAndEndsAfterItsLast() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let draft = PromotionDraft(
                name: "Summer", startsOn: Day("2031-06-01")!, endsOn: Day("2031-06-30")!, currency: "EUR",
                terms: TermsDraft(eligibleProducts: ["SKU-1"])
            )
            let before = Promotions(database: hub.database, clock: { noon("2031-05-20") })
            let created = try await before.create(world.vendor.ownerCaller, draft)
            #expect(created.status == .draft && created.termsVersion == 1 && created.claimsCloseOn == Day("2031-08-29"))
            let scheduled = try await before.perform(world.vendor.ownerCaller, .schedule, on: created.id)
            #expect(scheduled.status == .scheduled)
            _ = try await before.invite(world.vendor.ownerCaller, id: created.id, partner: world.bravo.id)
            _ = try await before.accept(world.bravo.ownerCaller, id: created.id, contribution: try PromotionWorld.money("10"))

            // The partner sees the calendar's status at once; the owner's copy catches up when it reads it.
            let during = Promotions(database: hub.database, clock: { noon("2031-06-01") })
            #expect(try await during.get(world.bravo.ownerCaller, id: created.id).status == .active)
            let active = try await during.get(world.vendor.ownerCaller, id: created.id)
            #expect(active.status == .active && active.activatedAt != nil)
            #expect(try await during.list(world.vendor.ownerCaller, role: .owner, status: .active, page: PageRequest()).items.map(\.id) == [created.id])

            let after = Promotions(database: hub.database, clock: { noon("2031-07-01") })
            #expect(try await after.advanceDue(world.vendor.ownerCaller) == 1)
            #expect(try await after.advanceDue(world.vendor.ownerCaller) == 0)
            let ended = try await after.get(world.vendor.ownerCaller, id: created.id)
            #expect(ended.status == .ended && ended.endedAt != nil)
            let partnerSide = try await after.timeline(world.bravo.ownerCaller, id: created.id, page: PageRequest()).items.map(\.type)
            #expect(partnerSide.contains("promotion.activated") && partnerSide.contains("promotion.ended"))
            await #expect(throws: HubError.conflict("cannot cancel a promotion that is ended")) {
                try await after.perform(world.vendor.ownerCaller, .cancel, on: created.id)
            }
        }
    }

    @Test func theCalendarSweepCatchesUpEveryTenantsPromotions() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let before = Promotions(database: hub.database, clock: { noon("2031-05-20") })
            var ids: [PromotionID] = []
            for owner in [world.vendor, world.bravo] {
                let draft = PromotionDraft(
                    name: "Summer", startsOn: Day("2031-06-01")!, endsOn: Day("2031-06-30")!, currency: "EUR",
                    terms: TermsDraft(eligibleProducts: ["SKU-1"])
                )
                let promotion = try await before.create(owner.ownerCaller, draft)
                _ = try await before.perform(owner.ownerCaller, .schedule, on: promotion.id)
                ids.append(promotion.id)
            }
            #expect(try await before.advanceAllDue() == 0)
            let during = Promotions(database: hub.database, clock: { noon("2031-06-02") })
            #expect(try await during.advanceAllDue() == 2)
            #expect(try await during.advanceAllDue() == 0)
            // Stored, not just computed: a reader on the old calendar sees the change too.
            #expect(try await before.get(world.vendor.ownerCaller, id: ids[0]).status == .active)
            #expect(try await before.get(world.bravo.ownerCaller, id: ids[1]).status == .active)
        }
    }

    @Test func cancellingWithdrawsPendingInvitationsAndJoinedPartnersSeeItCancelled() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            var draft = world.draft()
            draft.startsOn = Day(utc: Date().addingTimeInterval(30 * 86_400))
            draft.endsOn = draft.startsOn
            let promotion = try await world.promotions.create(world.vendor.ownerCaller, draft)
            _ = try await world.promotions.perform(world.vendor.ownerCaller, .schedule, on: promotion.id)
            for partner in [world.bravo, world.charlie] {
                _ = try await world.promotions.invite(world.vendor.ownerCaller, id: promotion.id, partner: partner.id)
            }
            _ = try await world.promotions.accept(world.bravo.ownerCaller, id: promotion.id, contribution: try PromotionWorld.money("10"))
            let cancelled = try await world.promotions.perform(world.vendor.ownerCaller, .cancel, on: promotion.id)
            #expect(cancelled.status == .cancelled && cancelled.cancelledAt != nil)
            let participants = try await world.promotions.participants(world.vendor.ownerCaller, id: promotion.id)
            #expect(Dictionary(uniqueKeysWithValues: participants.map { ($0.tenantID, $0.status) }) == [world.bravo.id: .accepted, world.charlie.id: .withdrawn])
            #expect(try await world.promotions.get(world.bravo.ownerCaller, id: promotion.id).status == .cancelled)
            await #expect(throws: HubError.notFound("promotion")) { try await world.promotions.get(world.charlie.ownerCaller, id: promotion.id) }
            let events = try await world.promotions.timeline(world.bravo.ownerCaller, id: promotion.id, page: PageRequest()).items.map(\.type)
            #expect(events.contains("promotion.cancelled"))
        }
    }

    @Test func schedulingNeedsPublishedTermsAndOnlyADraftCanBeEdited() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            var draft = world.draft()
            draft.terms = nil
            let promotion = try await world.promotions.create(world.vendor.ownerCaller, draft)
            await #expect(throws: HubError.conflict("publish the promotion's terms before you schedule it")) {
                try await world.promotions.perform(world.vendor.ownerCaller, .schedule, on: promotion.id)
            }
            let renamed = try await world.promotions.update(world.vendor.ownerCaller, id: promotion.id) { $0.name = "Renamed" }
            #expect(renamed.name == "Renamed")
            _ = try await world.promotions.publishTerms(world.vendor.ownerCaller, id: promotion.id, TermsDraft(eligibleProducts: ["SKU-9"]))
            _ = try await world.promotions.perform(world.vendor.ownerCaller, .activate, on: promotion.id)
            await #expect(throws: HubError.conflict("only a draft promotion can be edited; this one is active")) {
                try await world.promotions.update(world.vendor.ownerCaller, id: promotion.id) { $0.name = "Again" }
            }
        }
    }

    @Test func aPriceChangeOnAnActivePromotionIsANewTermsVersionAndTheOldOneStays() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            let second = try await world.promotions.publishTerms(
                world.vendor.ownerCaller, id: promotion.id,
                TermsDraft(eligibleProducts: ["sku-1"], priceRules: [PriceRule(product: "SKU-1", kind: .amountPerUnit, value: "3")])
            )
            #expect(second.version == 2 && second.priceRules == [PriceRule(product: "SKU-1", kind: .amountPerUnit, value: "3.00")])
            let versions = try await world.promotions.terms(world.bravo.ownerCaller, id: promotion.id)
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions[0].priceRules == [PriceRule(product: "SKU-1", kind: .amountPerUnit, value: "2.50")])
            #expect(versions[0].eligibleProducts == ["SKU-1", "SKU-2"])
            #expect(try await world.promotions.get(world.bravo.ownerCaller, id: promotion.id).termsVersion == 2)
            let seen = try await world.promotions.timeline(world.charlie.ownerCaller, id: promotion.id, page: PageRequest()).items
            #expect(seen.contains { $0.type == "promotion.terms_published" && $0.data["version"] == "2" })
            // A participant cannot publish terms: the promotion is not its own.
            await #expect(throws: HubError.notFound("promotion")) {
                try await world.promotions.publishTerms(world.bravo.ownerCaller, id: promotion.id, TermsDraft(eligibleProducts: ["SKU-1"]))
            }
        }
    }

    @Test func noParticipantJoinsAfterTheEnd() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            _ = try await world.promotions.invite(world.vendor.ownerCaller, id: promotion.id, partner: world.delta.id)
            _ = try await world.promotions.perform(world.vendor.ownerCaller, .end, on: promotion.id)
            let token = try await world.token(world.delta)
            try await hub.withClient { client in
                let late = try await client.call(
                    .post, "/api/v1/promotions/\(promotion.id)/accept", token: token, json: ["contribution": ["amount": "5", "currency": "EUR"]]
                )
                #expect(late.status == .conflict)
            }
            #expect(try await world.promotions.participants(world.delta.ownerCaller, id: promotion.id).map(\.status) == [.invited])
            await #expect(throws: HubError.conflict("the promotion is ended; no participant joins after the end")) {
                try await world.promotions.invite(world.vendor.ownerCaller, id: promotion.id, partner: world.delta.id)
            }
        }
    }

    @Test func invitingNeedsAnActivePartnershipAndParticipantsSeeOnlyThemselves() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            await #expect(throws: HubError.invalid("/tenantID", "your company has no active partnership with this company")) {
                try await world.promotions.invite(world.vendor.ownerCaller, id: promotion.id, partner: world.stranger.id)
            }
            #expect(try await world.promotions.participants(world.vendor.ownerCaller, id: promotion.id).count == 2)
            let own = try await world.promotions.participants(world.bravo.ownerCaller, id: promotion.id)
            #expect(own.map(\.tenantID) == [world.bravo.id] && own[0].status == .accepted)
            let budget = try await world.promotions.budget(world.bravo.ownerCaller, id: promotion.id)
            #expect(budget.contributors.map(\.contributorTenantID) == [world.bravo.id] && budget.committed.amount == "500.00")
            #expect(try await world.promotions.budget(world.vendor.ownerCaller, id: promotion.id).committed.amount == "700.00")
        }
    }

    @Test func aParticipantWithdrawsOnlyBeforeTheStartAndItsCommitmentIsReleased() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.promotions.create(world.vendor.ownerCaller, world.draft())
            _ = try await world.promotions.invite(world.vendor.ownerCaller, id: promotion.id, partner: world.bravo.id)
            _ = try await world.promotions.accept(world.bravo.ownerCaller, id: promotion.id, contribution: try PromotionWorld.money("120.50"))
            let withdrawn = try await world.promotions.withdraw(world.bravo.ownerCaller, id: promotion.id)
            #expect(withdrawn.status == .withdrawn)
            let budget = try await world.promotions.budget(world.vendor.ownerCaller, id: promotion.id)
            #expect(budget.entries.map(\.amount.amount) == ["120.50", "-120.50"] && budget.committed.amount == "0.00")
            // Having left, it no longer sees the promotion.
            await #expect(throws: HubError.notFound("promotion")) { try await world.promotions.get(world.bravo.ownerCaller, id: promotion.id) }

            _ = try await world.promotions.invite(world.vendor.ownerCaller, id: promotion.id, partner: world.charlie.id)
            _ = try await world.promotions.accept(world.charlie.ownerCaller, id: promotion.id, contribution: try PromotionWorld.money("1"))
            _ = try await world.promotions.perform(world.vendor.ownerCaller, .activate, on: promotion.id)
            await #expect(throws: HubError.conflict("a participant may withdraw only before the promotion starts; it is active")) {
                try await world.promotions.withdraw(world.charlie.ownerCaller, id: promotion.id)
            }
        }
    }

    @Test func theBudgetLedgerIsAppendOnlyWithTotalsPerContributor() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            let vendor = world.vendor.ownerCaller
            _ = try await world.promotions.contribute(vendor, id: promotion.id, kind: .commit, amount: "1000", currency: "EUR", note: nil)
            _ = try await world.promotions.contribute(vendor, id: promotion.id, kind: .adjust, amount: "-100.10", currency: "EUR", note: "trim")
            _ = try await world.promotions.contribute(vendor, id: promotion.id, kind: .spend, amount: "300", currency: "EUR", note: nil)
            let budget = try await world.promotions.contribute(vendor, id: promotion.id, kind: .refund, amount: "0.01", currency: "EUR", note: nil)
            let mine = try #require(budget.contributors.first { $0.contributorTenantID == world.vendor.id })
            #expect(mine.committed.amount == "899.90" && mine.spent.amount == "299.99")
            #expect(budget.committed.amount == "1599.90" && budget.spent.amount == "299.99")
            // Only adjustments may be negative, and nothing may take the totals below zero.
            await #expect(throws: HubError.invalid("/amount/amount", "must be a non-negative decimal number written as a string, like \"1250.00\"")) {
                try await world.promotions.contribute(vendor, id: promotion.id, kind: .spend, amount: "-1", currency: "EUR", note: nil)
            }
            await #expect(throws: HubError.invalid("/amount", "this entry would take the commitment or the net spend below zero")) {
                try await world.promotions.contribute(vendor, id: promotion.id, kind: .refund, amount: "300", currency: "EUR", note: nil)
            }
            await #expect(throws: HubError.invalid("/amount/currency", "the promotion's budget is in EUR")) {
                try await world.promotions.contribute(vendor, id: promotion.id, kind: .spend, amount: "1", currency: "USD", note: nil)
            }
            #expect(try await world.promotions.budget(vendor, id: promotion.id).entries.count == 6)
            // An invited partner that has not joined has no ledger yet.
            _ = try await world.promotions.invite(vendor, id: promotion.id, partner: world.delta.id)
            await #expect(throws: HubError.conflict("join the promotion before recording budget entries")) {
                try await world.promotions.contribute(world.delta.ownerCaller, id: promotion.id, kind: .commit, amount: "1", currency: "EUR", note: nil)
            }
        }
    }
}

@Suite struct PromotionWebhookTests {
    @Test func promotionAndClaimEventsReachBothSidesWebhooks() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let vendorHook = try await hub.services.webhooks.create(
                world.vendor.ownerCaller, url: "https://hooks.vendor.example/in", events: ["promotion.*", "claim.*"], active: nil, description: nil
            )
            let bravoHook = try await hub.services.webhooks.create(
                world.bravo.ownerCaller, url: "https://hooks.bravo.example/in", events: ["promotion.activated", "claim.decided"], active: nil,
                description: nil
            )
            let promotion = try await world.activePromotion()
            _ = try await world.promotions.perform(world.vendor.ownerCaller, .end, on: promotion.id)
            let claim = try await world.claim(world.bravo, on: promotion.id, quantity: "1", unit: "1")
            _ = try await world.claims.decide(world.vendor.ownerCaller, id: claim.id, ClaimDecision(verdict: .reject, reason: "no sell-through"))
            let vendorTypes = try await hub.services.webhooks.deliveries(
                world.vendor.ownerCaller, endpoint: vendorHook.endpoint.id, status: nil, page: PageRequest(limit: 200)
            ).items.map(\.eventType)
            for type in ["promotion.activated", "promotion.joined", "promotion.ended", "claim.submitted", "claim.decided"] {
                #expect(vendorTypes.contains(type), "the vendor's webhook missed \(type)")
            }
            let bravoTypes = try await hub.services.webhooks.deliveries(
                world.bravo.ownerCaller, endpoint: bravoHook.endpoint.id, status: nil, page: PageRequest(limit: 200)
            ).items.map(\.eventType)
            // Bravo joined after activation, so it sees the decision on its claim but not that earlier activation.
            #expect(Set(bravoTypes) == ["claim.decided"])
        }
    }
}

@Suite struct PromotionDatabaseRulesTests {
    @Test func aPartnerCannotInviteItselfNorEditACodeNorRewriteTermsEvenInSQL() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            _ = try await world.promotions.issueCode(world.vendor.ownerCaller, id: promotion.id, PromoCodeDraft(code: "OPEN"))
            let owner = world.vendor.id.uuid
            await #expect(throws: (any Error).self) {
                try await hub.database.withTenant(world.delta.ownerCaller.principal) { connection in
                    try await connection.query(
                        """
                        INSERT INTO hub.promotion_participants (tenant_id, promotion_id, participant_tenant_id, status)
                        VALUES (\(owner), \(promotion.id.uuid), \(world.delta.id.uuid), 'accepted')
                        """,
                        logger: hub.database.logger
                    )
                }
            }
            await #expect(throws: (any Error).self) {
                try await hub.database.withTenant(world.bravo.ownerCaller.principal) { connection in
                    try await connection.query("UPDATE hub.promo_codes SET valid_to = '2099-12-31' WHERE code = 'OPEN'", logger: hub.database.logger)
                }
            }
            await #expect(throws: (any Error).self) {
                try await hub.database.withTenant(world.vendor.ownerCaller.principal) { connection in
                    try await connection.query("UPDATE hub.promotion_terms SET price_rules = '[]'", logger: hub.database.logger)
                }
            }
            await #expect(throws: (any Error).self) {
                try await hub.database.withTenant(world.vendor.ownerCaller.principal) { connection in
                    try await connection.query("DELETE FROM hub.promotion_contributions", logger: hub.database.logger)
                }
            }
            await #expect(throws: HubError.notFound("promotion")) { try await world.promotions.get(world.delta.ownerCaller, id: promotion.id) }
            #expect(try await world.promotions.terms(world.vendor.ownerCaller, id: promotion.id)[0].priceRules.count == 1)
        }
    }
}

@Suite struct PromotionAPITests {
    @Test func aTenantNotInvitedGets404EverywhereAndCannotSeeTheCodes() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            _ = try await world.promotions.issueCode(world.vendor.ownerCaller, id: promotion.id, PromoCodeDraft(code: "spring-10"))
            _ = try await world.promotions.invite(world.vendor.ownerCaller, id: promotion.id, partner: world.delta.id)
            _ = try await world.promotions.decline(world.delta.ownerCaller, id: promotion.id, reason: "not this quarter")
            let outsiders = [try await world.token(world.delta), try await world.token(world.stranger)]
            let bravo = try await world.token(world.bravo)
            try await hub.withClient { client in
                for token in outsiders {
                    for suffix in ["", "/terms", "/participants", "/contributions", "/codes", "/metrics", "/timeline"] {
                        let response = try await client.call(.get, "/api/v1/promotions/\(promotion.id)\(suffix)", token: token)
                        #expect(response.status == .notFound, "GET \(suffix) answered \(response.status)")
                    }
                    let list = try await client.call(.get, "/api/v1/promotions", token: token)
                    #expect(list.status == .ok && list.items.isEmpty)
                }
                let codes = try await client.call(.get, "/api/v1/promotions/\(promotion.id)/codes", token: bravo)
                #expect(codes.items.map { $0["code"] as? String } == ["SPRING-10"])
                let participating = try await client.call(.get, "/api/v1/promotions?role=participant", token: bravo)
                #expect(participating.items.map { $0["role"] as? String } == ["participant"])
            }
        }
    }

    @Test func badPromotionInputIsA422NamingTheFieldAndNothingIsCreated() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let token = try await world.token(world.vendor)
            try await hub.withClient { client in
                let cases: [([String: any Sendable], String)] = [
                    (["name": "X", "startsOn": "2031-02-01", "endsOn": "2031-01-31", "currency": "EUR"], "/endsOn"),
                    (["name": "X", "startsOn": "2031-02-30", "endsOn": "2031-03-01", "currency": "EUR"], "/startsOn"),
                    (["name": "X", "startsOn": "2031-02-01", "endsOn": "2031-03-01", "currency": "EURO"], "/currency"),
                    (["name": "X", "startsOn": "2031-02-01", "endsOn": "2031-03-01", "currency": "EUR", "goals": ["revenue": "-5"]], "/goals/revenue"),
                    (["name": "X", "startsOn": "2031-02-01", "endsOn": "2031-03-01", "currency": "EUR", "goals": ["revenue": "10.123"]], "/goals/revenue"),
                    (
                        [
                            "name": "X", "startsOn": "2031-02-01", "endsOn": "2031-03-01", "currency": "JPY",
                            "terms": ["eligibleProducts": ["SKU-1"], "priceRules": [["product": "SKU-1", "kind": "promo_price", "value": "9.5"]]]
                                as [String: any Sendable],
                        ],
                        "/terms/priceRules/0/value"
                    ),
                    (["name": "X", "startsOn": "2031-02-01", "endsOn": "2031-03-01", "currency": "EUR", "budget": "1"], "/budget"),
                ]
                for (body, field) in cases {
                    let response = try await client.call(.post, "/api/v1/promotions", token: token, json: body)
                    #expect(response.status == .unprocessableContent, "\(field): \(response.body)")
                    #expect(Self.fields(response).contains(field), "\(field): \(response.body)")
                }
                let list = try await client.call(.get, "/api/v1/promotions", token: token)
                #expect(list.items.isEmpty)
            }
        }
    }

    @Test func thePromotionLifecycleRunsOverHTTP() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let vendor = try await world.token(world.vendor)
            let bravo = try await world.token(world.bravo)
            let today = world.today.text
            try await hub.withClient { client in
                let created = try await client.call(
                    .post, "/api/v1/promotions", token: vendor,
                    json: [
                        "name": "Co-op Q3", "startsOn": today, "endsOn": today, "currency": "usd",
                        "goals": ["leads": 10, "revenue": "5000", "units": "12.5"] as [String: any Sendable],
                        "terms": ["eligibleProducts": ["sku-1"], "priceRules": [["product": "SKU-1", "kind": "percent_off", "value": "12.50"]]]
                            as [String: any Sendable],
                    ]
                )
                #expect(created.status == .created)
                let id = try #require(created.json["id"] as? String)
                #expect((created.json["goals"] as? [String: any Sendable])?["revenue"] as? String == "5000.00")
                let patched = try await client.call(.patch, "/api/v1/promotions/\(id)", token: vendor, json: ["description": "Joint push"])
                #expect(patched.status == .ok && patched.json["description"] as? String == "Joint push")
                let cleared = try await client.call(.patch, "/api/v1/promotions/\(id)", token: vendor, body: #"{"description": null, "goals": null}"#)
                #expect(cleared.status == .ok && cleared.json["description"] == nil)
                #expect((cleared.json["goals"] as? [String: any Sendable])?.isEmpty == true)
                let reversed = try await client.call(.patch, "/api/v1/promotions/\(id)", token: vendor, json: ["endsOn": "2000-01-01"])
                #expect(reversed.status == .unprocessableContent && Self.fields(reversed) == ["/endsOn"])
                let activated = try await client.call(.post, "/api/v1/promotions/\(id)/activate", token: vendor, body: "{}")
                #expect(activated.json["status"] as? String == "active")
                let invited = try await client.call(
                    .post, "/api/v1/promotions/\(id)/participants", token: vendor, json: ["tenantID": world.bravo.id.description]
                )
                #expect(invited.status == .created)
                let noBudget = try await client.call(.post, "/api/v1/promotions/\(id)/accept", token: bravo, body: "{}")
                #expect(noBudget.status == .unprocessableContent && Self.fields(noBudget) == ["/contribution"])
                let joined = try await client.call(
                    .post, "/api/v1/promotions/\(id)/accept", token: bravo, json: ["contribution": ["amount": "250.00", "currency": "USD"]]
                )
                #expect(joined.status == .ok && joined.json["status"] as? String == "accepted")
                let spent = try await client.call(
                    .post, "/api/v1/promotions/\(id)/contributions", token: bravo, json: ["kind": "spend", "amount": ["amount": "99.99", "currency": "USD"]]
                )
                #expect(spent.status == .created && (spent.json["spent"] as? [String: any Sendable])?["amount"] as? String == "99.99")
                let newTerms = try await client.call(
                    .post, "/api/v1/promotions/\(id)/terms", token: vendor, json: ["eligibleProducts": ["SKU-1", "SKU-2"]]
                )
                #expect(newTerms.status == .created && newTerms.json["version"] as? Int == 2)
                let ownerTimeline = try await client.call(.get, "/api/v1/promotions/\(id)/timeline", token: vendor)
                let types = ownerTimeline.items.compactMap { $0["type"] as? String }
                #expect(types.contains("promotion.invited") && types.contains("promotion.joined") && types.contains("promotion.terms_published"))
                let ended = try await client.call(.post, "/api/v1/promotions/\(id)/end", token: vendor, body: "{}")
                #expect(ended.json["status"] as? String == "ended")
                let again = try await client.call(.post, "/api/v1/promotions/\(id)/end", token: vendor, body: "{}")
                #expect(again.status == .conflict)
                let metrics = try await client.call(.get, "/api/v1/promotions/\(id)/metrics?from=2000-01-01T00:00:00Z", token: vendor)
                #expect(metrics.status == .ok && metrics.json["roi"] as? String == "-1.0000")
            }
        }
    }

    static func fields(_ response: APIResponse) -> [String] {
        (response.json["errors"] as? [[String: any Sendable]] ?? []).compactMap { $0["field"] as? String }
    }
}

@Suite struct PromotionAttributionTests {
    @Test func aLeadQuotingAPromoCodeIsAttributedAndBadCodesAreRefused() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            let vendor = world.vendor.ownerCaller
            _ = try await world.promotions.issueCode(vendor, id: promotion.id, PromoCodeDraft(code: " bravo-only ", assignedTenantID: world.bravo.id, maxUses: 1))
            _ = try await world.promotions.issueCode(vendor, id: promotion.id, PromoCodeDraft(code: "OLD", validFrom: Day("2020-01-01"), validTo: Day("2020-01-31")))
            await #expect(throws: HubError.conflict("this would duplicate an existing record")) {
                try await world.promotions.issueCode(vendor, id: promotion.id, PromoCodeDraft(code: "Bravo-Only"))
            }
            #expect(try await world.promotions.codes(world.charlie.ownerCaller, id: promotion.id).map(\.code) == ["OLD"])

            let leads = hub.services.leads
            let lead = try await leads.create(world.bravo.ownerCaller, LeadDraft(companyName: "Acme", promoCode: "BRAVO-only")).lead
            #expect(lead.promotionID == promotion.id)
            for (tenant, code) in [(world.bravo, "BRAVO-ONLY"), (world.charlie, "BRAVO-ONLY"), (world.bravo, "OLD"), (world.bravo, "NOPE")] {
                await #expect(throws: HubError.invalid("/promoCode", "is not a promo code you can use today: unknown, expired or used up")) {
                    try await leads.create(tenant.ownerCaller, LeadDraft(companyName: "Beta", promoCode: code))
                }
            }
            #expect(try await world.promotions.codes(vendor, id: promotion.id).first { $0.code == "BRAVO-ONLY" }?.uses == 1)
            let filtered = try await leads.list(world.bravo.ownerCaller, filter: LeadFilter(promotion: promotion.id), page: PageRequest())
            #expect(filtered.items.map(\.id) == [lead.id])
            let metrics = try await world.promotions.promotionMetrics(vendor, promotion: promotion.id, from: .distantPast, to: .distantFuture)
            #expect(metrics.leadsAttributed == 1)
        }
    }

    @Test func aLeadIsTaggedOnceWithAPromotionItRunsOrJoined() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            let other = try await world.promotions.create(world.vendor.ownerCaller, world.draft("Other"))
            let token = try await world.token(world.charlie)
            let deltaToken = try await world.token(world.delta)
            try await hub.withClient { client in
                let lead = try await client.call(.post, "/api/v1/leads", token: token, json: ["companyName": "Gamma"])
                let leadID = try #require((lead.json["lead"] as? [String: any Sendable])?["id"] as? String)
                let notJoined = try await client.call(
                    .post, "/api/v1/leads/\(leadID)/promotion", token: token, json: ["promotionID": other.id.description]
                )
                #expect(notJoined.status == .unprocessableContent && PromotionAPITests.fields(notJoined) == ["/promotionID"])
                let tagged = try await client.call(
                    .post, "/api/v1/leads/\(leadID)/promotion", token: token, json: ["promotionID": promotion.id.description]
                )
                #expect(tagged.status == .ok && tagged.json["promotionID"] as? String == promotion.id.description)
                let listed = try await client.call(.get, "/api/v1/leads?promotion=\(promotion.id)", token: token)
                #expect(listed.items.count == 1)
                let foreign = try await client.call(
                    .post, "/api/v1/leads/\(leadID)/promotion", token: deltaToken, json: ["promotionID": promotion.id.description]
                )
                #expect(foreign.status == .notFound)
                let atCreation = try await client.call(
                    .post, "/api/v1/leads", token: deltaToken, json: ["companyName": "Delta", "promotionID": promotion.id.description]
                )
                #expect(atCreation.status == .unprocessableContent && PromotionAPITests.fields(atCreation) == ["/promotionID"])
            }
            // The vendor counts the partner's attributed lead without reading the lead itself.
            let metrics = try await world.promotions.promotionMetrics(world.vendor.ownerCaller, promotion: promotion.id, from: .distantPast, to: .distantFuture)
            #expect(metrics.leadsAttributed == 1)
        }
    }

    @Test func wonOpportunitiesCountInTheirPromotionsRevenue() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let vendor = world.vendor.ownerCaller
            let promotion = try await world.activePromotion()
            let other = try await world.promotions.create(vendor, world.draft("Other"))
            _ = try await world.promotions.issueCode(vendor, id: promotion.id, PromoCodeDraft(code: "DEAL-10"))
            let opportunities = Opportunities(database: hub.database)
            let accounts = Accounts(database: hub.database)
            let bravo = world.bravo.ownerCaller
            let account = try await accounts.create(bravo, AccountFields(name: "Acme"))

            // By code, and by the lead it was converted from.
            let byCode = try await opportunities.create(
                bravo, OpportunityFields(accountID: account.id, name: "Acme rollout", amount: PromotionWorld.eur("1000"), promoCode: "deal-10")
            )
            #expect(byCode.promotionID == promotion.id)
            #expect(try await world.promotions.codes(vendor, id: promotion.id).first { $0.code == "DEAL-10" }?.uses == 1)
            let lead = try await hub.services.leads.create(
                bravo, LeadDraft(companyName: "Globex", estimatedValue: PromotionWorld.eur("400.10"), promotionID: promotion.id)
            ).lead
            _ = try await hub.services.leads.changeStatus(bravo, id: lead.id, to: .qualified, reason: nil)
            let converted = try await LeadConversion(database: hub.database).convert(bravo, lead: lead.id, LeadConversionRequest()).opportunity
            #expect(converted.promotionID == promotion.id)
            // Another currency is listed apart; a partner that never joined cannot attribute.
            let charlieAccount = try await accounts.create(world.charlie.ownerCaller, AccountFields(name: "Initech"))
            let inDollars = try await opportunities.create(
                world.charlie.ownerCaller,
                OpportunityFields(accountID: charlieAccount.id, name: "Initech", amount: try PromotionWorld.money("300", "USD"), promotionID: promotion.id)
            )
            let deltaAccount = try await accounts.create(world.delta.ownerCaller, AccountFields(name: "Umbrella"))
            await #expect(throws: HubError.invalid("/promotionID", "is not a promotion your company runs or has joined")) {
                try await opportunities.create(
                    world.delta.ownerCaller,
                    OpportunityFields(accountID: deltaAccount.id, name: "Umbrella", amount: PromotionWorld.eur("5"), promotionID: promotion.id)
                )
            }
            // Single touch.
            var retag = OpportunityChanges()
            retag.promotionID = .set(other.id)
            await #expect(throws: HubError.conflict("the opportunity is already attributed to a promotion, and stays with it")) {
                try await opportunities.update(bravo, id: byCode.id, retag)
            }
            var unattributed = try await opportunities.create(bravo, OpportunityFields(accountID: account.id, name: "Later", amount: PromotionWorld.eur("7")))
            var tag = OpportunityChanges()
            tag.promotionID = .set(promotion.id)
            unattributed = try await opportunities.update(bravo, id: unattributed.id, tag)
            #expect(unattributed.promotionID == promotion.id)

            _ = try await opportunities.close(bravo, id: byCode.id, as: .won, reason: nil)
            _ = try await opportunities.close(bravo, id: converted.id, as: .lost, reason: "went elsewhere")
            _ = try await opportunities.close(world.charlie.ownerCaller, id: inDollars.id, as: .won, reason: nil)
            _ = try await world.promotions.contribute(vendor, id: promotion.id, kind: .spend, amount: "250", currency: "EUR", note: nil)

            let metrics = try await world.promotions.promotionMetrics(vendor, promotion: promotion.id, from: .distantPast, to: .distantFuture)
            #expect(metrics.opportunitiesWon == 2 && metrics.wonRevenue == PromotionWorld.eur("1000.00"))
            #expect(metrics.wonRevenueInOtherCurrencies == [try PromotionWorld.money("300.00", "USD")])
            #expect(metrics.sellThroughRevenue.amount == "0.00" && metrics.attributedRevenue.amount == "1000.00")
            // (1000 − 250) ÷ 250
            #expect(metrics.roi == "3.0000")
            // A participant sees its own wins only; a range that ends before them sees none.
            let bravoView = try await world.promotions.promotionMetrics(bravo, promotion: promotion.id, from: .distantPast, to: .distantFuture)
            #expect(bravoView.opportunitiesWon == 1 && bravoView.wonRevenue.amount == "1000.00" && bravoView.wonRevenueInOtherCurrencies.isEmpty)
            let before = try await world.promotions.promotionMetrics(vendor, promotion: promotion.id, from: .distantPast, to: Date(timeIntervalSince1970: 0))
            #expect(before.opportunitiesWon == 0 && before.wonRevenue.amount == "0.00")
            // The vendor's view of each partner, as its scorecard shows it.
            let bravoCard = try await world.promotions.partnerMetrics(vendor, partner: world.bravo.id, from: .distantPast, to: .distantFuture)
            #expect(bravoCard.opportunitiesWon == 1 && bravoCard.wonRevenue == [PromotionWorld.eur("1000.00")])
            let charlieCard = try await world.promotions.partnerMetrics(vendor, partner: world.charlie.id, from: .distantPast, to: .distantFuture)
            let dollars = try PromotionWorld.money("300.00", "USD")
            #expect(charlieCard.opportunitiesWon == 1 && charlieCard.wonRevenue == [dollars])
        }
    }
}

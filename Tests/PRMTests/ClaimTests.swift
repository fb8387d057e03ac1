import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PRM
import Testing

@Suite struct ClaimTests {
    @Test func aClaimOverReportedSellThroughIsPartiallyApprovedAtTheReportedQuantity() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            _ = try await world.report(world.bravo, quantity: "10", amount: "1234.56", promotion: promotion.id, key: "b1")
            let claim = try await world.claim(world.bravo, on: promotion.id, quantity: "12", unit: "2.50")
            #expect(claim.status == .submitted && claim.claimedAmount.amount == "30.00" && claim.termsVersion == 1)
            let decided = try await world.claims.decide(world.vendor.ownerCaller, id: claim.id, ClaimDecision(verdict: .approve))
            #expect(decided.status == .partiallyApproved)
            #expect(decided.lines[0].approvedQuantity == "10" && decided.lines[0].approvedAmount?.amount == "25.00")
            #expect(decided.lines[0].rejectionCode == .exceedsSellThrough && decided.approvedAmount?.amount == "25.00")
            // What was granted is used up: a second claim for the same sales gets nothing.
            let second = try await world.claim(world.bravo, on: promotion.id, quantity: "1", unit: "2.50")
            let rejected = try await world.claims.decide(world.vendor.ownerCaller, id: second.id, ClaimDecision(verdict: .approve))
            #expect(rejected.status == .rejected && rejected.approvedAmount?.amount == "0.00" && rejected.decisionReason != nil)
            // The claimant sees the decision on its side.
            let seen = try await world.claims.timeline(world.bravo.ownerCaller, id: claim.id, page: PageRequest()).items.map(\.type)
            #expect(seen == ["claim.submitted", "claim.decided"])
        }
    }

    @Test func theVendorMayApproveLessPerLineOrRejectWithAReasonButOnlyOnce() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            _ = try await world.report(world.charlie, quantity: "8", amount: "80.00", promotion: promotion.id, key: "c1")
            let claim = try await world.claim(world.charlie, on: promotion.id, quantity: "4", unit: "1.10")
            await #expect(throws: HubError.invalid("/reason", "say why the claim is rejected")) {
                try await world.claims.decide(world.vendor.ownerCaller, id: claim.id, ClaimDecision(verdict: .reject))
            }
            await #expect(throws: HubError.invalid("/lines/0/approvedQuantity", "is more than the 4 claimed")) {
                try await world.claims.decide(
                    world.vendor.ownerCaller, id: claim.id, ClaimDecision(verdict: .approve, lines: [ClaimLineDecision(lineNo: 1, approvedQuantity: "5")])
                )
            }
            let partial = try await world.claims.decide(
                world.vendor.ownerCaller, id: claim.id,
                ClaimDecision(verdict: .approve, reason: "one unit sold below the floor", lines: [ClaimLineDecision(lineNo: 1, approvedQuantity: "3", rejectionCode: .pricing)])
            )
            #expect(partial.status == .partiallyApproved && partial.lines[0].approvedAmount?.amount == "3.30" && partial.lines[0].rejectionCode == .pricing)
            await #expect(throws: HubError.conflict("the claim is already partially_approved")) {
                try await world.claims.decide(world.vendor.ownerCaller, id: claim.id, ClaimDecision(verdict: .reject, reason: "changed my mind"))
            }
            let next = try await world.claim(world.charlie, on: promotion.id, quantity: "1", unit: "1.10")
            let refused = try await world.claims.decide(world.vendor.ownerCaller, id: next.id, ClaimDecision(verdict: .reject, reason: "duplicate of an earlier claim"))
            #expect(refused.status == .rejected && refused.lines[0].approvedQuantity == "0" && refused.decisionReason == "duplicate of an earlier claim")
        }
    }

    @Test func claimLinesAreCheckedAgainstTheDatesTermsAndAmounts() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            let before = Day(utc: Date().addingTimeInterval(-86_400))
            let lines = [
                ClaimLineDraft(product: "SKU-3", periodStart: world.today, periodEnd: world.today, quantity: "1", unitAmount: "1"),
                ClaimLineDraft(product: "SKU-1", periodStart: before, periodEnd: world.today, quantity: "1", unitAmount: "1"),
                ClaimLineDraft(product: "SKU-1", periodStart: world.today, periodEnd: world.today, quantity: "3", unitAmount: "2.50", amount: "10.00"),
                ClaimLineDraft(product: "SKU-1", periodStart: world.today, periodEnd: world.today, quantity: "1", unitAmount: "2.505"),
                ClaimLineDraft(product: "SKU-1", periodStart: world.today, periodEnd: world.today, quantity: "0", unitAmount: "1"),
            ]
            await #expect {
                try await world.claims.submit(world.bravo.ownerCaller, ClaimDraft(promotionID: promotion.id, lines: lines))
            } throws: { error in
                guard case HubError.invalid(let issues) = error else { return false }
                return issues.map(\.field) == ["/lines/0/product", "/lines/1/periodStart", "/lines/2/amount", "/lines/3/unitAmount", "/lines/4/quantity"]
            }
            await #expect(throws: HubError.invalid("/promotionID", "is not a promotion your company has joined")) {
                try await world.claim(world.delta, on: promotion.id, quantity: "1", unit: "1")
            }
            #expect(try await world.claims.list(world.vendor.ownerCaller, role: .vendor, promotion: nil, page: PageRequest()).items.isEmpty)
        }
    }

    @Test func claimsOpenAtTheStartAndCloseOnTheClaimsDeadline() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let draft = try await world.promotions.create(world.vendor.ownerCaller, world.draft("Not yet"))
            _ = try await world.promotions.invite(world.vendor.ownerCaller, id: draft.id, partner: world.bravo.id)
            _ = try await world.promotions.accept(world.bravo.ownerCaller, id: draft.id, contribution: try PromotionWorld.money("0"))
            await #expect(throws: HubError.conflict("claims open when the promotion starts; it is draft")) {
                try await world.claim(world.bravo, on: draft.id, quantity: "1", unit: "1")
            }
            let promotion = try await world.activePromotion()
            let late = Claims(database: hub.database, clock: { Date().addingTimeInterval(61 * 86_400) })
            await #expect(throws: HubError.conflict("claims for this promotion closed on \(promotion.claimsCloseOn)")) {
                try await late.submit(
                    world.bravo.ownerCaller,
                    ClaimDraft(promotionID: promotion.id, lines: [ClaimLineDraft(product: "SKU-1", periodStart: world.today, periodEnd: world.today, quantity: "1", unitAmount: "1")])
                )
            }
            let inTime = Claims(database: hub.database, clock: { Date().addingTimeInterval(59 * 86_400) })
            let claim = try await inTime.submit(
                world.bravo.ownerCaller,
                ClaimDraft(promotionID: promotion.id, lines: [ClaimLineDraft(product: "SKU-1", periodStart: world.today, periodEnd: world.today, quantity: "1", unitAmount: "1")])
            )
            #expect(claim.status == .submitted)
        }
    }

    @Test func aParticipantSeesOnlyItsOwnClaimsAndCannotDecideThem() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            let bravoClaim = try await world.claim(world.bravo, on: promotion.id, quantity: "1", unit: "1")
            let charlieClaim = try await world.claim(world.charlie, on: promotion.id, quantity: "2", unit: "1")
            let charlie = try await world.token(world.charlie)
            let bravo = try await world.token(world.bravo)
            let vendor = try await world.token(world.vendor)
            try await hub.withClient { client in
                for suffix in ["", "/timeline"] {
                    let other = try await client.call(.get, "/api/v1/claims/\(bravoClaim.id)\(suffix)", token: charlie)
                    #expect(other.status == .notFound)
                }
                let listed = try await client.call(.get, "/api/v1/claims", token: charlie)
                #expect(listed.items.compactMap { $0["id"] as? String } == [charlieClaim.id.description])
                let ownDecision = try await client.call(.post, "/api/v1/claims/\(bravoClaim.id)/decide", token: bravo, json: ["verdict": "approve"])
                #expect(ownDecision.status == .notFound)
                let all = try await client.call(.get, "/api/v1/claims?role=vendor&promotion=\(promotion.id)", token: vendor)
                // Newest first, each with its own lines.
                #expect(all.items.compactMap { $0["id"] as? String } == [charlieClaim.id.description, bravoClaim.id.description])
                #expect(all.items.compactMap { ($0["lines"] as? [Any])?.count } == [1, 1])
                #expect(all.items.compactMap { (($0["lines"] as? [[String: Any]])?.first?["quantity"]) as? String } == ["2", "1"])
                let decided = try await client.call(
                    .post, "/api/v1/claims/\(charlieClaim.id)/decide", token: vendor, json: ["verdict": "reject", "reason": "no proof of sale"]
                )
                #expect(decided.status == .ok && decided.json["status"] as? String == "rejected")
                let seen = try await client.call(.get, "/api/v1/claims/\(charlieClaim.id)", token: charlie)
                #expect(seen.json["decisionReason"] as? String == "no proof of sale")
                let badVerdict = try await client.call(.post, "/api/v1/claims/\(bravoClaim.id)/decide", token: vendor, json: ["verdict": "maybe"])
                #expect(badVerdict.status == .unprocessableContent && PromotionAPITests.fields(badVerdict) == ["/verdict"])
            }
        }
    }

    @Test func claimsAreSubmittedOverHTTP() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            let token = try await world.token(world.bravo)
            let today = world.today.text
            try await hub.withClient { client in
                let line: [String: any Sendable] = ["product": "sku-2", "periodStart": today, "periodEnd": today, "quantity": "2.5", "unitAmount": "4", "amount": "10.00"]
                let created = try await client.call(
                    .post, "/api/v1/claims", token: token, json: ["promotionID": promotion.id.description, "lines": [line], "source": "edi_844"]
                )
                #expect(created.status == .created && (created.json["claimedAmount"] as? [String: any Sendable])?["amount"] as? String == "10.00")
                let badDate = try await client.call(
                    .post, "/api/v1/claims", token: token,
                    json: ["promotionID": promotion.id.description, "lines": [["product": "SKU-1", "periodStart": "2031-13-01", "periodEnd": today, "quantity": "1", "unitAmount": "1"]]]
                )
                #expect(badDate.status == .unprocessableContent && PromotionAPITests.fields(badDate) == ["/lines/0/periodStart"])
            }
        }
    }
}

@Suite struct PromotionMetricsTests {
    /// Vendor, bravo and charlie run one promotion in EUR: budgets, sell-through, claims and leads with known sums.
    @Test func promotionAndPartnerMetricsAreExactToTheCent() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            let vendor = world.vendor.ownerCaller
            for (kind, amount) in [(ContributionKind.commit, "1000"), (.spend, "300"), (.refund, "50")] {
                _ = try await world.promotions.contribute(vendor, id: promotion.id, kind: kind, amount: amount, currency: "EUR", note: nil)
            }
            _ = try await world.promotions.contribute(world.bravo.ownerCaller, id: promotion.id, kind: .spend, amount: "149.99", currency: "EUR", note: nil)
            _ = try await world.report(world.bravo, quantity: "10", amount: "1234.56", promotion: promotion.id, key: "b1")
            _ = try await world.report(world.charlie, quantity: "3.5", amount: "100.01", promotion: promotion.id, key: "c1")
            _ = try await world.report(world.bravo, product: "SKU-2", quantity: "7", amount: "70.00", promotion: nil, key: "b2")
            let over = try await world.claim(world.bravo, on: promotion.id, quantity: "12", unit: "2.50")
            _ = try await world.claims.decide(vendor, id: over.id, ClaimDecision(verdict: .approve))
            let exact = try await world.claim(world.charlie, on: promotion.id, quantity: "3.5", unit: "1.10")
            _ = try await world.claims.decide(vendor, id: exact.id, ClaimDecision(verdict: .approve))
            let used = try await world.claim(world.bravo, on: promotion.id, quantity: "1", unit: "2.50")
            _ = try await world.claims.decide(vendor, id: used.id, ClaimDecision(verdict: .approve))
            _ = try await world.promotions.issueCode(vendor, id: promotion.id, PromoCodeDraft(code: "SPRING"))
            _ = try await hub.services.leads.create(world.bravo.ownerCaller, LeadDraft(companyName: "Acme", promoCode: "spring"))
            let tagged = try await hub.services.leads.create(vendor, LeadDraft(companyName: "Beta")).lead
            _ = try await hub.services.leads.tag(vendor, id: tagged.id, promotion: promotion.id)

            let metrics = try await world.promotions.promotionMetrics(vendor, promotion: promotion.id, from: .distantPast, to: .distantFuture)
            #expect(metrics.leadsAttributed == 2)
            #expect(metrics.sellThroughUnits == "13.5" && metrics.attributedRevenue.amount == "1334.57")
            #expect(metrics.committed.amount == "1700.00" && metrics.spent.amount == "399.99")
            // (1334.57 − 399.99) ÷ 399.99 = 2.33650841…
            #expect(metrics.roi == "2.3365")
            let byContributor = Dictionary(uniqueKeysWithValues: metrics.contributors.map { ($0.contributorTenantID, $0.spent.amount) })
            #expect(byContributor == [world.vendor.id: "250.00", world.bravo.id: "149.99", world.charlie.id: "0.00"])
            #expect(metrics.claimsSubmitted == 3 && metrics.claimsApproved == 1 && metrics.claimsPartiallyApproved == 1 && metrics.claimsRejected == 1)
            #expect(metrics.claimedAmount.amount == "36.35" && metrics.approvedAmount.amount == "28.85")

            // A participant's view is its own share only.
            let bravoView = try await world.promotions.promotionMetrics(world.bravo.ownerCaller, promotion: promotion.id, from: .distantPast, to: .distantFuture)
            #expect(bravoView.attributedRevenue.amount == "1234.56" && bravoView.spent.amount == "149.99" && bravoView.claimsSubmitted == 2)

            // A range that ends before anything happened sees nothing, and no spend means no ROI.
            let empty = try await world.promotions.promotionMetrics(vendor, promotion: promotion.id, from: .distantPast, to: Date(timeIntervalSince1970: 0))
            #expect(empty.roi == nil && empty.spent.amount == "0.00" && empty.claimsSubmitted == 0 && empty.leadsAttributed == 0)

            let partner = try await world.promotions.partnerMetrics(vendor, partner: world.bravo.id, from: .distantPast, to: .distantFuture)
            #expect(partner.promotionsJoined == 1)
            #expect(partner.committed == [PromotionWorld.eur("500")] && partner.spent == [PromotionWorld.eur("149.99")])
            #expect(partner.claimsSubmitted == 2 && partner.claimsApproved == 1 && partner.claimsRejected == 1)
            #expect(partner.claimedAmount == [PromotionWorld.eur("32.50")] && partner.approvedAmount == [PromotionWorld.eur("25")])
            #expect(partner.sellThroughFacts == 2 && partner.sellThroughRevenue == [PromotionWorld.eur("1304.56")])
            await #expect(throws: HubError.notFound("partner")) {
                try await world.promotions.partnerMetrics(vendor, partner: world.stranger.id, from: .distantPast, to: .distantFuture)
            }
        }
    }
}

import Foundation
import HubCore
import HubServer
import HubTestSupport
import PRM

/// A vendor with three partners in active partnerships (bravo, charlie, delta) and a stranger with none.
struct PromotionWorld {
    let hub: TestHub
    let vendor: TestTenant
    let bravo: TestTenant
    let charlie: TestTenant
    /// An active partner of the vendor that is never invited to its promotions.
    let delta: TestTenant
    let stranger: TestTenant
    let today: Day

    var promotions: Promotions { hub.services.promotions }
    var claims: Claims { hub.services.claims }
    var sellThrough: SellThrough { hub.services.sellThrough }

    static func make(_ hub: TestHub) async throws -> PromotionWorld {
        let vendor = try await hub.makeTenant("vendor")
        var partners: [TestTenant] = []
        for slug in ["bravo", "charlie", "delta"] {
            let partner = try await hub.makeTenant(slug)
            let partnership = try await hub.services.partnerships.invite(vendor.ownerCaller, partnerSlug: slug, note: nil)
            _ = try await hub.services.partnerships.perform(partner.ownerCaller, .accept, on: partnership.id, reason: nil)
            partners.append(partner)
        }
        return PromotionWorld(
            hub: hub, vendor: vendor, bravo: partners[0], charlie: partners[1], delta: partners[2],
            stranger: try await hub.makeTenant("stranger"), today: Day(utc: Date())
        )
    }

    static func money(_ amount: String, _ currency: String = "EUR") throws -> Money {
        try Money(amount: amount, currency: currency, field: "/test")
    }

    /// A valid EUR amount, for expected values.
    static func eur(_ amount: String) -> Money {
        try! Money(amount: amount, currency: "EUR", field: "/test")
    }

    /// A draft running over today in EUR with SKU-1 and SKU-2 eligible.
    func draft(_ name: String = "Spring push") -> PromotionDraft {
        PromotionDraft(
            name: name, startsOn: today, endsOn: today, currency: "EUR",
            terms: TermsDraft(eligibleProducts: ["SKU-1", "SKU-2"], priceRules: [PriceRule(product: "SKU-1", kind: .amountPerUnit, value: "2.50")])
        )
    }

    /// An active promotion of the vendor that bravo and charlie joined, committing 500 and 200 EUR.
    func activePromotion(_ name: String = "Spring push") async throws -> Promotion {
        let promotion = try await promotions.create(vendor.ownerCaller, draft(name))
        _ = try await promotions.perform(vendor.ownerCaller, .activate, on: promotion.id)
        for (partner, amount) in [(bravo, "500"), (charlie, "200")] {
            _ = try await promotions.invite(vendor.ownerCaller, id: promotion.id, partner: partner.id)
            _ = try await promotions.accept(partner.ownerCaller, id: promotion.id, contribution: try Self.money(amount))
        }
        return try await promotions.get(vendor.ownerCaller, id: promotion.id)
    }

    /// Sell-through `reporter` reports to the vendor for today.
    func report(_ reporter: TestTenant, product: String = "SKU-1", quantity: String, amount: String, promotion: PromotionID?, key: String)
        async throws -> ReportedSellThrough
    {
        try await sellThrough.report(
            reporter.ownerCaller,
            SellThroughDraft(
                vendorTenantID: vendor.id, periodStart: today, periodEnd: today, product: product, quantity: quantity,
                amount: try Self.money(amount), promotionID: promotion, idempotencyKey: key
            )
        )
    }

    /// A one-line claim for today.
    func claim(_ claimant: TestTenant, on promotion: PromotionID, product: String = "SKU-1", quantity: String, unit: String) async throws -> Claim {
        try await claims.submit(
            claimant.ownerCaller,
            ClaimDraft(promotionID: promotion, lines: [ClaimLineDraft(product: product, periodStart: today, periodEnd: today, quantity: quantity, unitAmount: unit)])
        )
    }

    func token(_ tenant: TestTenant) async throws -> String { try await hub.token(for: tenant.owner) }
}

/// A fixed calendar day as a moment, for promotions run on a test clock.
func noon(_ day: String) -> Date {
    ISO8601DateFormatter().date(from: day + "T12:00:00Z")!
}

import Foundation
import HubCore
import PRM

extension DemoWorld {
    /// Northwind runs an active spring promotion: Summit joined with a budget, reported sell-through and
    /// claimed against it (waiting for Northwind's decision); Coastline's invitation is still open.
    func seedPromotions(brand: Caller, partners: [String: Caller]) async throws {
        let summit = partners["summit-distribution"]!
        let coastline = partners["coastline-resellers"]!
        let now = Date()
        let startsOn = Day(utc: now.addingTimeInterval(-14 * 86_400))
        let today = Day(utc: now)
        let eur = { (amount: String) in try Money(amount: amount, currency: "EUR", field: "/") }
        let promotions = Promotions(database: database)
        let promotion = try await promotions.create(
            brand,
            PromotionDraft(
                name: "Spring headphone push", description: "Co-op funded spring campaign on the HP1 headphones and SPK2 speakers",
                startsOn: startsOn, endsOn: Day(utc: now.addingTimeInterval(45 * 86_400)), currency: "EUR",
                goals: PromotionGoals(leads: 40, revenue: "60000", units: "400"),
                terms: TermsDraft(
                    eligibleProducts: ["NW-HP1", "NW-SPK2"],
                    priceRules: [
                        PriceRule(product: "NW-HP1", kind: .amountPerUnit, value: "15.00"),
                        PriceRule(product: "NW-SPK2", kind: .percentOff, value: "10"),
                    ]
                )
            )
        )
        _ = try await promotions.perform(brand, .activate, on: promotion.id)
        _ = try await promotions.contribute(brand, id: promotion.id, kind: .commit, amount: "5000", currency: "EUR", note: "Northwind MDF")
        _ = try await promotions.invite(brand, id: promotion.id, partner: summit.tenantID)
        _ = try await promotions.invite(brand, id: promotion.id, partner: coastline.tenantID)
        _ = try await promotions.accept(summit, id: promotion.id, contribution: try eur("2500"))
        _ = try await promotions.contribute(summit, id: promotion.id, kind: .spend, amount: "1200", currency: "EUR", note: "Store displays")
        _ = try await promotions.issueCode(brand, id: promotion.id, PromoCodeDraft(code: "SPRING26"))
        _ = try await Leads(database: database).create(
            summit, LeadDraft(source: .event, companyName: "Lakeside Gym", lastName: "Moreau", country: "FR", promoCode: "SPRING26")
        )
        _ = try await SellThrough(database: database).report(
            summit,
            SellThroughDraft(
                vendorTenantID: brand.tenantID, periodStart: startsOn, periodEnd: today, product: "NW-HP1", quantity: "40",
                amount: try eur("5960.00"), promotionID: promotion.id, idempotencyKey: "demo-867-0001"
            )
        )
        _ = try await Claims(database: database).submit(
            summit,
            ClaimDraft(
                promotionID: promotion.id,
                lines: [ClaimLineDraft(product: "NW-HP1", periodStart: startsOn, periodEnd: today, quantity: "40", unitAmount: "15.00")]
            )
        )
    }
}

import Foundation
import HubCore
import PRM

extension DemoWorld {
    /// Deal registrations with Northwind: one from Summit approved with protection (and Northwind's own
    /// opportunity sourced by Summit), and one from Coastline for the same customer, waiting with a conflict
    /// only Northwind can see.
    func seedDeals(brand: Caller, partners: [String: Caller]) async throws {
        let registrations = DealRegistrations(database: database)
        let closeOn = try Day(
            Date().addingTimeInterval(75 * 86400).formatted(.iso8601.year().month().day()), field: "/expectedCloseOn"
        )
        let summit = try await registrations.create(
            partners["summit-distribution"]!, vendor: brand.tenantID,
            DealRegistrationFields(
                customerName: "Lakeside Arena", customerDomain: "lakeside-arena.example", country: "US",
                products: [DealProduct(sku: "NW-LINE-ARRAY-12", quantity: 24), DealProduct(sku: "NW-AMP-4K", quantity: 6)],
                amount: try Money(amount: "186500.00", currency: "USD", field: "/amount"), expectedCloseOn: closeOn, partnerRef: "SUM-OPP-2291"
            )
        )
        _ = try await registrations.submit(partners["summit-distribution"]!, id: summit.id)
        _ = try await registrations.review(brand, id: summit.id)
        _ = try await registrations.approve(
            brand, id: summit.id, DealApproval(protectionDays: 90, note: "Protected for 90 days: keep us posted.", createOpportunity: true)
        )
        let coastline = try await registrations.create(
            partners["coastline-resellers"]!, vendor: brand.tenantID,
            DealRegistrationFields(
                customerName: "Lakeside Arena Inc.", customerDomain: "lakeside-arena.example", country: "US",
                products: [DealProduct(sku: "NW-LINE-ARRAY-12", quantity: 12)],
                amount: try Money(amount: "91000.00", currency: "USD", field: "/amount"), expectedCloseOn: closeOn
            )
        )
        _ = try await registrations.submit(partners["coastline-resellers"]!, id: coastline.id)
    }
}

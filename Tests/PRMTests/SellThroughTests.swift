import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PRM
import Testing

@Suite struct SellThroughTests {
    @Test func aRepeatedIdempotencyKeyReturnsTheFirstFact() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let first = try await world.report(world.bravo, quantity: "10", amount: "120.00", promotion: nil, key: "867-0001")
            let again = try await world.report(world.bravo, quantity: "99", amount: "1.00", promotion: nil, key: "867-0001")
            #expect(first.created && !again.created && again.fact == first.fact && again.fact.quantity == "10")
            // Keys are per reporter: another partner may use the same one.
            let other = try await world.report(world.charlie, quantity: "1", amount: "1.00", promotion: nil, key: "867-0001")
            #expect(other.created)
            #expect(try await world.sellThrough.list(world.vendor.ownerCaller, role: .vendor, promotion: nil, page: PageRequest()).items.count == 2)
        }
    }

    @Test func aReporterSeesOnlyItsOwnFactsAndTheVendorSeesAll() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            let bravo = try await world.report(world.bravo, quantity: "2.5", amount: "25.00", promotion: promotion.id, key: "b1").fact
            let charlie = try await world.report(world.charlie, quantity: "4", amount: "40.00", promotion: promotion.id, key: "c1").fact
            let seenByBravo = try await world.sellThrough.list(world.bravo.ownerCaller, role: nil, promotion: nil, page: PageRequest()).items
            #expect(seenByBravo.map(\.id) == [bravo.id])
            let seenByVendor = try await world.sellThrough.list(world.vendor.ownerCaller, role: .vendor, promotion: promotion.id, page: PageRequest())
            #expect(Set(seenByVendor.items.map(\.id)) == [bravo.id, charlie.id])
            #expect(try await world.sellThrough.list(world.vendor.ownerCaller, role: .reporter, promotion: nil, page: PageRequest()).items.isEmpty)
            let token = try await world.token(world.charlie)
            try await hub.withClient { client in
                let listed = try await client.call(.get, "/api/v1/sell-through", token: token)
                #expect(listed.items.count == 1 && !listed.body.contains(bravo.id.description))
            }
        }
    }

    @Test func reportingNeedsAnActivePartnershipAndAJoinedPromotion() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let promotion = try await world.activePromotion()
            await #expect(throws: HubError.invalid("/vendorTenantID", "your company has no active partnership with this company")) {
                try await world.report(world.stranger, quantity: "1", amount: "1.00", promotion: nil, key: "s1")
            }
            await #expect(throws: HubError.invalid("/promotionID", "is not a promotion of this vendor that your company has joined")) {
                try await world.report(world.delta, quantity: "1", amount: "1.00", promotion: promotion.id, key: "d1")
            }
        }
    }

    @Test func badSellThroughIsA422NamingTheFieldAndNothingIsStored() async throws {
        try await TestHub.with { hub in
            let world = try await PromotionWorld.make(hub)
            let token = try await world.token(world.bravo)
            let today = world.today.text
            try await hub.withClient { client in
                func body(_ changes: [String: any Sendable]) -> [String: any Sendable] {
                    var body: [String: any Sendable] = [
                        "vendorTenantID": world.vendor.id.description, "periodStart": today, "periodEnd": today, "product": "SKU-1",
                        "quantity": "3", "amount": ["amount": "30.00", "currency": "EUR"], "idempotencyKey": "k",
                    ]
                    for (key, value) in changes { body[key] = value }
                    return body
                }
                let cases: [([String: any Sendable], String)] = [
                    (["quantity": "-1"], "/quantity"),
                    (["quantity": "1.23456"], "/quantity"),
                    (["amount": ["amount": "30.001", "currency": "EUR"]], "/amount/amount"),
                    (["amount": ["amount": "30.00", "currency": "XXX"]], "/amount/currency"),
                    (["periodStart": "2031-02-02", "periodEnd": "2031-02-01"], "/periodEnd"),
                    (["product": "bad sku!"], "/product"),
                    (["source": "fax"], "/source"),
                ]
                for (changes, field) in cases {
                    let response = try await client.call(.post, "/api/v1/sell-through", token: token, json: body(changes))
                    #expect(response.status == .unprocessableContent && PromotionAPITests.fields(response) == [field], "\(field): \(response.body)")
                }
                let created = try await client.call(.post, "/api/v1/sell-through", token: token, json: body([:]))
                #expect(created.status == .created && created.json["quantity"] as? String == "3")
                let repeated = try await client.call(.post, "/api/v1/sell-through", token: token, json: body(["quantity": "4"]))
                #expect(repeated.status == .ok && repeated.json["id"] as? String == created.json["id"] as? String)
                let listed = try await client.call(.get, "/api/v1/sell-through?role=reporter", token: token)
                #expect(listed.items.count == 1)
            }
        }
    }
}

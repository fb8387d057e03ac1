import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PRM
import Testing

@Suite struct ScorecardTests {
    @Test func aScorecardGathersEachAreasFiguresForOnePartner() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let accepted = try await world.offer(try await world.lead("Acme"), to: world.bravo)
            _ = try await world.offers.accept(world.bravo.ownerCaller, id: accepted.id)
            _ = try await world.offer(try await world.lead("Beta"), to: world.bravo)
            let token = try await hub.token(for: world.alpha.owner)
            let member = try await hub.token(for: try await hub.makeUser(in: world.alpha, role: .member))
            try await hub.withClient { client in
                let card = try await client.call(.get, "/api/v1/scorecards/partners/\(world.bravo.id)", token: token)
                #expect(card.status == .ok)
                #expect(card.json["partnerName"] as? String == "Bravo")
                let leads = try #require(card.json["leads"] as? [String: any Sendable])
                #expect(leads["offered"] as? Int == 2 && leads["accepted"] as? Int == 1 && leads["acceptanceRate"] as? String == "1.0000")
                let activity = try #require(card.json["activity"] as? [String: any Sendable])
                // Bravo's accept is recorded on Alpha's side with Bravo as actor: it counts as Bravo's activity.
                #expect(activity["eventCount"] as? Int == 1)
                #expect((card.json["deals"] as? [String: any Sendable])?["registrationsSubmitted"] as? Int == 0)
                #expect((card.json["satisfaction"] as? [String: any Sendable])?["responses"] as? Int == 0)

                // Delta never had a partnership with Alpha: the scorecard does not confirm it exists.
                let stranger = try await client.call(.get, "/api/v1/scorecards/partners/\(world.delta.id)", token: token)
                #expect(stranger.status == .notFound)
                let members = try await client.call(.get, "/api/v1/scorecards/partners/\(world.bravo.id)", token: member)
                #expect(members.status == .forbidden)
                let backwards = try await client.call(
                    .get, "/api/v1/scorecards/partners/\(world.bravo.id)?from=2026-02-01&to=2026-01-01", token: token
                )
                #expect(backwards.status == .unprocessableContent)
                let empty = try await client.call(
                    .get, "/api/v1/scorecards/partners/\(world.bravo.id)?from=2020-01-01&to=2020-02-01", token: token
                )
                #expect((empty.json["leads"] as? [String: any Sendable])?["offered"] as? Int == 0)
            }
        }
    }
}

import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PostgresNIO
import PRM
import Testing

@Suite struct ChurnTests {
    static let day: TimeInterval = 86400

    /// A vendor with three active partners, one whose partnership ended and one that never accepted,
    /// and a report that starts tomorrow (whole seconds, so times compare exactly).
    struct World {
        let vendor: TestTenant
        let one: TestTenant
        let two: TestTenant
        let three: TestTenant
        let ended: TestTenant
        let invited: TestTenant
        let from: Date
    }

    func makeWorld(_ hub: TestHub) async throws -> World {
        let vendor = try await hub.makeTenant("vendor")
        var active: [TestTenant] = []
        for slug in ["partner-one", "partner-two", "partner-three"] {
            let partner = try await hub.makeTenant(slug)
            try await SurveyTests.partnership(hub, vendor, partner)
            active.append(partner)
        }
        let ended = try await hub.makeTenant("partner-ended")
        let endedID = try await SurveyTests.partnership(hub, vendor, ended)
        _ = try await hub.services.partnerships.perform(ended.ownerCaller, .end, on: endedID, reason: "moved on")
        let invited = try await hub.makeTenant("partner-invited")
        _ = try await hub.services.partnerships.invite(vendor.ownerCaller, partnerSlug: "partner-invited", note: nil)
        let from = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + Self.day).rounded(.down))
        return World(vendor: vendor, one: active[0], two: active[1], three: active[2], ended: ended, invited: invited, from: from)
    }

    /// Something `partner` did at `at`, recorded in `tenant`'s events (the vendor's, for a shared object).
    func act(_ hub: TestHub, _ partner: TestTenant, in tenant: TestTenant, at: Date) async throws {
        _ = try await hub.database.withTenant(partner.ownerCaller.principal) { connection in
            try await connection.query(
                """
                INSERT INTO hub.events (tenant_id, type, subject_type, subject_id, actor_tenant_id, at)
                VALUES (\(tenant.id.uuid), 'lead.accepted', 'lead', \(UUID()), \(partner.id.uuid), \(at))
                """,
                logger: hub.database.logger
            )
        }
    }

    @Test func weeklyChurnIsExactOnAFixedFixture() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            let start = world.from
            try await act(hub, world.one, in: world.vendor, at: start.addingTimeInterval(1 * Self.day))
            try await act(hub, world.two, in: world.vendor, at: start.addingTimeInterval(3 * Self.day))
            try await act(hub, world.one, in: world.vendor, at: start.addingTimeInterval(8 * Self.day))
            // Partner two's work inside its own company is not activity with the vendor.
            try await act(hub, world.two, in: world.two, at: start.addingTimeInterval(9 * Self.day))
            // Exactly at the start of week three: counts there, not in week two.
            try await act(hub, world.three, in: world.vendor, at: start.addingTimeInterval(14 * Self.day))
            try await act(hub, world.one, in: world.vendor, at: start.addingTimeInterval(15 * Self.day))
            // Partners without an active partnership at a period's start are not counted, active or not.
            try await act(hub, world.ended, in: world.vendor, at: start.addingTimeInterval(2 * Self.day))

            let report = try await hub.services.partnerChurn.report(
                world.vendor.ownerCaller, from: start, to: start.addingTimeInterval(17 * Self.day), interval: .week
            )
            #expect(report.periods.map(\.from) == [0, 7, 14].map { start.addingTimeInterval(Double($0) * Self.day) })
            #expect(report.periods.map(\.to) == [7, 14, 17].map { start.addingTimeInterval(Double($0) * Self.day) })
            #expect(report.periods.map(\.partnersAtStart) == [3, 3, 3])
            #expect(report.periods.map { $0.inactivePartners.map(\.name) } == [["Partner-Three"], ["Partner-Three", "Partner-Two"], ["Partner-Two"]])
            #expect(report.periods[0].inactivePartners.map(\.id) == [world.three.id])
            #expect(report.periods.map(\.churnRate) == ["0.3333", "0.6667", "0.3333"])
        }
    }

    @Test func aPartnerCountsOnlyWhileItsPartnershipIsActive() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            // Partner three's partnership ends now: before the report's first period starts.
            let partnership = try await hub.services.partnerships.list(world.vendor.ownerCaller, status: .active, page: PageRequest())
                .items.first { $0.partner.id == world.three.id }
            _ = try await hub.services.partnerships.perform(world.vendor.ownerCaller, .end, on: try #require(partnership).id, reason: nil)
            try await act(hub, world.one, in: world.vendor, at: world.from.addingTimeInterval(Self.day))
            let report = try await hub.services.partnerChurn.report(
                world.vendor.ownerCaller, from: world.from, to: world.from.addingTimeInterval(7 * Self.day), interval: .week
            )
            #expect(report.periods.count == 1)
            #expect(report.periods[0].partnersAtStart == 2)
            #expect(report.periods[0].inactivePartners.map(\.id) == [world.two.id])
            #expect(report.periods[0].churnRate == "0.5000")
            // The partner sees the vendor on its side of the same rule.
            let partnerView = try await hub.services.partnerChurn.report(
                world.one.ownerCaller, from: world.from, to: world.from.addingTimeInterval(7 * Self.day), interval: .week
            )
            #expect(partnerView.periods[0].partnersAtStart == 1 && partnerView.periods[0].inactivePartners.map(\.id) == [world.vendor.id])
        }
    }

    @Test func monthlyPeriodsFollowTheCalendarAndAnEmptyPeriodHasNoRate() async throws {
        try await TestHub.with { hub in
            let loner = try await hub.makeTenant("loner")
            let utc = ISO8601DateFormatter()
            let report = try await hub.services.partnerChurn.report(
                loner.ownerCaller, from: utc.date(from: "2026-01-31T00:00:00Z")!, to: utc.date(from: "2026-04-15T00:00:00Z")!, interval: .month
            )
            #expect(report.periods.map { utc.string(from: $0.from) } == ["2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z"])
            #expect(report.periods.map { utc.string(from: $0.to) } == ["2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-15T00:00:00Z"])
            #expect(report.periods.allSatisfy { $0.partnersAtStart == 0 && $0.churnRate == nil })
        }
    }

    @Test func partnerActivityIsTheLastActionAndTheCountForAPartnerOnly() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            let stranger = try await hub.makeTenant("stranger")
            let first = world.from.addingTimeInterval(Self.day), last = world.from.addingTimeInterval(5 * Self.day)
            try await act(hub, world.one, in: world.vendor, at: first)
            try await act(hub, world.one, in: world.vendor, at: last)
            try await act(hub, world.one, in: world.one, at: last.addingTimeInterval(60))
            let range = (world.from, world.from.addingTimeInterval(7 * Self.day))
            let activity = try await hub.services.partnerChurn.partnerActivity(world.vendor.ownerCaller, partner: world.one.id, from: range.0, to: range.1)
            #expect(activity.partner == world.one.id && activity.lastActivityAt == last && activity.eventCount == 2)
            let quiet = try await hub.services.partnerChurn.partnerActivity(world.vendor.ownerCaller, partner: world.invited.id, from: range.0, to: range.1)
            #expect(quiet.lastActivityAt == nil && quiet.eventCount == 0)
            await #expect(throws: HubError.notFound("partner")) {
                try await hub.services.partnerChurn.partnerActivity(world.vendor.ownerCaller, partner: stranger.id, from: range.0, to: range.1)
            }
        }
    }

    @Test func theChurnRouteAnswersWithDecimalStringsAndNamesBadParameters() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            try await act(hub, world.one, in: world.vendor, at: world.from.addingTimeInterval(Self.day))
            let token = try await hub.token(for: world.vendor.owner)
            let from = ISO8601DateFormatter().string(from: world.from)
            let to = ISO8601DateFormatter().string(from: world.from.addingTimeInterval(7 * Self.day))
            try await hub.withClient { client in
                let response = try await client.call(.get, "/api/v1/partner-health/churn?from=\(from)&to=\(to)&interval=week", token: token)
                #expect(response.status == .ok)
                let periods = try #require(response.json["periods"] as? [[String: Any]])
                #expect(periods.count == 1 && periods[0]["churnRate"] as? String == "0.6667" && periods[0]["partnersAtStart"] as? Int == 3)
                for (query, field) in [
                    ("from=\(from)&to=\(to)&interval=day", "interval"), ("to=\(to)", "from"), ("from=\(from)&to=yesterday", "to"),
                    ("from=\(to)&to=\(from)", "to"), ("from=2000-01-01&to=2099-01-01&interval=week", "to"),
                ] {
                    let bad = try await client.call(.get, "/api/v1/partner-health/churn?\(query)", token: token)
                    #expect(bad.status == .unprocessableContent, "\(query)")
                    #expect((bad.json["errors"] as? [[String: String]])?.first?["field"] == field, "\(query)")
                }
            }
        }
    }
}

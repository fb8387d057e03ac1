import Foundation
import HTTPTypes
@testable import HubCore
import HubServer
import HubTestSupport
import PRM
import PostgresNIO
import Testing

@Suite struct SurveyTests {
    static let question = "How likely are you to recommend working with us to another partner?"

    /// A vendor with three active partners (one answering with three users) and one former partner.
    struct World {
        let vendor: TestTenant
        let partners: [TestTenant]
        let former: TestTenant
    }

    func makeWorld(_ hub: TestHub) async throws -> World {
        let vendor = try await hub.makeTenant("vendor")
        var partners: [TestTenant] = []
        for slug in ["partner-one", "partner-two", "partner-three"] {
            let partner = try await hub.makeTenant(slug)
            try await Self.partnership(hub, vendor, partner)
            partners.append(partner)
        }
        let former = try await hub.makeTenant("former")
        let ended = try await Self.partnership(hub, vendor, former)
        _ = try await hub.services.partnerships.perform(vendor.ownerCaller, .end, on: ended, reason: "program closed")
        return World(vendor: vendor, partners: partners, former: former)
    }

    @Test func npsIsExactPerPartnerAndOverall() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            let surveys = hub.services.surveys
            let survey = try await surveys.create(
                world.vendor.ownerCaller, question: Self.question, closesAt: Date().addingTimeInterval(86400), recipients: world.partners.map(\.id)
            )
            // Partner one: 10, 9, 9 (three promoters); two: 7 and 6 (a passive, a detractor); three: 0.
            let scores: [[Int]] = [[10, 9, 9], [7, 6], [0]]
            for (partner, partnerScores) in zip(world.partners, scores) {
                for (index, score) in partnerScores.enumerated() {
                    let caller = try await Self.user(hub, in: partner, first: index == 0)
                    _ = try await surveys.answer(caller, id: survey.id, score: score, comment: "score \(score)")
                }
            }
            let results = try await surveys.results(world.vendor.ownerCaller, id: survey.id)
            #expect(results.overall == NetPromoterScore(promoters: 3, passives: 1, detractors: 2))
            #expect(results.overall.responses == 6 && results.overall.score == "16.7")
            let byPartner = Dictionary(uniqueKeysWithValues: results.partners.map { ($0.partner.id, $0.nps.score) })
            #expect(byPartner == [world.partners[0].id: "100.0", world.partners[1].id: "-50.0", world.partners[2].id: "-100.0"])
            #expect(results.partners.map(\.partner.name) == ["Partner-One", "Partner-Three", "Partner-Two"])

            let now = Date()
            let inRange = try await surveys.report(world.vendor.ownerCaller, from: now.addingTimeInterval(-3600), to: now.addingTimeInterval(3600))
            #expect(inRange == results)
            let before = try await surveys.report(world.vendor.ownerCaller, from: now.addingTimeInterval(-7200), to: now.addingTimeInterval(-3600))
            #expect(before.overall.responses == 0 && before.overall.score == nil && before.partners.isEmpty)
            let one = try await surveys.partnerNPS(
                world.vendor.ownerCaller, partner: world.partners[1].id, from: now.addingTimeInterval(-3600), to: now.addingTimeInterval(3600)
            )
            #expect(one == NetPromoterScore(promoters: 0, passives: 1, detractors: 1) && one.score == "-50.0")
        }
    }

    @Test(arguments: [
        (1, 0, 0, "100.0"), (0, 0, 1, "-100.0"), (1, 1, 1, "0.0"), (1, 2, 0, "33.3"), (2, 1, 0, "66.7"), (0, 2, 1, "-33.3"),
        (1, 5, 0, "16.7"), (0, 7, 1, "-12.5"),
    ])
    func theScoreIsRoundedHalfAwayFromZeroToOnePlace(promoters: Int, passives: Int, detractors: Int, expected: String) {
        #expect(NetPromoterScore(promoters: promoters, passives: passives, detractors: detractors).score == expected)
    }

    @Test func scoresAreBucketedTheNPSWay() {
        #expect(NetPromoterScore(scores: 0...10) == NetPromoterScore(promoters: 2, passives: 2, detractors: 7))
        #expect(NetPromoterScore(scores: []).score == nil)
    }

    @Test func eachUserAnswersOnceBeforeTheSurveyCloses() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            let surveys = hub.services.surveys
            let partner = world.partners[0]
            let survey = try await surveys.create(
                world.vendor.ownerCaller, question: Self.question, closesAt: Date().addingTimeInterval(86400), recipients: [partner.id]
            )
            let member = try await Self.user(hub, in: partner, first: false)
            #expect(try await surveys.invitations(member).map(\.survey.id) == [survey.id])
            _ = try await surveys.answer(member, id: survey.id, score: 8, comment: nil)
            #expect(try await surveys.invitations(member).isEmpty)
            await #expect(throws: HubError.conflict("you have already answered this survey")) {
                try await surveys.answer(member, id: survey.id, score: 9, comment: nil)
            }
            // Another user of the same partner still may, until it closes.
            #expect(try await surveys.invitations(partner.ownerCaller).map(\.survey.id) == [survey.id])
            // Close it by moving its deadline into the past, as the administrator: a test should not race the clock.
            try await hub.settings.withAdminConnection(logger: hub.database.logger) { connection in
                try await connection.query(
                    "UPDATE hub.surveys SET closes_at = now() - interval '1 second' WHERE id = \(survey.id.uuid)", logger: hub.database.logger
                )
            }
            #expect(try await surveys.invitations(partner.ownerCaller).isEmpty)
            await #expect(throws: HubError.self) {
                try await surveys.answer(partner.ownerCaller, id: survey.id, score: 9, comment: nil)
            }
            #expect(try await surveys.responses(world.vendor.ownerCaller, id: survey.id).map(\.score) == [8])
        }
    }

    @Test func sendingNeedsAnActivePartnership() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            let stranger = try await hub.makeTenant("stranger")
            let surveys = hub.services.surveys
            for outsider in [world.former.id, stranger.id] {
                await #expect(throws: HubError.invalid("/partnerTenantIDs/1", "is not a company your company has an active partnership with")) {
                    try await surveys.create(
                        world.vendor.ownerCaller, question: Self.question, closesAt: Date().addingTimeInterval(86400),
                        recipients: [world.partners[0].id, outsider]
                    )
                }
            }
            // Nothing was created by the refused requests.
            #expect(try await surveys.list(world.vendor.ownerCaller, page: PageRequest()).items.isEmpty)
            #expect(try await surveys.invitations(world.partners[0].ownerCaller).isEmpty)
            let member = try await hub.makeUser(in: world.vendor, role: .member)
            await #expect(throws: HubError.self) {
                try await surveys.create(
                    Caller(principal: Principal(tenantID: world.vendor.id, userID: member.id, role: .member), requestID: "t"),
                    question: Self.question, closesAt: Date().addingTimeInterval(86400), recipients: []
                )
            }
        }
    }

    @Test func aRespondentSeesOnlyItsOwnAnswersAndOthersSeeNothing() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            let outsider = try await hub.makeTenant("outsider")
            let surveys = hub.services.surveys
            let survey = try await surveys.create(
                world.vendor.ownerCaller, question: Self.question, closesAt: Date().addingTimeInterval(86400),
                recipients: [world.partners[0].id, world.partners[1].id]
            )
            _ = try await surveys.answer(world.partners[0].ownerCaller, id: survey.id, score: 10, comment: "great")
            _ = try await surveys.answer(world.partners[1].ownerCaller, id: survey.id, score: 3, comment: "slow payouts")
            let own = try await surveys.responses(world.partners[0].ownerCaller, id: survey.id)
            #expect(own.map(\.score) == [10] && own.map(\.comment) == ["great"])
            let shown = try await surveys.get(world.partners[0].ownerCaller, id: survey.id)
            #expect(shown.recipients == nil && shown.question == Self.question)
            await #expect(throws: HubError.forbidden("survey results are for the company that runs the survey")) {
                try await surveys.results(world.partners[0].ownerCaller, id: survey.id)
            }
            // Not sent to the third partner (yet) nor the outsider: the survey does not exist for them.
            for tenant in [world.partners[2], outsider] {
                await #expect(throws: HubError.notFound("survey")) { try await surveys.get(tenant.ownerCaller, id: survey.id) }
                await #expect(throws: HubError.notFound("survey")) { try await surveys.responses(tenant.ownerCaller, id: survey.id) }
                await #expect(throws: HubError.notFound("survey")) {
                    try await surveys.answer(tenant.ownerCaller, id: survey.id, score: 10, comment: nil)
                }
            }
            // The vendor's report names each partner; the partner's event copy names only itself.
            let report = try await surveys.results(world.vendor.ownerCaller, id: survey.id)
            #expect(report.overall.score == "0.0" && report.partners.count == 2)
            // Sending later reaches the third partner; the ones it already went to are not sent it twice.
            let resent = try await surveys.send(world.vendor.ownerCaller, id: survey.id, recipients: [world.partners[1].id, world.partners[2].id])
            #expect(Set(resent.recipients?.map(\.id) ?? []) == Set(world.partners.map(\.id)) && resent.recipients?.count == 3)
            #expect(try await surveys.get(world.partners[2].ownerCaller, id: survey.id).id == survey.id)
            await #expect(throws: HubError.invalid("/partnerTenantIDs", "name at least one partner company")) {
                try await surveys.send(world.vendor.ownerCaller, id: survey.id, recipients: [])
            }
            let timeline = try await surveys.timeline(world.partners[1].ownerCaller, id: survey.id, page: PageRequest())
            #expect(timeline.items.map(\.type) == ["survey.sent", "survey.answered"])
            #expect(timeline.items[0].data == ["recipientTenantID": world.partners[1].id.description])
        }
    }

    @Test func theAPIValidatesAfterFindingTheSurvey() async throws {
        try await TestHub.with { hub in
            let world = try await makeWorld(hub)
            let vendorToken = try await hub.token(for: world.vendor.owner)
            let partnerToken = try await hub.token(for: world.partners[0].owner)
            let strangerToken = try await hub.token(for: (try await hub.makeTenant("stranger")).owner)
            try await hub.withClient { client in
                let bad = try await client.call(
                    .post, "/api/v1/surveys", token: vendorToken,
                    json: ["question": "", "closesAt": "2020-01-01T00:00:00Z", "partnerTenantIDs": ["nope"]]
                )
                #expect(bad.status == .unprocessableContent)
                let created = try await client.call(
                    .post, "/api/v1/surveys", token: vendorToken,
                    json: [
                        "question": Self.question, "closesAt": ISO8601DateFormatter().string(from: Date().addingTimeInterval(30 * 86400)),
                        "partnerTenantIDs": [world.partners[0].id.description],
                    ]
                )
                #expect(created.status == .created)
                let id = try #require(created.json["id"] as? String)
                let invitations = try await client.call(.get, "/api/v1/survey-invitations", token: partnerToken)
                #expect(invitations.items.count == 1)
                let missingScore = try await client.call(.post, "/api/v1/surveys/\(id)/responses", token: partnerToken, json: ["comment": "hi"])
                #expect(missingScore.status == .unprocessableContent)
                #expect((missingScore.json["errors"] as? [[String: String]])?.first?["field"] == "/score")
                let tooHigh = try await client.call(.post, "/api/v1/surveys/\(id)/responses", token: partnerToken, json: ["score": 11])
                #expect((tooHigh.json["errors"] as? [[String: String]])?.first?["field"] == "/score")
                let longComment = try await client.call(
                    .post, "/api/v1/surveys/\(id)/responses", token: partnerToken, json: ["score": 9, "comment": String(repeating: "x", count: 2001)]
                )
                #expect((longComment.json["errors"] as? [[String: String]])?.first?["field"] == "/comment")
                let strangers = try await client.call(.post, "/api/v1/surveys/\(id)/responses", token: strangerToken, json: [:])
                #expect(strangers.status == .notFound)
                let answered = try await client.call(.post, "/api/v1/surveys/\(id)/responses", token: partnerToken, json: ["score": 9])
                #expect(answered.status == .created)
                let results = try await client.call(.get, "/api/v1/surveys/\(id)/results", token: vendorToken)
                #expect((results.json["overall"] as? [String: Any])?["score"] as? String == "100.0")
                let range = try await client.call(.get, "/api/v1/partner-health/nps?from=2000-01-01&to=2099-01-01", token: vendorToken)
                #expect((range.json["overall"] as? [String: Any])?["responses"] as? Int == 1)
                let backwards = try await client.call(.get, "/api/v1/partner-health/nps?from=2026-02-01&to=2026-01-01", token: vendorToken)
                #expect(backwards.status == .unprocessableContent)
            }
        }
    }

    // MARK: - Helpers

    @discardableResult
    static func partnership(_ hub: TestHub, _ vendor: TestTenant, _ partner: TestTenant) async throws -> PartnershipID {
        let invitation = try await hub.services.partnerships.invite(vendor.ownerCaller, partnerSlug: partner.tenant.slug, note: nil)
        _ = try await hub.services.partnerships.perform(partner.ownerCaller, .accept, on: invitation.id, reason: nil)
        return invitation.id
    }

    /// The partner's owner for the first answer, a new member for each further one.
    static func user(_ hub: TestHub, in tenant: TestTenant, first: Bool) async throws -> Caller {
        if first { return tenant.ownerCaller }
        let member = try await hub.makeUser(in: tenant, role: .member)
        return Caller(principal: Principal(tenantID: tenant.id, userID: member.id, role: .member), requestID: "test")
    }
}

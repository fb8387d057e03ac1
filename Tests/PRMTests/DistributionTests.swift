import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PRM
import PostgresNIO
import Testing

extension SharingWorld {
    var rules: DistributionRules { hub.services.distributionRules }
    var profiles: PartnerProfiles { hub.services.partnerProfiles }

    func profile(_ partner: TestTenant, tier: String? = nil, territories: [String] = [], capacity: Int? = nil, weight: Int = 1) async throws {
        _ = try await profiles.put(
            alpha.ownerCaller, partner: partner.id,
            PartnerProfileDraft(tier: tier, territories: territories, capacity: capacity, leadWeight: weight)
        )
    }

    func leads(_ count: Int, country: String? = "DE", region: String? = nil) async throws -> [Lead] {
        var made: [Lead] = []
        for index in 0..<count { made.append(try await lead("Lead\(index)", country: country, region: region)) }
        return made
    }
}

@Suite struct DistributionTests {
    static let partners = ["bravo", "charlie", "echo"]

    @Test func roundRobinGivesEachOfNEqualPartnersExactlyKLeadsAndKeepsItsPlaceBetweenRuns() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub, partners: Self.partners)
            let ids = Array(world.partnerships.keys)
            for id in ids { _ = try await world.profiles.put(world.alpha.ownerCaller, partner: id, PartnerProfileDraft()) }
            let rule = try await world.rules.create(world.alpha.ownerCaller, DistributionRuleDraft(name: "Everyone", strategy: .roundRobin))
            let first = try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: try await world.leads(9).map(\.id), seed: 7)
            #expect(first.offerCount == 9 && first.unassignedCount == 0)
            var counts = Dictionary(grouping: first.decisions.compactMap(\.chosenPartnerTenantID), by: { $0 }).mapValues(\.count)
            #expect(Set(counts.keys) == Set(ids) && counts.values.allSatisfy { $0 == 3 })
            // Two more leads, then one more: the cursor carries over, so after 12 leads each has 4.
            let second = try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: try await world.leads(2).map(\.id), seed: 99)
            let third = try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: try await world.leads(1).map(\.id), seed: -5)
            #expect(Set(second.decisions.compactMap(\.chosenPartnerTenantID)).count == 2)
            #expect(second.servedBefore.values.allSatisfy { $0 == 3 })
            for partner in (second.decisions + third.decisions).compactMap(\.chosenPartnerTenantID) { counts[partner, default: 0] += 1 }
            #expect(counts.values.allSatisfy { $0 == 4 })
            let offers = try await world.offers.list(world.alpha.ownerCaller, filter: LeadOfferFilter(), page: PageRequest(limit: 200))
            #expect(offers.items.count == 12 && offers.items.allSatisfy { $0.ruleID == rule.id.uuid && $0.slaHours == 48 })
            let timeline = try await world.rules.timeline(world.alpha.ownerCaller, id: rule.id, page: PageRequest())
            #expect(timeline.items.map(\.type) == ["distribution_rule.created", "distribution.run", "distribution.run", "distribution.run"])
            #expect(timeline.items[1].data["runID"] == first.id.description && timeline.items[1].data["offerCount"] == "9")
        }
    }

    @Test func aRunReplaysFromItsRecordedSeedAndTiesFollowTheSeedNotTheId() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub, partners: Self.partners)
            for id in world.partnerships.keys { _ = try await world.profiles.put(world.alpha.ownerCaller, partner: id, PartnerProfileDraft()) }
            let rule = try await world.rules.create(world.alpha.ownerCaller, DistributionRuleDraft(name: "Everyone", strategy: .roundRobin, perPartnerCapacity: 2))
            let run = try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: try await world.leads(7).map(\.id), seed: 123_456)
            #expect(run.seed == 123_456 && run.offerCount == 6 && run.unassignedCount == 1)
            let recorded = try await world.rules.run(world.alpha.ownerCaller, id: run.id)
            #expect(recorded == run)
            #expect(try await world.rules.replay(world.alpha.ownerCaller, run: run.id) == run.decisions.map(\.chosenPartnerTenantID))
            // Every partner hit its capacity of two, so the seventh lead records why nobody got it.
            let last = try #require(run.decisions.last)
            #expect(last.chosenPartnerTenantID == nil && last.candidates.allSatisfy { $0.excludedBecause == .atCapacity })
            // The first lead of a level field goes wherever the seed puts it, across seeds more than one partner wins.
            var firstChoices: Set<TenantID> = []
            for seed in Int64(1)...12 {
                let other = try await world.rules.create(world.alpha.ownerCaller, DistributionRuleDraft(name: "R\(seed)", strategy: .roundRobin))
                let single = try await world.rules.run(world.alpha.ownerCaller, rule: other.id, leads: try await world.leads(1).map(\.id), seed: seed)
                if let chosen = single.decisions.first?.chosenPartnerTenantID { firstChoices.insert(chosen) }
            }
            #expect(firstChoices.count > 1)
        }
    }

    @Test func territoryPrefersTheRegionThenTheCountryAndRecordsWhoWasOutside() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub, partners: Self.partners)
            let echo = try #require(world.partnerships.keys.first { $0 != world.bravo.id && $0 != world.charlie.id })
            try await world.profile(world.bravo, territories: ["DE-BY"])
            try await world.profile(world.charlie, territories: ["DE", "AT"])
            _ = try await world.profiles.put(world.alpha.ownerCaller, partner: echo, PartnerProfileDraft(territories: ["FR"]))
            let rule = try await world.rules.create(world.alpha.ownerCaller, DistributionRuleDraft(name: "By area", strategy: .territory))
            let bavaria = try await world.lead("Munich", country: "DE", region: "BY")
            let hamburg = try await world.lead("Hamburg", country: "DE", region: "HH")
            let ohio = try await world.lead("Ohio", country: "US")
            let run = try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: [bavaria.id, hamburg.id, ohio.id])
            #expect(run.decisions.map(\.chosenPartnerTenantID) == [world.bravo.id, world.charlie.id, nil])
            let hamburgCandidates = Dictionary(uniqueKeysWithValues: run.decisions[1].candidates.map { ($0.partnerTenantID, $0.excludedBecause) })
            #expect(hamburgCandidates[world.bravo.id] == .outsideTerritory && hamburgCandidates[echo] == .outsideTerritory)
            #expect(run.decisions[2].candidates.allSatisfy { $0.excludedBecause == .outsideTerritory })
        }
    }

    @Test func tierRulesSkipIneligibleTiersAndPreferTheFirstTier() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub, partners: Self.partners)
            let echo = try #require(world.partnerships.keys.first { $0 != world.bravo.id && $0 != world.charlie.id })
            try await world.profile(world.bravo, tier: "silver")
            try await world.profile(world.charlie, tier: "bronze")
            _ = try await world.profiles.put(world.alpha.ownerCaller, partner: echo, PartnerProfileDraft(tier: "gold", capacity: 1))
            let rule = try await world.rules.create(
                world.alpha.ownerCaller, DistributionRuleDraft(name: "Tiers", strategy: .tier, eligibleTiers: ["gold", "silver"])
            )
            let run = try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: try await world.leads(3).map(\.id), seed: 1)
            // gold first until echo is at its capacity of one open offer, then silver.
            #expect(run.decisions.map(\.chosenPartnerTenantID) == [echo, world.bravo.id, world.bravo.id])
            let charlie = run.decisions[0].candidates.first { $0.partnerTenantID == world.charlie.id }
            #expect(charlie?.excludedBecause == .tierNotEligible)
            await #expect(throws: HubError.invalid("/eligibleTiers", "the tier strategy needs the tiers in order of preference")) {
                try await world.rules.create(world.alpha.ownerCaller, DistributionRuleDraft(name: "No tiers", strategy: .tier))
            }
        }
    }

    @Test func onlyActivePartnersAreEligibleAndFiltersPickTheLeads() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            try await world.profile(world.bravo)
            try await world.profile(world.charlie)
            _ = try await hub.services.partnerships.perform(world.alpha.ownerCaller, .suspend, on: world.partnerships[world.charlie.id]!, reason: nil)
            let rule = try await world.rules.create(
                world.alpha.ownerCaller, DistributionRuleDraft(name: "Germany", strategy: .roundRobin, leadCountries: ["de"])
            )
            let german = try await world.leads(2)
            let french = try await world.lead("Paris", country: "FR")
            let run = try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: german.map(\.id) + [french.id])
            #expect(run.decisions.map(\.chosenPartnerTenantID) == [world.bravo.id, world.bravo.id, nil])
            #expect(run.decisions[0].candidates.first { $0.partnerTenantID == world.charlie.id }?.excludedBecause == .noActivePartnership)
            #expect(run.decisions[2].reason == "the lead does not match the rule's filters" && run.decisions[2].candidates.isEmpty)
            // A partner must be able to tell what it was given: a lead the shared fields leave anonymous stays home.
            let namesOnly = try await world.rules.create(
                world.alpha.ownerCaller, DistributionRuleDraft(name: "Names", strategy: .roundRobin, sharedFields: [.companyName, .country])
            )
            let anonymous = try await world.leads.create(world.alpha.ownerCaller, LeadDraft(email: "who@unknown.example", country: "DE")).lead
            let skipped = try await world.rules.run(world.alpha.ownerCaller, rule: namesOnly.id, leads: [anonymous.id])
            #expect(skipped.offerCount == 0 && skipped.decisions.first?.reason.hasPrefix("the rule's shared fields leave out") == true)
            // Nor does a person's data without a lawful basis to share it; the same lead's company name alone may go.
            let noBasis = try await world.lead("Basisless", consent: nil)
            let held = try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: [noBasis.id])
            #expect(held.offerCount == 0 && held.decisions.first?.reason.hasPrefix("the lead has no consent basis") == true)
            let companyOnly = try await world.rules.create(
                world.alpha.ownerCaller, DistributionRuleDraft(name: "Company", strategy: .roundRobin, sharedFields: [.companyName])
            )
            #expect(try await world.rules.run(world.alpha.ownerCaller, rule: companyOnly.id, leads: [noBasis.id]).offerCount == 1)
        }
    }

    @Test func aDeclinedOfferIsReroutedToTheNextPartnerKeepingTheFirstOffersHistory() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            try await world.profile(world.bravo)
            try await world.profile(world.charlie)
            let rule = try await world.rules.create(world.alpha.ownerCaller, DistributionRuleDraft(name: "Two", strategy: .roundRobin))
            let lead = try await world.lead()
            let run = try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: [lead.id], seed: 3)
            let firstOffer = try #require(run.decisions.first?.offerID)
            let firstPartner = try #require(run.decisions.first?.chosenPartnerTenantID)
            let other = firstPartner == world.bravo.id ? world.charlie : world.bravo
            let decliner = firstPartner == world.bravo.id ? world.bravo : world.charlie
            await #expect(throws: HubError.conflict("only a declined or expired offer can be rerouted; this one is offered")) {
                try await world.rules.reroute(world.alpha.ownerCaller, offer: firstOffer)
            }
            _ = try await world.offers.decline(decliner.ownerCaller, id: firstOffer, reason: .noCapacity, note: nil)
            let reroute = try await world.rules.reroute(world.alpha.ownerCaller, offer: firstOffer)
            #expect(reroute.reroutedOfferID == firstOffer && reroute.decisions.first?.chosenPartnerTenantID == other.id)
            #expect(reroute.decisions.first?.candidates.first { $0.partnerTenantID == firstPartner }?.excludedBecause == .declinedBefore)
            let second = try await world.offers.get(world.alpha.ownerCaller, id: try #require(reroute.decisions.first?.offerID))
            #expect(second.reroutedFromOfferID == firstOffer && second.toTenantID == other.id)
            #expect(try await world.offers.get(world.alpha.ownerCaller, id: firstOffer).status == .declined)
            #expect(try await world.rules.run(world.alpha.ownerCaller, id: run.id) == run)
            await #expect(throws: HubError.conflict("this offer has been rerouted already")) {
                try await world.rules.reroute(world.alpha.ownerCaller, offer: firstOffer)
            }
            // The second partner lets it expire: nobody is left, and the run says why.
            try await world.overdue(second.id)
            let exhausted = try await world.rules.reroute(world.alpha.ownerCaller, offer: second.id)
            #expect(exhausted.offerCount == 0 && exhausted.decisions.first?.candidates.allSatisfy { $0.excludedBecause == .declinedBefore } == true)
            // A manual offer has no rule to follow.
            let manual = try await world.offer(try await world.lead("Other"), to: world.bravo)
            _ = try await world.offers.decline(world.bravo.ownerCaller, id: manual.id, reason: .spam, note: nil)
            await #expect(throws: HubError.conflict("only an offer made by a distribution rule can be rerouted")) {
                try await world.rules.reroute(world.alpha.ownerCaller, offer: manual.id)
            }
        }
    }

    @Test func runsRefuseUnknownLeadsTooManyLeadsAndInactiveRules() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            let rule = try await world.rules.create(world.alpha.ownerCaller, DistributionRuleDraft(name: "R", strategy: .roundRobin))
            let bravoLead = try await world.leads.create(world.bravo.ownerCaller, LeadDraft(companyName: "Theirs")).lead
            await #expect(throws: HubError.invalid("/leadIDs/0", "no lead of yours has this id")) {
                try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: [bravoLead.id])
            }
            await #expect(throws: HubError.invalid("/leadIDs", "at most 1000 leads per run")) {
                try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: (0...1000).map { _ in LeadID() })
            }
            await #expect(throws: HubError.notFound("distribution rule")) {
                try await world.rules.run(world.bravo.ownerCaller, rule: rule.id, leads: [bravoLead.id])
            }
            _ = try await world.rules.update(world.alpha.ownerCaller, id: rule.id, DistributionRuleDraft(active: false))
            await #expect(throws: HubError.conflict("the rule is not active")) {
                try await world.rules.run(world.alpha.ownerCaller, rule: rule.id, leads: [try await world.lead().id])
            }
            let runs = try await hub.database.withTenant(world.alpha.ownerCaller.principal) { connection in
                try await connection.query("SELECT count(*)::int FROM hub.distribution_runs", logger: hub.database.logger).decode(Int.self).all()
            }
            #expect(runs == [0])
        }
    }

    @Test func profilesAreOnlyForPartnersAndValidated() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            await #expect(throws: HubError.notFound("partner")) { try await world.profile(world.delta) }
            await #expect {
                try await world.profile(world.bravo, territories: ["DE", "Bavaria"], weight: 101)
            } throws: { error in
                guard case HubError.invalid(let issues) = error else { return false }
                return Set(issues.map(\.field)) == ["/territories/1", "/leadWeight"]
            }
            try await world.profile(world.bravo, tier: "gold", territories: ["de-by", "AT"], capacity: 5)
            let profile = try await world.profiles.get(world.alpha.ownerCaller, partner: world.bravo.id)
            #expect(profile.territories == ["AT", "DE-BY"] && profile.partnershipStatus == .active && profile.capacity == 5)
            // The partner never sees how it is profiled.
            await #expect(throws: HubError.notFound("partner profile")) {
                try await world.profiles.get(world.bravo.ownerCaller, partner: world.bravo.id)
            }
            try await hub.withClient { client in
                let token = try await hub.token(for: world.alpha.owner)
                let put = try await client.call(.put, "/api/v1/partner-profiles/\(world.charlie.id)", token: token, json: ["tier": "silver"])
                #expect(put.status == .ok && put.json["leadWeight"] as? Int == 1)
                let list = try await client.call(.get, "/api/v1/partner-profiles", token: token)
                #expect(list.items.count == 2)
                let removed = try await client.call(.delete, "/api/v1/partner-profiles/\(world.charlie.id)", token: token)
                #expect(removed.status == .noContent)
                let gone = try await client.call(.get, "/api/v1/partner-profiles/\(world.charlie.id)", token: token)
                #expect(gone.status == .notFound)
                let rule = try await client.call(
                    .post, "/api/v1/distribution-rules", token: token, json: ["name": "Web leads", "strategy": "round_robin", "leadSources": ["web"]]
                )
                #expect(rule.status == .created && rule.json["slaHours"] as? Int == 48)
                let badRule = try await client.call(.post, "/api/v1/distribution-rules", token: token, json: ["name": "X", "strategy": "lottery"])
                #expect(badRule.status == .unprocessableContent)
            }
        }
    }

    @Test func rulesAreRunAndExplainedOverHTTP() async throws {
        try await TestHub.with { hub in
            let world = try await SharingWorld.make(hub)
            try await world.profile(world.bravo, territories: ["DE"])
            let lead = try await world.lead()
            let token = try await hub.token(for: world.alpha.owner)
            try await hub.withClient { client in
                let rule = try await client.call(.post, "/api/v1/distribution-rules", token: token, json: ["name": "DE", "strategy": "territory"])
                let ruleID = try #require(rule.json["id"] as? String)
                let malformed = try await client.call(.post, "/api/v1/distribution-rules/\(ruleID)/runs", token: token, json: ["leadIDs": ["nope"]])
                #expect(malformed.status == .unprocessableContent && malformed.body.contains("/leadIDs/0"))
                let run = try await client.call(
                    .post, "/api/v1/distribution-rules/\(ruleID)/runs", token: token, json: ["leadIDs": [lead.id.description], "seed": 42]
                )
                #expect(run.status == .created && run.json["offerCount"] as? Int == 1 && run.json["seed"] as? Int == 42)
                let runID = try #require(run.json["id"] as? String)
                let shown = try await client.call(.get, "/api/v1/distribution-runs/\(runID)", token: token)
                let decision = try #require((shown.json["decisions"] as? [[String: any Sendable]])?.first)
                #expect(decision["chosenPartnerTenantID"] as? String == world.bravo.id.description)
                let paused = try await client.call(.patch, "/api/v1/distribution-rules/\(ruleID)", token: token, json: ["active": false])
                #expect(paused.status == .ok && paused.json["active"] as? Bool == false && paused.json["name"] as? String == "DE")
                let refused = try await client.call(
                    .post, "/api/v1/distribution-rules/\(ruleID)/runs", token: token, json: ["leadIDs": [lead.id.description]]
                )
                #expect(refused.status == .conflict)
                // The partner sees its offer, never the rule or the run behind it.
                let incoming = try await client.call(.get, "/api/v1/lead-offers?direction=incoming", token: try await hub.token(for: world.bravo.owner))
                #expect(incoming.items.count == 1 && !incoming.body.contains(ruleID) && !incoming.body.contains(runID))
            }
        }
    }
}

import Foundation
import HubCore
import Logging
import PostgresNIO

extension DistributionRules {
    public static let maximumLeadsPerRun = 1000

    /// Runs an active rule on some of the caller's leads: one decision per lead, an offer for each lead a
    /// partner was found for, the rule's position moved on, and the run recorded with its seed.
    public func run(_ caller: Caller, rule id: DistributionRuleID, leads leadIDs: [LeadID]?, seed: Int64? = nil) async throws -> DistributionRun {
        try await LeadOffers(database: database).expireDue(caller)
        return try await database.withTenant(caller.principal) { connection in
            let rule = try await Self.fetch(connection, id: id, lock: true, logger: database.logger)
            try caller.principal.require(.channelManager, to: "running a distribution rule")
            var unique: [LeadID] = []
            for lead in leadIDs ?? [] where !unique.contains(lead) { unique.append(lead) }
            guard !unique.isEmpty else { throw HubError.invalid("/leadIDs", "name at least one lead") }
            guard unique.count <= Self.maximumLeadsPerRun else {
                throw HubError.invalid("/leadIDs", "at most \(Self.maximumLeadsPerRun) leads per run")
            }
            guard rule.active else { throw HubError.conflict("the rule is not active") }
            let found = try await Leads.decode(
                connection.query(
                    "SELECT \(unescaped: Leads.columns) FROM hub.leads WHERE id = ANY(\(unique.map(\.uuid))) ORDER BY id FOR UPDATE",
                    logger: database.logger
                )
            )
            let byID = Dictionary(uniqueKeysWithValues: found.map { ($0.id, $0) })
            let missing = (leadIDs ?? []).enumerated().filter { byID[$0.element] == nil }
            guard missing.isEmpty else {
                throw HubError.invalid(missing.map { FieldIssue("/leadIDs/\($0.offset)", "no lead of yours has this id") })
            }
            let runID = try await perform(
                connection, caller, rule: rule, leads: unique.map { byID[$0]! }, seed: seed ?? Int64.random(in: .min ... .max), rerouting: nil
            )
            return try await DistributionRunRecords.fetch(connection, id: runID, logger: database.logger)
        }
    }

    /// Offers the lead of a declined or expired rule offer to the rule's next eligible partner: a new
    /// offer, recorded as a run of one lead; the first offer and its decision stay as they were.
    public func reroute(_ caller: Caller, offer offerID: LeadOfferID) async throws -> DistributionRun {
        try await LeadOffers(database: database).expireDue(caller)
        return try await database.withTenant(caller.principal) { connection in
            guard try await LeadOfferRows.fetch(connection, caller, id: offerID, logger: database.logger).direction == .outgoing else {
                throw HubError.forbidden("only the company that made an offer can reroute it")
            }
            try caller.principal.require(.channelManager, to: "rerouting an offer")
            let offer = try await LeadOfferRows.fetch(connection, caller, id: offerID, lock: true, logger: database.logger)
            guard offer.status == .declined || offer.status == .expired else {
                throw HubError.conflict("only a declined or expired offer can be rerouted; this one is \(offer.status.rawValue)")
            }
            guard let ruleID = offer.ruleID, let leadID = offer.leadID else {
                throw HubError.conflict("only an offer made by a distribution rule can be rerouted")
            }
            let already = try await connection.query(
                "SELECT count(*)::int FROM hub.lead_offers WHERE rerouted_from_offer_id = \(offerID.uuid)", logger: database.logger
            ).decode(Int.self).first { _ in true } ?? 0
            guard already == 0 else { throw HubError.conflict("this offer has been rerouted already") }
            let rule = try await Self.fetch(connection, id: DistributionRuleID(ruleID), lock: true, logger: database.logger)
            guard rule.active else { throw HubError.conflict("the offer's rule is not active") }
            let lead = try await LeadOffers.lead(connection, leadID, lock: true, logger: database.logger)
            let runID = try await perform(
                connection, caller, rule: rule, leads: [lead], seed: Int64.random(in: .min ... .max), rerouting: offerID
            )
            return try await DistributionRunRecords.fetch(connection, id: runID, logger: database.logger)
        }
    }

    /// Decides, makes the offers, moves the cursor and records the run, all in the caller's transaction.
    private func perform(
        _ connection: PostgresConnection, _ caller: Caller, rule: DistributionRule, leads: [Lead], seed: Int64, rerouting: LeadOfferID?
    ) async throws -> DistributionRunID {
        let roster = try await DistributionRoster.load(connection, caller, rule: rule, leads: leads.map(\.id), logger: database.logger)
        var planner = DistributionPlanner(served: roster.served, capacityLeft: roster.capacityLeft, seed: seed)
        var decisions: [DistributionDecision] = []
        for lead in leads {
            if let skip = roster.reasonToSkip(lead) {
                decisions.append(DistributionDecision(leadID: lead.id, candidates: [], reason: skip))
                continue
            }
            var candidates = roster.candidates(for: lead)
            let chosen = planner.choose(&candidates)
            let reason =
                chosen != nil
                ? "the eligible partner with the fewest leads of this rule per unit of weight"
                : candidates.isEmpty ? "the tenant has no partner profiles" : "no eligible partner: see each candidate's exclusion"
            decisions.append(DistributionDecision(leadID: lead.id, candidates: candidates, chosenPartnerTenantID: chosen, reason: reason))
        }
        let runID = DistributionRunID()
        let offerCount = decisions.filter { $0.chosenPartnerTenantID != nil }.count
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let servedBefore = String(decoding: try encoder.encode(Dictionary(uniqueKeysWithValues: roster.served.map { ($0.key.description, $0.value) })), as: UTF8.self)
        let capacityBefore = String(decoding: try encoder.encode(Dictionary(uniqueKeysWithValues: roster.capacityLeft.map { ($0.key.description, $0.value) })), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO hub.distribution_runs (tenant_id, id, rule_id, started_by, seed, served_before, capacity_before, rerouted_offer_id,
                                               lead_count, offer_count, unassigned_count)
            VALUES (\(caller.tenantID.uuid), \(runID.uuid), \(rule.id.uuid), \(caller.principal.userID?.uuid), \(seed), \(servedBefore)::jsonb,
                    \(capacityBefore)::jsonb, \(rerouting?.uuid), \(leads.count), \(offerCount), \(leads.count - offerCount))
            """,
            logger: database.logger
        )
        let leadsByID = Dictionary(uniqueKeysWithValues: leads.map { ($0.id, $0) })
        for (position, var decision) in decisions.enumerated() {
            if let partner = decision.chosenPartnerTenantID, let partnership = roster.partnerships[partner], let lead = leadsByID[decision.leadID] {
                let terms = OfferTerms(
                    partner: partner, partnershipID: partnership, sharedFields: Set(rule.sharedFields), message: nil, slaHours: rule.slaHours,
                    exclusive: rule.exclusive, ruleID: rule.id.uuid, runID: runID.uuid, reroutedFrom: rerouting
                )
                decision.offerID = try await OfferMaking.insert(connection, caller, lead: lead, terms: terms, logger: database.logger)
            }
            let candidates = String(decoding: try encoder.encode(decision.candidates), as: UTF8.self)
            try await connection.query(
                """
                INSERT INTO hub.distribution_decisions (tenant_id, run_id, position, lead_id, candidates, chosen_partner_tenant_id, offer_id, reason)
                VALUES (\(caller.tenantID.uuid), \(runID.uuid), \(position), \(decision.leadID.uuid), \(candidates)::jsonb,
                        \(decision.chosenPartnerTenantID?.uuid), \(decision.offerID?.uuid), \(decision.reason))
                """,
                logger: database.logger
            )
        }
        for (partner, served) in planner.served {
            try await connection.query(
                """
                INSERT INTO hub.distribution_cursors (tenant_id, rule_id, partner_tenant_id, served)
                VALUES (\(caller.tenantID.uuid), \(rule.id.uuid), \(partner.uuid), \(served))
                ON CONFLICT (tenant_id, rule_id, partner_tenant_id) DO UPDATE SET served = EXCLUDED.served
                """,
                logger: database.logger
            )
        }
        try await Events.record(
            connection, caller, "distribution.run", subject: EventSubject("distribution_rule", rule.id.uuid),
            data: [
                "runID": runID.description, "leadCount": String(leads.count), "offerCount": String(offerCount),
                "reroutedOfferID": rerouting?.description ?? "",
            ],
            audit: AuditRecord(
                action: "distribution.run", targetType: "distribution_run", targetID: runID.description,
                details: ["rule": rule.id.description, "leads": String(leads.count), "offers": String(offerCount)]
            ),
            logger: database.logger
        )
        return runID
    }
}

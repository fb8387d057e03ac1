import Foundation
import HubCore
import Logging
import PostgresNIO

/// Reading recorded runs back, and replaying them from their record.
enum DistributionRunRecords {
    static func fetch(_ connection: PostgresConnection, id: DistributionRunID, logger: Logger) async throws -> DistributionRun {
        let rows = try await connection.query(
            """
            SELECT rule_id, started_by, started_at, seed, served_before::text, capacity_before::text, rerouted_offer_id,
                   lead_count, offer_count, unassigned_count
              FROM hub.distribution_runs WHERE id = \(id.uuid)
            """,
            logger: logger
        )
        guard
            let (rule, startedBy, startedAt, seed, served, capacity, rerouted, leadCount, offerCount, unassigned) = try await rows.decode(
                (UUID, UUID?, Date, Int64, String, String, UUID?, Int, Int, Int).self
            ).first(where: { _ in true })
        else { throw HubError.notFound("distribution run") }
        let decoder = JSONDecoder()
        var decisions: [DistributionDecision] = []
        let decisionRows = try await connection.query(
            """
            SELECT lead_id, candidates::text, chosen_partner_tenant_id, offer_id, reason
              FROM hub.distribution_decisions WHERE run_id = \(id.uuid) ORDER BY position
            """,
            logger: logger
        )
        for try await (lead, candidates, chosen, offer, reason) in decisionRows.decode((UUID, String, UUID?, UUID?, String).self) {
            decisions.append(
                DistributionDecision(
                    leadID: LeadID(lead), candidates: try decoder.decode([DistributionCandidate].self, from: Data(candidates.utf8)),
                    chosenPartnerTenantID: chosen.map { TenantID($0) }, offerID: offer.map { LeadOfferID($0) }, reason: reason
                )
            )
        }
        return DistributionRun(
            id: id, ruleID: DistributionRuleID(rule), startedBy: startedBy.map { UserID($0) }, startedAt: startedAt, seed: seed,
            servedBefore: try decoder.decode([String: Int64].self, from: Data(served.utf8)),
            capacityBefore: try decoder.decode([String: Int].self, from: Data(capacity.utf8)),
            reroutedOfferID: rerouted.map { LeadOfferID($0) }, leadCount: leadCount, offerCount: offerCount, unassignedCount: unassigned,
            decisions: decisions
        )
    }

    /// The partners a run would choose again from its record alone: its seed, starting position and
    /// capacities, and each lead's candidates with their standing exclusions (capacity is re-simulated).
    static func replay(_ run: DistributionRun) -> [TenantID?] {
        let served = Dictionary(uniqueKeysWithValues: run.servedBefore.compactMap { key, value in TenantID(key).map { ($0, value) } })
        let capacity = Dictionary(uniqueKeysWithValues: run.capacityBefore.compactMap { key, value in TenantID(key).map { ($0, value) } })
        var planner = DistributionPlanner(served: served, capacityLeft: capacity, seed: run.seed)
        return run.decisions.map { decision in
            var candidates = decision.candidates.map { candidate in
                var standing = candidate
                if standing.excludedBecause == .atCapacity { standing.excludedBecause = nil }
                return standing
            }
            return planner.choose(&candidates)
        }
    }
}

extension DistributionRules {
    /// One recorded run of the caller's, with its decisions.
    public func run(_ caller: Caller, id: DistributionRunID) async throws -> DistributionRun {
        try await database.withTenant(caller.principal) { connection in
            try await DistributionRunRecords.fetch(connection, id: id, logger: database.logger)
        }
    }

    /// Recomputes a recorded run's choices from its record, to check it against what was decided.
    public func replay(_ caller: Caller, run id: DistributionRunID) async throws -> [TenantID?] {
        DistributionRunRecords.replay(try await run(caller, id: id))
    }
}

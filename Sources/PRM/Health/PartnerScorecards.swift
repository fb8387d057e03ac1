import Foundation
import HubCore
import PostgresNIO

/// Everything a channel manager weighs a partner by, for one date range: how it answers shared leads, the
/// pipeline it brings, its part in joint promotions, whether it is still active, and how satisfied it says it is.
public struct PartnerScorecard: Sendable, Encodable {
    public var partnerTenantID: TenantID
    public var partnerName: String
    public var from: Date
    public var to: Date
    public var leads: SharingMetrics
    public var deals: DealMetrics
    public var promotions: PartnerPromotionMetrics
    public var activity: PartnerActivity
    public var satisfaction: NetPromoterScore
}

/// Builds partner scorecards from each area's own metrics, all computed in the database with exact decimals.
public struct PartnerScorecards: Sendable {
    let database: HubDatabase
    let offers: LeadOffers
    let pipeline: PipelineMetrics
    let promotions: Promotions
    let churn: PartnerChurn
    let surveys: Surveys

    public init(database: HubDatabase, offers: LeadOffers, pipeline: PipelineMetrics, promotions: Promotions, churn: PartnerChurn, surveys: Surveys) {
        self.database = database
        self.offers = offers
        self.pipeline = pipeline
        self.promotions = promotions
        self.churn = churn
        self.surveys = surveys
    }

    /// The caller's scorecard of `partner` over `[from, to)`. A tenant that never had a partnership with the
    /// caller is not found: a scorecard must not confirm that a company exists.
    public func scorecard(_ caller: Caller, partner: TenantID, from: Date, to: Date) async throws -> PartnerScorecard {
        try caller.principal.require(.channelManager, to: "reading partner scorecards")
        guard from < to else { throw HubError.invalid("to", "must be later than from") }
        let name = try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                """
                SELECT t.name FROM hub.tenants t
                 WHERE t.id = \(partner.uuid) AND t.id <> hub.current_tenant()
                   AND EXISTS (SELECT 1 FROM hub.partnerships p
                                WHERE (p.tenant_id = hub.current_tenant() AND p.partner_tenant_id = t.id)
                                   OR (p.partner_tenant_id = hub.current_tenant() AND p.tenant_id = t.id))
                """,
                logger: database.logger
            )
            return try await rows.decode(String.self).first { _ in true }
        }
        guard let name else { throw HubError.notFound("partner") }
        // Every part reads the same moment, so the figures add up with each other.
        return try await database.withSnapshot(caller.principal) {
            PartnerScorecard(
                partnerTenantID: partner, partnerName: name, from: from, to: to,
                leads: try await offers.partnerMetrics(caller, partner: partner, from: from, to: to),
                deals: try await pipeline.partnerMetrics(caller, partner: partner, from: from, to: to),
                promotions: try await promotions.partnerMetrics(caller, partner: partner, from: from, to: to),
                activity: try await churn.partnerActivity(caller, partner: partner, from: from, to: to),
                satisfaction: try await surveys.partnerNPS(caller, partner: partner, from: from, to: to)
            )
        }
    }
}

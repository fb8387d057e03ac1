import Foundation
import HubCore
import PostgresNIO

/// What one partner brought a vendor in a period: its registrations and the pipeline sourced by it.
public struct DealMetrics: Sendable, Encodable, Equatable {
    public var partnerTenantID: TenantID
    public var from: Date
    public var to: Date
    /// Registrations first submitted, or moved to approved, rejected or expired, in `[from, to)`.
    public var registrationsSubmitted: Int
    public var registrationsApproved: Int
    public var registrationsRejected: Int
    public var registrationsExpired: Int
    /// Open opportunities sourced by the partner, now: their amounts, per currency.
    public var openPipeline: [Money]
    /// The same, each amount times its stage's probability, rounded to the currency's minor units.
    public var weightedPipeline: [Money]
    /// Opportunities sourced by the partner and won in `[from, to)`, per currency.
    public var wonValue: [Money]
    public var opportunitiesWon: Int
    public var opportunitiesLost: Int
    /// won ÷ (won + lost) of those closed in `[from, to)`, four decimal places; `nil` when none closed.
    public var closeRate: String?
    /// Median days from creation to close of those won in `[from, to)`, two decimal places; `nil` when none.
    public var medianSalesCycleDays: String?
}

/// Deal metrics computed in the database with exact decimals, for the partner scorecard.
public struct PipelineMetrics: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// The caller's (vendor's) figures for `partner` over `[from, to)`.
    public func partnerMetrics(_ caller: Caller, partner: TenantID, from: Date, to: Date) async throws -> DealMetrics {
        guard from < to else { throw HubError.invalid("to", "must be later than from") }
        let logger = database.logger
        let codes = Array(Currency.minorUnits.keys)
        let digits = codes.map { Currency.minorUnits[$0]! }
        return try await database.withTenant(caller.principal) { connection in
            let registrations = try await connection.query(
                """
                SELECT count(DISTINCT registration_id) FILTER (WHERE to_status = 'submitted' AND from_status = 'draft'),
                       count(DISTINCT registration_id) FILTER (WHERE to_status = 'approved'),
                       count(DISTINCT registration_id) FILTER (WHERE to_status = 'rejected'),
                       count(DISTINCT registration_id) FILTER (WHERE to_status = 'expired')
                  FROM hub.deal_registration_changes
                 WHERE tenant_id = \(caller.tenantID.uuid) AND partner_tenant_id = \(partner.uuid)
                   AND at >= \(from) AND at < \(to)
                """,
                logger: logger
            ).decode((Int, Int, Int, Int).self).first { _ in true } ?? (0, 0, 0, 0)
            var open: [Money] = []
            var weighted: [Money] = []
            let pipeline = try await connection.query(
                """
                SELECT o.currency, round(sum(o.amount), u.digits)::text,
                       round(sum(o.amount * hub.stage_probability(o.stage)), u.digits)::text
                  FROM hub.opportunities o
                  JOIN unnest(\(codes)::text[], \(digits)::int[]) AS u(code, digits) ON u.code = o.currency
                 WHERE o.tenant_id = \(caller.tenantID.uuid) AND o.sourced_by_tenant_id = \(partner.uuid) AND o.outcome = 'open'
                 GROUP BY o.currency, u.digits ORDER BY o.currency
                """,
                logger: logger
            )
            for try await (currency, total, weightedTotal) in pipeline.decode((String, String, String).self) {
                open.append(Money(stored: total, currency: currency))
                weighted.append(Money(stored: weightedTotal, currency: currency))
            }
            var won: [Money] = []
            let wonRows = try await connection.query(
                """
                SELECT currency, sum(amount)::text FROM hub.opportunities
                 WHERE tenant_id = \(caller.tenantID.uuid) AND sourced_by_tenant_id = \(partner.uuid) AND outcome = 'won'
                   AND closed_at >= \(from) AND closed_at < \(to)
                 GROUP BY currency ORDER BY currency
                """,
                logger: logger
            )
            for try await (currency, total) in wonRows.decode((String, String).self) { won.append(Money(stored: total, currency: currency)) }
            let outcomes = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE outcome = 'won'), count(*) FILTER (WHERE outcome = 'lost'),
                       round(count(*) FILTER (WHERE outcome = 'won')::numeric / nullif(count(*), 0), 4)::text,
                       round((extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY closed_at - created_at)
                                               FILTER (WHERE outcome = 'won')) / 86400)::numeric, 2)::text
                  FROM hub.opportunities
                 WHERE tenant_id = \(caller.tenantID.uuid) AND sourced_by_tenant_id = \(partner.uuid) AND outcome <> 'open'
                   AND closed_at >= \(from) AND closed_at < \(to)
                """,
                logger: logger
            ).decode((Int, Int, String?, String?).self).first { _ in true } ?? (0, 0, nil, nil)
            return DealMetrics(
                partnerTenantID: partner, from: from, to: to, registrationsSubmitted: registrations.0, registrationsApproved: registrations.1,
                registrationsRejected: registrations.2, registrationsExpired: registrations.3, openPipeline: open, weightedPipeline: weighted,
                wonValue: won, opportunitiesWon: outcomes.0, opportunitiesLost: outcomes.1, closeRate: outcomes.2,
                medianSalesCycleDays: outcomes.3
            )
        }
    }
}

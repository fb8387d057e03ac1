import Foundation
import HubCore
import PostgresNIO

/// How a partner answered the leads a tenant offered it in a period: the lead part of a partner scorecard.
public struct SharingMetrics: Sendable, Encodable, Equatable {
    public var partnerTenantID: TenantID
    public var from: Date
    public var to: Date
    public var offered: Int
    public var accepted: Int
    public var declined: Int
    public var expired: Int
    public var withdrawn: Int
    /// accepted ÷ (accepted + declined + expired), 4 decimal places; `nil` when nothing was answered or expired.
    public var acceptanceRate: String?
    /// Median of (responded − offered) over accepted and declined offers, in seconds.
    public var medianResponseSeconds: Double?
    /// Accepted offers whose copy the partner reported converted.
    public var converted: Int
    /// converted ÷ accepted, 4 decimal places; `nil` when nothing was accepted.
    public var conversionRate: String?
}

extension LeadOffers {
    /// The caller's offers to `partner` with `offeredAt` in [from, to), counted and timed in SQL.
    public func partnerMetrics(_ caller: Caller, partner: TenantID, from: Date, to: Date) async throws -> SharingMetrics {
        guard from < to else { throw HubError.invalid("to", "must be later than from") }
        try await expireDue(caller)
        return try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                """
                WITH counted AS (
                    SELECT count(*)::int AS offered,
                           count(*) FILTER (WHERE status = 'accepted')::int AS accepted,
                           count(*) FILTER (WHERE status = 'declined')::int AS declined,
                           count(*) FILTER (WHERE status = 'expired')::int AS expired,
                           count(*) FILTER (WHERE status = 'withdrawn')::int AS withdrawn,
                           count(*) FILTER (WHERE status = 'accepted' AND feedback_status = 'converted')::int AS converted,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - offered_at)::float8)
                               FILTER (WHERE status IN ('accepted', 'declined')) AS median_response
                      FROM hub.lead_offers
                     WHERE tenant_id = \(caller.tenantID.uuid) AND to_tenant_id = \(partner.uuid)
                       AND offered_at >= \(from) AND offered_at < \(to)
                )
                SELECT offered, accepted, declined, expired, withdrawn, converted, median_response,
                       round(accepted::numeric / nullif(accepted + declined + expired, 0), 4)::text,
                       round(converted::numeric / nullif(accepted, 0), 4)::text
                  FROM counted
                """,
                logger: database.logger
            )
            for try await (offered, accepted, declined, expired, withdrawn, converted, median, acceptance, conversion) in rows.decode(
                (Int, Int, Int, Int, Int, Int, Double?, String?, String?).self
            ) {
                return SharingMetrics(
                    partnerTenantID: partner, from: from, to: to, offered: offered, accepted: accepted, declined: declined,
                    expired: expired, withdrawn: withdrawn, acceptanceRate: acceptance, medianResponseSeconds: median,
                    converted: converted, conversionRate: conversion
                )
            }
            throw HubError.notFound("metrics")
        }
    }
}

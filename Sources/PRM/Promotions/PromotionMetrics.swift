import Foundation
import HubCore
import PostgresNIO

/// A promotion's figures over `[from, to)`, computed by PostgreSQL in `numeric` and seen as the caller may
/// see them: its owner sees every contributor, participant and claim; a participant only its own share.
public struct PromotionMetrics: Sendable, Encodable, Equatable {
    public var promotionID: PromotionID
    public var from: Date
    public var to: Date
    public var currency: String
    /// Leads attributed (by code or tag) in the range.
    public var leadsAttributed: Int
    /// Sell-through referencing the promotion whose period starts in the range.
    public var sellThroughUnits: String
    public var sellThroughRevenue: Money
    /// Opportunities attributed to the promotion (by code, tag, or their lead's attribution) won in the range, and
    /// what they were won for in the promotion's currency. Wins in other currencies are listed apart, never converted.
    public var opportunitiesWon: Int
    public var wonRevenue: Money
    public var wonRevenueInOtherCurrencies: [Money]
    /// Sell-through revenue plus won revenue, in the promotion's currency.
    public var attributedRevenue: Money
    /// Committed: commitments and adjustments recorded before `to`. Spent: spend − refund in the range.
    public var contributors: [ContributorTotals]
    public var committed: Money
    public var spent: Money
    /// (attributed revenue − spent) ÷ spent, to 4 decimal places; `nil` when nothing was spent.
    public var roi: String?
    /// Claims submitted in the range, and what became of them.
    public var claimsSubmitted: Int
    public var claimsApproved: Int
    public var claimsPartiallyApproved: Int
    public var claimsRejected: Int
    public var claimedAmount: Money
    public var approvedAmount: Money
}

/// A partner's part in the caller's promotions over `[from, to)`. Amounts are per currency, because
/// promotions may run in different currencies and are never converted.
public struct PartnerPromotionMetrics: Sendable, Encodable, Equatable {
    public var partnerTenantID: TenantID
    public var from: Date
    public var to: Date
    /// Promotions of the caller the partner joined (accepted) in the range.
    public var promotionsJoined: Int
    /// The partner's commitments recorded before `to`, and its net spend in the range.
    public var committed: [Money]
    public var spent: [Money]
    public var claimsSubmitted: Int
    public var claimsApproved: Int
    public var claimsRejected: Int
    public var claimedAmount: [Money]
    public var approvedAmount: [Money]
    /// Sell-through the partner reported to the caller, by period start in the range.
    public var sellThroughFacts: Int
    public var sellThroughRevenue: [Money]
    /// The partner's opportunities attributed to the caller's promotions and won in the range.
    public var opportunitiesWon: Int
    public var wonRevenue: [Money]
}

extension Promotions {
    /// The promotion's leads, sell-through, budget, ROI and claims over `[from, to)`.
    public func promotionMetrics(_ caller: Caller, promotion id: PromotionID, from: Date, to: Date) async throws -> PromotionMetrics {
        guard from < to else { throw HubError.invalid("to", "must be later than from") }
        return try await database.withTenant(caller.principal) { connection in
            let promotion = try await fetch(connection, caller, id: id)
            let owner = promotion.ownerTenantID.uuid
            let leads = try await connection.query(
                """
                SELECT count(*) FROM hub.promotion_attributions
                 WHERE promotion_owner_tenant_id = \(owner) AND promotion_id = \(id.uuid) AND object_type = 'lead'
                   AND at >= \(from) AND at < \(to)
                """,
                logger: database.logger
            ).decode(Int.self).collect()[0]
            let (units, factRevenue, won, wonRevenue, revenue, committed, spent, roi) = try await connection.query(
                """
                WITH facts AS (
                    SELECT coalesce(sum(quantity), 0) AS units, coalesce(sum(amount), 0) AS revenue FROM hub.sell_through_facts
                     WHERE tenant_id = \(owner) AND promotion_id = \(id.uuid) AND currency = \(promotion.currency)
                       AND period_start >= (\(from)::timestamptz AT TIME ZONE 'UTC')::date
                       AND period_start < (\(to)::timestamptz AT TIME ZONE 'UTC')::date
                ), wins AS (
                    SELECT count(*) AS won, coalesce(sum(won_amount) FILTER (WHERE won_currency = \(promotion.currency)), 0) AS revenue
                      FROM hub.promotion_attributions
                     WHERE promotion_owner_tenant_id = \(owner) AND promotion_id = \(id.uuid) AND object_type = 'opportunity'
                       AND won_at >= \(from) AND won_at < \(to)
                ), budget AS (
                    SELECT coalesce(sum(amount) FILTER (WHERE kind IN ('commit', 'adjust') AND at < \(to)), 0) AS committed,
                           coalesce(sum(amount) FILTER (WHERE kind = 'spend' AND at >= \(from) AND at < \(to)), 0)
                         - coalesce(sum(amount) FILTER (WHERE kind = 'refund' AND at >= \(from) AND at < \(to)), 0) AS spent
                      FROM hub.promotion_contributions WHERE promotion_owner_tenant_id = \(owner) AND promotion_id = \(id.uuid)
                )
                SELECT facts.units::text, facts.revenue::text, wins.won, wins.revenue::text, (facts.revenue + wins.revenue)::text,
                       budget.committed::text, budget.spent::text,
                       round((facts.revenue + wins.revenue - budget.spent) / nullif(budget.spent, 0), 4)::text
                  FROM facts, wins, budget
                """,
                logger: database.logger
            ).decode((String, String, Int, String, String, String, String, String?).self).collect()[0]
            let otherCurrencyWins = try await connection.query(
                """
                SELECT won_currency, sum(won_amount)::text FROM hub.promotion_attributions
                 WHERE promotion_owner_tenant_id = \(owner) AND promotion_id = \(id.uuid) AND object_type = 'opportunity'
                   AND won_at >= \(from) AND won_at < \(to) AND won_currency <> \(promotion.currency)
                 GROUP BY won_currency ORDER BY won_currency
                """,
                logger: database.logger
            ).decode((String, String).self).collect().map { Money.stored($0.1, $0.0) }
            let contributors = try await connection.query(
                """
                SELECT tenant_id,
                       coalesce(sum(amount) FILTER (WHERE kind IN ('commit', 'adjust') AND at < \(to)), 0)::text,
                       (coalesce(sum(amount) FILTER (WHERE kind = 'spend' AND at >= \(from) AND at < \(to)), 0)
                        - coalesce(sum(amount) FILTER (WHERE kind = 'refund' AND at >= \(from) AND at < \(to)), 0))::text
                  FROM hub.promotion_contributions WHERE promotion_owner_tenant_id = \(owner) AND promotion_id = \(id.uuid)
                 GROUP BY tenant_id ORDER BY tenant_id
                """,
                logger: database.logger
            ).decode((UUID, String, String).self).collect().map {
                ContributorTotals(
                    contributorTenantID: TenantID($0.0), committed: Money.signed($0.1, promotion.currency), spent: Money.signed($0.2, promotion.currency)
                )
            }
            let claims = try await connection.query(
                """
                SELECT count(*), count(*) FILTER (WHERE status = 'approved'), count(*) FILTER (WHERE status = 'partially_approved'),
                       count(*) FILTER (WHERE status = 'rejected'), coalesce(sum(claimed_amount), 0)::text,
                       coalesce(sum(approved_amount), 0)::text
                  FROM hub.claims
                 WHERE tenant_id = \(owner) AND promotion_id = \(id.uuid) AND submitted_at >= \(from) AND submitted_at < \(to)
                """,
                logger: database.logger
            ).decode((Int, Int, Int, Int, String, String).self).collect()[0]
            return PromotionMetrics(
                promotionID: id, from: from, to: to, currency: promotion.currency, leadsAttributed: leads,
                sellThroughUnits: DecimalText.trimmed(units), sellThroughRevenue: Money.stored(factRevenue, promotion.currency),
                opportunitiesWon: won, wonRevenue: Money.stored(wonRevenue, promotion.currency), wonRevenueInOtherCurrencies: otherCurrencyWins,
                attributedRevenue: Money.stored(revenue, promotion.currency),
                contributors: contributors, committed: Money.signed(committed, promotion.currency), spent: Money.signed(spent, promotion.currency),
                roi: roi, claimsSubmitted: claims.0, claimsApproved: claims.1, claimsPartiallyApproved: claims.2, claimsRejected: claims.3,
                claimedAmount: Money.stored(claims.4, promotion.currency), approvedAmount: Money.stored(claims.5, promotion.currency)
            )
        }
    }

    /// A partner's promotions joined, contributions, claims and reported sell-through with the caller over `[from, to)`.
    public func partnerMetrics(_ caller: Caller, partner: TenantID, from: Date, to: Date) async throws -> PartnerPromotionMetrics {
        guard from < to else { throw HubError.invalid("to", "must be later than from") }
        return try await database.withTenant(caller.principal) { connection in
            let me = caller.tenantID.uuid
            let partnered = try await connection.query(
                """
                SELECT count(*) FROM hub.partnerships
                 WHERE (tenant_id = \(me) AND partner_tenant_id = \(partner.uuid)) OR (tenant_id = \(partner.uuid) AND partner_tenant_id = \(me))
                """,
                logger: database.logger
            ).decode(Int.self).collect()[0]
            guard partnered > 0 else { throw HubError.notFound("partner") }
            let joined = try await connection.query(
                """
                SELECT count(*) FROM hub.promotion_participants
                 WHERE tenant_id = \(me) AND participant_tenant_id = \(partner.uuid) AND status = 'accepted'
                   AND responded_at >= \(from) AND responded_at < \(to)
                """,
                logger: database.logger
            ).decode(Int.self).collect()[0]
            let budget = try await connection.query(
                """
                SELECT currency,
                       coalesce(sum(amount) FILTER (WHERE kind IN ('commit', 'adjust') AND at < \(to)), 0)::text,
                       (coalesce(sum(amount) FILTER (WHERE kind = 'spend' AND at >= \(from) AND at < \(to)), 0)
                        - coalesce(sum(amount) FILTER (WHERE kind = 'refund' AND at >= \(from) AND at < \(to)), 0))::text
                  FROM hub.promotion_contributions
                 WHERE promotion_owner_tenant_id = \(me) AND tenant_id = \(partner.uuid)
                 GROUP BY currency ORDER BY currency
                """,
                logger: database.logger
            ).decode((String, String, String).self).collect()
            let claims = try await connection.query(
                """
                SELECT currency, count(*)::integer, (count(*) FILTER (WHERE status IN ('approved', 'partially_approved')))::integer,
                       (count(*) FILTER (WHERE status = 'rejected'))::integer, sum(claimed_amount)::text, coalesce(sum(approved_amount), 0)::text
                  FROM hub.claims
                 WHERE tenant_id = \(me) AND claimant_tenant_id = \(partner.uuid) AND submitted_at >= \(from) AND submitted_at < \(to)
                 GROUP BY currency ORDER BY currency
                """,
                logger: database.logger
            ).decode((String, Int, Int, Int, String, String).self).collect()
            let facts = try await connection.query(
                """
                SELECT currency, count(*)::integer, sum(amount)::text FROM hub.sell_through_facts
                 WHERE tenant_id = \(me) AND reporter_tenant_id = \(partner.uuid)
                   AND period_start >= (\(from)::timestamptz AT TIME ZONE 'UTC')::date
                   AND period_start < (\(to)::timestamptz AT TIME ZONE 'UTC')::date
                 GROUP BY currency ORDER BY currency
                """,
                logger: database.logger
            ).decode((String, Int, String).self).collect()
            let wins = try await connection.query(
                """
                SELECT won_currency, count(*)::integer, sum(won_amount)::text FROM hub.promotion_attributions
                 WHERE promotion_owner_tenant_id = \(me) AND tenant_id = \(partner.uuid) AND object_type = 'opportunity'
                   AND won_at >= \(from) AND won_at < \(to)
                 GROUP BY won_currency ORDER BY won_currency
                """,
                logger: database.logger
            ).decode((String, Int, String).self).collect()
            return PartnerPromotionMetrics(
                partnerTenantID: partner, from: from, to: to, promotionsJoined: joined,
                committed: budget.map { Money.signed($0.1, $0.0) }, spent: budget.map { Money.signed($0.2, $0.0) },
                claimsSubmitted: claims.reduce(0) { $0 + $1.1 }, claimsApproved: claims.reduce(0) { $0 + $1.2 },
                claimsRejected: claims.reduce(0) { $0 + $1.3 }, claimedAmount: claims.map { Money.stored($0.4, $0.0) },
                approvedAmount: claims.map { Money.stored($0.5, $0.0) }, sellThroughFacts: facts.reduce(0) { $0 + $1.1 },
                sellThroughRevenue: facts.map { Money.stored($0.2, $0.0) }, opportunitiesWon: wins.reduce(0) { $0 + $1.1 },
                wonRevenue: wins.map { Money.stored($0.2, $0.0) }
            )
        }
    }
}

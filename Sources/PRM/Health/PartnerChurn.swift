import Foundation
import HubCore
import Logging
import PostgresNIO

/// The length of each period of a churn report.
public enum ChurnInterval: String, Sendable, Codable, CaseIterable {
    case week, month
}

/// One period of a churn report.
public struct ChurnPeriod: Sendable, Encodable, Equatable {
    public var from: Date
    public var to: Date
    /// Partners with an active partnership when the period began.
    public var partnersAtStart: Int
    /// Those of them with no activity in the period, by name.
    public var inactivePartners: [PartnerCompany]
    /// inactive ÷ partners at start, four places (`"0.3333"`); `nil` when there were no partners.
    public var churnRate: String?
}

/// Churn over consecutive periods.
public struct ChurnReport: Sendable, Encodable, Equatable {
    public var interval: ChurnInterval
    public var periods: [ChurnPeriod]
}

/// What one partner did, as the calling company saw it, in a date range.
public struct PartnerActivity: Sendable, Encodable, Equatable {
    public var partner: TenantID
    public var lastActivityAt: Date?
    public var eventCount: Int
}

/// Partner churn: who stopped working with the calling company.
///
/// A partner is active in a period when it acted on something the two companies share: every such
/// action is recorded as an event `alsoFor` the other side, with the partner as its actor, so the
/// caller's own event stream shows it. What a partner does only inside its own company is its own
/// business and is not counted (it would show the vendor another tenant's internal activity).
public struct PartnerChurn: Sendable {
    public static let maximumPeriods = 260
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Periods of one `interval` from `from` until `to` (the last one cut at `to`), each with the
    /// partners active at its start, those inactive during it, and the churn rate.
    public func report(_ caller: Caller, from: Date, to: Date, interval: ChurnInterval) async throws -> ChurnReport {
        try caller.principal.require(.channelManager, to: "reading partner health")
        let bounds = try Self.periods(from: from, to: to, interval: interval)
        let starts = bounds.map(\.0), ends = bounds.map(\.1)
        let rows = try await database.withTenant(caller.principal) { connection in
            try await connection.query(
                """
                WITH periods AS (
                    SELECT * FROM unnest(\(starts)::timestamptz[], \(ends)::timestamptz[]) WITH ORDINALITY AS p (starts_at, ends_at, n)
                ), sides AS (
                    SELECT p.id, CASE WHEN p.tenant_id = hub.current_tenant() THEN p.partner_tenant_id ELSE p.tenant_id END AS partner
                      FROM hub.partnerships p
                ), at_start AS (
                    SELECT DISTINCT pe.n, s.partner
                      FROM periods pe CROSS JOIN sides s
                     WHERE (SELECT e.to_status FROM hub.partnership_events e
                             WHERE e.partnership_id = s.id AND e.at <= pe.starts_at
                             ORDER BY e.seq DESC LIMIT 1) = 'active'
                )
                SELECT a.n::int, a.partner, coalesce(t.name, ''),
                       EXISTS (SELECT 1 FROM hub.events ev
                                WHERE ev.tenant_id = hub.current_tenant() AND ev.actor_tenant_id = a.partner
                                  AND ev.at >= pe.starts_at AND ev.at < pe.ends_at)
                  FROM at_start a
                  JOIN periods pe ON pe.n = a.n
                  LEFT JOIN hub.tenants t ON t.id = a.partner
                 ORDER BY a.n, t.name, a.partner
                """,
                logger: database.logger
            ).decode((Int, UUID, String, Bool).self).collect()
        }
        var periods = bounds.map { ChurnPeriod(from: $0.0, to: $0.1, partnersAtStart: 0, inactivePartners: [], churnRate: nil) }
        for (n, partner, name, active) in rows {
            periods[n - 1].partnersAtStart += 1
            if !active { periods[n - 1].inactivePartners.append(PartnerCompany(id: TenantID(partner), name: name)) }
        }
        for index in periods.indices {
            periods[index].churnRate = Self.rate(periods[index].inactivePartners.count, of: periods[index].partnersAtStart)
        }
        return ChurnReport(interval: interval, periods: periods)
    }

    /// When `partner` last acted on what it shares with the caller in `[from, to)`, and how often: for its scorecard.
    public func partnerActivity(_ caller: Caller, partner: TenantID, from: Date, to: Date) async throws -> PartnerActivity {
        try caller.principal.require(.channelManager, to: "reading partner health")
        guard from < to else { throw HubError.invalid("to", "must be later than from") }
        return try await database.withTenant(caller.principal) { connection in
            let partners = try await connection.query(
                """
                SELECT count(*) FROM hub.partnerships
                 WHERE (tenant_id = hub.current_tenant() AND partner_tenant_id = \(partner.uuid))
                    OR (partner_tenant_id = hub.current_tenant() AND tenant_id = \(partner.uuid))
                """,
                logger: database.logger
            ).decode(Int.self).first { _ in true }
            guard (partners ?? 0) > 0 else { throw HubError.notFound("partner") }
            let rows = try await connection.query(
                """
                SELECT max(at), count(*)::int FROM hub.events
                 WHERE tenant_id = hub.current_tenant() AND actor_tenant_id = \(partner.uuid) AND at >= \(from) AND at < \(to)
                """,
                logger: database.logger
            )
            let (last, count) = try await rows.decode((Date?, Int).self).first { _ in true } ?? (nil, 0)
            return PartnerActivity(partner: partner, lastActivityAt: last, eventCount: count)
        }
    }

    /// `[start, end)` pairs stepping by calendar weeks or months (UTC) from `from`, the last cut at `to`.
    static func periods(from: Date, to: Date, interval: ChurnInterval) throws(HubError) -> [(Date, Date)] {
        guard from < to else { throw .invalid("to", "must be later than from") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var periods: [(Date, Date)] = []
        var start = from
        while start < to {
            guard periods.count < maximumPeriods else {
                throw .invalid("to", "the range covers more than \(maximumPeriods) periods; choose a shorter range or a longer interval")
            }
            let step = periods.count + 1
            let next = interval == .week
                ? calendar.date(byAdding: .day, value: 7 * step, to: from)!
                : calendar.date(byAdding: .month, value: step, to: from)!
            periods.append((start, min(next, to)))
            start = next
        }
        return periods
    }

    /// `part ÷ whole` rounded half up to four places, in integer arithmetic; `nil` for an empty whole.
    static func rate(_ part: Int, of whole: Int) -> String? {
        guard whole > 0 else { return nil }
        let tenThousandths = (20_000 * part + whole) / (2 * whole)
        let fraction = String(tenThousandths % 10_000)
        return "\(tenThousandths / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}

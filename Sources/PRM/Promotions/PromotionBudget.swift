import Foundation
import HubCore
import PostgresNIO

/// What a ledger entry records.
public enum ContributionKind: String, Sendable, Codable, CaseIterable {
    /// Money promised to the promotion's budget.
    case commit
    /// A correction of the commitment, positive or negative.
    case adjust
    /// Money spent from the commitment.
    case spend
    /// Spending given back.
    case refund
}

/// One entry of a contributor's budget ledger. Entries are never changed or removed.
public struct Contribution: Sendable, Encodable, Equatable {
    public var id: UUID
    public var contributorTenantID: TenantID
    public var kind: ContributionKind
    /// Negative only for an adjustment that lowers the commitment.
    public var amount: Money
    public var note: String?
    public var at: Date
}

/// A contributor's totals: committed = commit + adjust; spent = spend − refund.
public struct ContributorTotals: Sendable, Encodable, Equatable {
    public var contributorTenantID: TenantID
    public var committed: Money
    public var spent: Money
}

/// A promotion's budget as the caller may see it: the owner sees every contributor, a participant its own.
public struct PromotionBudget: Sendable, Encodable, Equatable {
    public var entries: [Contribution]
    public var contributors: [ContributorTotals]
    public var committed: Money
    public var spent: Money
}

extension Promotions {
    /// Appends an entry to the caller's own ledger for the promotion: its owner's, or a joined participant's.
    /// `amount` is a decimal string; only an adjustment may be negative. Neither the commitment nor the
    /// net spend may fall below zero.
    public func contribute(_ caller: Caller, id: PromotionID, kind: ContributionKind, amount rawAmount: String, currency: String, note: String?)
        async throws -> PromotionBudget
    {
        try caller.principal.require(.channelManager, to: "recording a promotion budget entry")
        let negative = kind == .adjust && rawAmount.hasPrefix("-")
        let money = try Money(amount: negative ? String(rawAmount.dropFirst()) : rawAmount, currency: currency, field: "/amount")
        if let note, note.count > 2000 { throw HubError.invalid("/note", "must be at most 2000 characters") }
        return try await database.withTenant(caller.principal) { connection in
            let promotion = try await fetch(connection, caller, id: id)
            if promotion.role == .participant {
                let joined = try await connection.query(
                    "SELECT hub.takes_part_in(\(promotion.ownerTenantID.uuid), \(id.uuid), true)", logger: database.logger
                ).decode(Bool.self).collect().first ?? false
                guard joined else { throw HubError.conflict("join the promotion before recording budget entries") }
            }
            guard promotion.status != .cancelled else { throw HubError.conflict("the promotion is cancelled") }
            guard money.currency == promotion.currency else {
                throw HubError.invalid("/amount/currency", "the promotion's budget is in \(promotion.currency)")
            }
            let signed = negative ? "-" + money.amount : money.amount
            try await connection.query(
                """
                INSERT INTO hub.promotion_contributions (tenant_id, id, promotion_owner_tenant_id, promotion_id, kind, amount, currency, note, by_user_id)
                VALUES (\(caller.tenantID.uuid), \(UUID()), \(promotion.ownerTenantID.uuid), \(id.uuid), \(kind.rawValue)::hub.contribution_kind,
                        \(signed)::numeric, \(money.currency), \(note), \(caller.principal.userID?.uuid))
                """,
                logger: database.logger
            )
            let totals = try await contributorTotals(connection, promotion: promotion).first { $0.contributorTenantID == caller.tenantID }
            if let totals, totals.committed.amount.hasPrefix("-") || totals.spent.amount.hasPrefix("-") {
                throw HubError.invalid("/amount", "this entry would take the commitment or the net spend below zero")
            }
            try await Events.record(
                connection, caller, "promotion.budget_recorded", subject: EventSubject("promotion", id.uuid),
                data: ["kind": kind.rawValue, "amount": signed, "currency": money.currency, "contributor": caller.tenantID.description],
                alsoFor: promotion.role == .participant ? [promotion.ownerTenantID] : [],
                audit: AuditRecord(
                    action: "promotion.contribution", targetType: "promotion", targetID: id.description,
                    details: ["kind": kind.rawValue, "amount": signed, "currency": money.currency]
                ),
                logger: database.logger
            )
            return try await budget(connection, promotion: promotion)
        }
    }

    /// The promotion's ledger and totals, as far as the caller may see them.
    public func budget(_ caller: Caller, id: PromotionID) async throws -> PromotionBudget {
        try await database.withTenant(caller.principal) { connection in
            try await budget(connection, promotion: try await fetch(connection, caller, id: id))
        }
    }

    private func budget(_ connection: PostgresConnection, promotion: Promotion) async throws -> PromotionBudget {
        let rows = try await connection.query(
            """
            SELECT id, tenant_id, kind::text, amount::text, note, at FROM hub.promotion_contributions
             WHERE promotion_owner_tenant_id = \(promotion.ownerTenantID.uuid) AND promotion_id = \(promotion.id.uuid)
             ORDER BY at, id
            """,
            logger: database.logger
        )
        var entries: [Contribution] = []
        for try await (id, tenant, kind, amount, note, at) in rows.decode((UUID, UUID, String, String, String?, Date).self) {
            entries.append(
                Contribution(
                    id: id, contributorTenantID: TenantID(tenant), kind: ContributionKind(rawValue: kind) ?? .adjust,
                    amount: Money.signed(amount, promotion.currency), note: note, at: at
                )
            )
        }
        let contributors = try await contributorTotals(connection, promotion: promotion)
        let overall = try await connection.query(
            """
            SELECT coalesce(sum(amount) FILTER (WHERE kind IN ('commit', 'adjust')), 0)::text,
                   (coalesce(sum(amount) FILTER (WHERE kind = 'spend'), 0) - coalesce(sum(amount) FILTER (WHERE kind = 'refund'), 0))::text
              FROM hub.promotion_contributions
             WHERE promotion_owner_tenant_id = \(promotion.ownerTenantID.uuid) AND promotion_id = \(promotion.id.uuid)
            """,
            logger: database.logger
        ).decode((String, String).self).collect().first ?? ("0", "0")
        return PromotionBudget(
            entries: entries, contributors: contributors, committed: Money.signed(overall.0, promotion.currency),
            spent: Money.signed(overall.1, promotion.currency)
        )
    }

    func contributorTotals(_ connection: PostgresConnection, promotion: Promotion) async throws -> [ContributorTotals] {
        let rows = try await connection.query(
            """
            SELECT tenant_id,
                   coalesce(sum(amount) FILTER (WHERE kind IN ('commit', 'adjust')), 0)::text,
                   (coalesce(sum(amount) FILTER (WHERE kind = 'spend'), 0) - coalesce(sum(amount) FILTER (WHERE kind = 'refund'), 0))::text
              FROM hub.promotion_contributions
             WHERE promotion_owner_tenant_id = \(promotion.ownerTenantID.uuid) AND promotion_id = \(promotion.id.uuid)
             GROUP BY tenant_id ORDER BY tenant_id
            """,
            logger: database.logger
        )
        var totals: [ContributorTotals] = []
        for try await (tenant, committed, spent) in rows.decode((UUID, String, String).self) {
            totals.append(
                ContributorTotals(
                    contributorTenantID: TenantID(tenant), committed: Money.signed(committed, promotion.currency),
                    spent: Money.signed(spent, promotion.currency)
                )
            )
        }
        return totals
    }
}

extension Money {
    /// A stored amount that may be negative (a ledger balance or an adjustment), in the currency's minor units.
    static func signed(_ stored: String, _ currency: String) -> Money {
        guard stored.hasPrefix("-") else { return Money(stored: stored, currency: currency) }
        var money = Money(stored: String(stored.dropFirst()), currency: currency)
        if money.amount.contains(where: { $0 != "0" && $0 != "." }) { money.amount = "-" + money.amount }
        return money
    }
}

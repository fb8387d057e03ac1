import Foundation
import HubCore
import PostgresNIO

/// Which side of sell-through a list shows.
public enum SellThroughRole: String, Sendable, CaseIterable {
    /// Facts reported to the caller.
    case vendor
    /// Facts the caller reported.
    case reporter
}

/// Sell-through facts: reported by a partner to a vendor it has an active partnership with, read by both.
/// The EDI exchange will store 867 documents through `report` too.
public struct SellThrough: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Stores a fact, or returns the one stored earlier under the same idempotency key.
    public func report(_ caller: Caller, _ draft: SellThroughDraft) async throws -> ReportedSellThrough {
        let draft = try draft.validated()
        return try await database.withTenant(caller.principal) { connection in
            if let existing = try await find(connection, caller, key: draft.idempotencyKey) {
                return ReportedSellThrough(fact: existing, created: false)
            }
            let active = try await connection.query(
                """
                SELECT count(*) FROM hub.partnerships
                 WHERE status = 'active'
                   AND ((tenant_id = \(caller.tenantID.uuid) AND partner_tenant_id = \(draft.vendorTenantID.uuid))
                        OR (tenant_id = \(draft.vendorTenantID.uuid) AND partner_tenant_id = \(caller.tenantID.uuid)))
                """,
                logger: database.logger
            ).decode(Int.self).collect().first ?? 0
            guard active > 0 else { throw HubError.invalid("/vendorTenantID", "your company has no active partnership with this company") }
            if let promotion = draft.promotionID {
                let currency = try await connection.query(
                    """
                    SELECT currency FROM hub.promotions
                     WHERE id = \(promotion.uuid) AND tenant_id = \(draft.vendorTenantID.uuid) AND hub.takes_part_in(tenant_id, id, true)
                    """,
                    logger: database.logger
                ).decode(String.self).collect().first
                guard let currency else { throw HubError.invalid("/promotionID", "is not a promotion of this vendor that your company has joined") }
                guard currency == draft.amount.currency else { throw HubError.invalid("/amount/currency", "the promotion is in \(currency)") }
            }
            let id = SellThroughFactID()
            let inserted = try await connection.query(
                """
                INSERT INTO hub.sell_through_facts (tenant_id, id, reporter_tenant_id, period_start, period_end, product, quantity, amount,
                                                    currency, promotion_id, source, source_ref, idempotency_key)
                VALUES (\(draft.vendorTenantID.uuid), \(id.uuid), \(caller.tenantID.uuid), \(draft.periodStart.text)::date,
                        \(draft.periodEnd.text)::date, \(draft.product), \(draft.quantity)::numeric, \(draft.amount.amount)::numeric,
                        \(draft.amount.currency), \(draft.promotionID?.uuid), \(draft.source.rawValue), \(draft.sourceRef), \(draft.idempotencyKey))
                ON CONFLICT (reporter_tenant_id, idempotency_key) DO NOTHING
                RETURNING id
                """,
                logger: database.logger
            ).decode(UUID.self).collect()
            guard inserted.count == 1 else {
                // A concurrent request with the same key won.
                return ReportedSellThrough(fact: try await find(connection, caller, key: draft.idempotencyKey)!, created: false)
            }
            let data = [
                "product": draft.product, "quantity": draft.quantity, "amount": draft.amount.amount, "currency": draft.amount.currency,
                "promotion": draft.promotionID?.description ?? "",
            ]
            try await Events.record(
                connection, caller, "sell_through.reported", subject: EventSubject("sell_through_fact", id.uuid), data: data,
                alsoFor: [draft.vendorTenantID],
                audit: AuditRecord(action: "sell_through.report", targetType: "sell_through_fact", targetID: id.description, details: data),
                logger: database.logger
            )
            return ReportedSellThrough(fact: try await fetch(connection, id: id), created: true)
        }
    }

    /// Facts reported to or by the caller, newest first.
    public func list(_ caller: Caller, role: SellThroughRole?, promotion: PromotionID?, page: PageRequest) async throws -> Page<SellThroughFact> {
        let afterID = try page.afterUUID()
        let facts = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM hub.sell_through_facts f
                     WHERE (\(role?.rawValue)::text IS NULL
                            OR (\(role?.rawValue) = 'vendor' AND f.tenant_id = \(caller.tenantID.uuid))
                            OR (\(role?.rawValue) = 'reporter' AND f.reporter_tenant_id = \(caller.tenantID.uuid)))
                       AND (\(promotion?.uuid)::uuid IS NULL OR f.promotion_id = \(promotion?.uuid))
                       AND (\(afterID)::uuid IS NULL
                            OR (f.created_at, f.id) < (SELECT created_at, id FROM hub.sell_through_facts WHERE id = \(afterID)))
                     ORDER BY f.created_at DESC, f.id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                )
            )
        }
        return Page(fetched: facts, limit: page.limit) { [$0.id.description] }
    }

    private func find(_ connection: PostgresConnection, _ caller: Caller, key: String) async throws -> SellThroughFact? {
        try await Self.decode(
            connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM hub.sell_through_facts f
                 WHERE f.reporter_tenant_id = \(caller.tenantID.uuid) AND f.idempotency_key = \(key)
                """,
                logger: database.logger
            )
        ).first
    }

    private func fetch(_ connection: PostgresConnection, id: SellThroughFactID) async throws -> SellThroughFact {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM hub.sell_through_facts f WHERE f.id = \(id.uuid)", logger: database.logger
        )
        guard let fact = try await Self.decode(rows).first else { throw HubError.notFound("sell-through fact") }
        return fact
    }

    static let columns = """
        f.id, f.tenant_id, f.reporter_tenant_id, f.period_start::text, f.period_end::text, f.product, f.quantity::text, f.amount::text,
        f.currency, f.promotion_id, f.source, f.source_ref, f.idempotency_key, f.created_at
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [SellThroughFact] {
        var facts: [SellThroughFact] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            facts.append(
                SellThroughFact(
                    id: SellThroughFactID(try columns[0].decode(UUID.self)), vendorTenantID: TenantID(try columns[1].decode(UUID.self)),
                    reporterTenantID: TenantID(try columns[2].decode(UUID.self)), periodStart: Day(try columns[3].decode(String.self))!,
                    periodEnd: Day(try columns[4].decode(String.self))!, product: try columns[5].decode(String.self),
                    quantity: DecimalText.trimmed(try columns[6].decode(String.self)),
                    amount: Money.stored(try columns[7].decode(String.self), try columns[8].decode(String.self)),
                    promotionID: try columns[9].decode(UUID?.self).map { PromotionID($0) },
                    source: SellThroughSource(rawValue: try columns[10].decode(String.self)) ?? .api,
                    sourceRef: try columns[11].decode(String?.self), idempotencyKey: try columns[12].decode(String.self),
                    createdAt: try columns[13].decode(Date.self)
                )
            )
        }
        return facts
    }
}

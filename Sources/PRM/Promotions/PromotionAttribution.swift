import Foundation
import HubCore
import Logging
import PostgresNIO

/// How an object came to count for a promotion.
public enum AttributionMethod: String, Sendable, Codable, CaseIterable {
    /// A promo code was quoted.
    case code
    /// Someone tagged it explicitly.
    case tag
}

/// Attributing a tenant's own objects (leads) to a promotion it runs or has joined. Sell-through facts
/// carry their promotion themselves. Single touch: an object counts for one promotion.
enum PromotionAttribution {
    struct Target {
        var promotionID: PromotionID
        var ownerTenantID: TenantID
        var method: AttributionMethod
        var codeID: UUID?
    }

    /// The promotion behind a code the caller may use today, counting the use; an unknown, expired or
    /// used-up code is invalid input at `field`.
    static func byCode(_ connection: PostgresConnection, _ caller: Caller, code raw: String, field: String, logger: Logger) async throws -> Target {
        let code = PromoCodeDraft.normalize(raw)
        let today = Day(utc: Date())
        // Codes are unique per issuer; if two issuers the caller works with use the same text, its own comes first.
        let rows = try await connection.query(
            """
            SELECT c.tenant_id, c.id, c.promotion_id FROM hub.promo_codes c
              JOIN hub.promotions p ON p.tenant_id = c.tenant_id AND p.id = c.promotion_id
             WHERE c.code = \(code) AND \(today.text)::date BETWEEN c.valid_from AND c.valid_to
               AND (c.max_uses IS NULL OR c.uses < c.max_uses) AND p.status <> 'cancelled'
             ORDER BY (c.tenant_id = \(caller.tenantID.uuid)) DESC, c.created_at
             LIMIT 1 FOR UPDATE OF c
            """,
            logger: logger
        )
        guard let (owner, codeID, promotion) = try await rows.decode((UUID, UUID, UUID).self).collect().first else {
            throw HubError.invalid(field, "is not a promo code you can use today: unknown, expired or used up")
        }
        try await connection.query(
            "UPDATE hub.promo_codes SET uses = uses + 1 WHERE tenant_id = \(owner) AND id = \(codeID)", logger: logger
        )
        return Target(promotionID: PromotionID(promotion), ownerTenantID: TenantID(owner), method: .code, codeID: codeID)
    }

    /// A promotion the caller runs or has joined, named explicitly; any other id is invalid input at `field`.
    static func byTag(_ connection: PostgresConnection, _ caller: Caller, promotion: PromotionID, field: String, logger: Logger) async throws -> Target {
        let rows = try await connection.query(
            """
            SELECT p.tenant_id FROM hub.promotions p
             WHERE p.id = \(promotion.uuid) AND p.status <> 'cancelled'
               AND (p.tenant_id = \(caller.tenantID.uuid) OR hub.takes_part_in(p.tenant_id, p.id, true))
            """,
            logger: logger
        )
        guard let owner = try await rows.decode(UUID.self).collect().first else {
            throw HubError.invalid(field, "is not a promotion your company runs or has joined")
        }
        return Target(promotionID: promotion, ownerTenantID: TenantID(owner), method: .tag, codeID: nil)
    }

    /// The promotion a new object is attributed to: by its promo code (which must then belong to the promotion
    /// named, if one is), else by the promotion named, else none.
    static func target(
        _ connection: PostgresConnection, _ caller: Caller, code: String?, promotion named: PromotionID?, logger: Logger
    ) async throws -> Target? {
        if let code {
            let target = try await byCode(connection, caller, code: code, field: "/promoCode", logger: logger)
            if let named, named != target.promotionID {
                throw HubError.invalid("/promotionID", "the promo code belongs to another promotion")
            }
            return target
        }
        guard let named else { return nil }
        return try await byTag(connection, caller, promotion: named, field: "/promotionID", logger: logger)
    }

    /// How the caller's `objectType` object was attributed, to pass on to what it becomes (a converted lead's
    /// opportunity counts for the lead's promotion, the same way).
    static func of(_ connection: PostgresConnection, objectType: String, objectID: UUID, logger: Logger) async throws -> Target? {
        let rows = try await connection.query(
            """
            SELECT promotion_id, promotion_owner_tenant_id, method, promo_code_id FROM hub.promotion_attributions
             WHERE tenant_id = hub.current_tenant() AND object_type = \(objectType) AND object_id = \(objectID)
            """,
            logger: logger
        )
        return try await rows.decode((UUID, UUID, String, UUID?).self).collect().first.map {
            Target(promotionID: PromotionID($0.0), ownerTenantID: TenantID($0.1), method: AttributionMethod(rawValue: $0.2) ?? .tag, codeID: $0.3)
        }
    }

    /// Records what an attributed opportunity was won for, so that it counts in its promotion's revenue.
    static func recordWin(_ connection: PostgresConnection, opportunity: OpportunityID, amount: Money, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE hub.promotion_attributions SET won_amount = \(amount.amount)::numeric, won_currency = \(amount.currency), won_at = now()
             WHERE tenant_id = hub.current_tenant() AND object_type = 'opportunity' AND object_id = \(opportunity.uuid)
            """,
            logger: logger
        )
    }

    /// Records that the caller's `objectType` object counts for the target promotion.
    static func record(
        _ connection: PostgresConnection, _ caller: Caller, objectType: String, objectID: UUID, _ target: Target, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO hub.promotion_attributions (tenant_id, object_type, object_id, promotion_owner_tenant_id, promotion_id, method, promo_code_id)
            VALUES (\(caller.tenantID.uuid), \(objectType), \(objectID), \(target.ownerTenantID.uuid), \(target.promotionID.uuid),
                    \(target.method.rawValue), \(target.codeID))
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
        try await Events.record(
            connection, caller, "\(objectType).promotion_attributed", subject: EventSubject(objectType, objectID),
            data: ["promotion": target.promotionID.description, "method": target.method.rawValue], logger: logger
        )
    }
}

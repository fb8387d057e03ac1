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

import Foundation
import HubCore
import Logging
import PostgresNIO

/// Finds what a submitted registration collides with, in data the vendor owns only, and keeps the result
/// as conflict rows no partner can read. Every query here runs in the vendor's row-level-security scope.
enum ConflictDetection {
    /// Replaces the registration's open conflicts with what matches now: another partner's earlier registration
    /// that is pending or approved, the vendor's open opportunities at a matching account, or a matching account.
    /// A match is the same customer domain, or the same normalized name in the same country. Returns how many.
    static func detect(_ connection: PostgresConnection, vendor: TenantID, registration: DealRegistrationID, logger: Logger) async throws -> Int {
        let id = registration.uuid
        try await connection.query(
            """
            UPDATE hub.deal_registration_conflicts SET resolution = 'stale', resolved_at = now()
             WHERE registration_id = \(id) AND resolution = 'open'
            """,
            logger: logger
        )
        let rows = try await connection.query(
            """
            WITH me AS (
                SELECT partner_tenant_id, customer_domain AS domain, customer_name_key AS name_key, country, first_submitted_at
                  FROM hub.deal_registrations WHERE tenant_id = \(vendor.uuid) AND id = \(id)
            ), found AS (
                SELECT 'partner_registration' AS kind, r.id AS matched_id,
                       CASE WHEN r.customer_domain = me.domain THEN 'domain' ELSE 'name_country' END AS match_key
                  FROM hub.deal_registrations r, me
                 WHERE r.tenant_id = \(vendor.uuid) AND r.id <> \(id) AND r.partner_tenant_id <> me.partner_tenant_id
                   AND r.status IN ('submitted', 'under_review', 'approved')
                   AND r.first_submitted_at < me.first_submitted_at
                   AND (r.customer_domain = me.domain OR (r.customer_name_key = me.name_key AND r.country = me.country))
                UNION ALL
                SELECT 'vendor_opportunity', o.id, CASE WHEN a.domain = me.domain THEN 'domain' ELSE 'name_country' END
                  FROM hub.opportunities o
                  JOIN hub.accounts a ON a.tenant_id = o.tenant_id AND a.id = o.account_id, me
                 WHERE o.tenant_id = \(vendor.uuid) AND o.outcome = 'open'
                   AND o.deal_registration_id IS DISTINCT FROM \(id)
                   AND (a.domain = me.domain OR (a.name_key = me.name_key AND a.country = me.country))
                UNION ALL
                SELECT 'vendor_account', a.id, CASE WHEN a.domain = me.domain THEN 'domain' ELSE 'name_country' END
                  FROM hub.accounts a, me
                 WHERE a.tenant_id = \(vendor.uuid)
                   AND (a.domain = me.domain OR (a.name_key = me.name_key AND a.country = me.country))
            )
            INSERT INTO hub.deal_registration_conflicts (tenant_id, registration_id, id, kind, matched_id, match_key)
            SELECT \(vendor.uuid), \(id), gen_random_uuid(), kind, matched_id, match_key FROM found
            RETURNING id
            """,
            logger: logger
        )
        var count = 0
        for try await _ in rows.decode(UUID.self) { count += 1 }
        try await connection.query(
            "UPDATE hub.deal_registrations SET has_conflict = \(count > 0), updated_at = now() WHERE id = \(id)", logger: logger
        )
        return count
    }

    /// Open conflicts that still stand: the other registration is still pending or approved, the opportunity still open.
    static func standing(_ connection: PostgresConnection, registration: DealRegistrationID, logger: Logger) async throws -> Int {
        try await connection.query(
            """
            SELECT count(*) FROM hub.deal_registration_conflicts c
             WHERE c.registration_id = \(registration.uuid) AND c.resolution = 'open'
               AND CASE c.kind
                     WHEN 'partner_registration' THEN EXISTS (
                         SELECT 1 FROM hub.deal_registrations r
                          WHERE r.tenant_id = c.tenant_id AND r.id = c.matched_id AND r.status IN ('submitted', 'under_review', 'approved'))
                     WHEN 'vendor_opportunity' THEN EXISTS (
                         SELECT 1 FROM hub.opportunities o WHERE o.tenant_id = c.tenant_id AND o.id = c.matched_id AND o.outcome = 'open')
                     ELSE true
                   END
            """,
            logger: logger
        ).decode(Int.self).first { _ in true } ?? 0
    }

    /// Marks every open conflict as overridden by the caller, with the reason.
    static func override(_ connection: PostgresConnection, _ caller: Caller, registration: DealRegistrationID, reason: String, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE hub.deal_registration_conflicts
               SET resolution = 'overridden', resolved_at = now(), resolved_by_user_id = \(caller.principal.userID?.uuid),
                   resolution_reason = \(reason)
             WHERE registration_id = \(registration.uuid) AND resolution = 'open'
            """,
            logger: logger
        )
    }

    /// The registration's conflicts that are not stale, oldest first.
    static func list(_ connection: PostgresConnection, registration: DealRegistrationID, logger: Logger) async throws -> [DealRegistrationConflict] {
        let rows = try await connection.query(
            """
            SELECT c.id, c.kind, c.matched_id, m.partner_tenant_id, c.match_key, c.detected_at, c.resolution, c.resolution_reason
              FROM hub.deal_registration_conflicts c
              LEFT JOIN hub.deal_registrations m
                ON c.kind = 'partner_registration' AND m.tenant_id = c.tenant_id AND m.id = c.matched_id
             WHERE c.registration_id = \(registration.uuid) AND c.resolution <> 'stale'
             ORDER BY c.detected_at, c.kind, c.matched_id
            """,
            logger: logger
        )
        var conflicts: [DealRegistrationConflict] = []
        for try await (id, kind, matched, partner, key, at, resolution, reason) in rows.decode(
            (UUID, String, UUID, UUID?, String, Date, String, String?).self
        ) {
            conflicts.append(
                DealRegistrationConflict(
                    id: id.uuidString.lowercased(), kind: DealRegistrationConflict.Kind(rawValue: kind) ?? .vendorAccount,
                    matchedID: matched.uuidString.lowercased(),
                    matchedPartnerTenantID: partner.map { TenantID($0) }, matchKey: key, detectedAt: at, resolution: resolution,
                    resolutionReason: reason
                )
            )
        }
        return conflicts
    }
}

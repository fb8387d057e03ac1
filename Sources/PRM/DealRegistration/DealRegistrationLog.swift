import Foundation
import HubCore
import Logging
import PostgresNIO

/// The status history both sides of a registration read, and lapsing registrations whose time ran out.
enum DealRegistrationLog {
    /// Appends a status change to the registration's history, as the caller's tenant.
    static func record(
        _ connection: PostgresConnection, _ caller: Caller, registration: DealRegistrationID, vendor: TenantID, partner: TenantID,
        from: DealRegistrationStatus?, to: DealRegistrationStatus, reason: String?, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO hub.deal_registration_changes
                (tenant_id, registration_id, seq, partner_tenant_id, from_status, to_status, actor_tenant_id, actor_user_id, reason)
            SELECT \(vendor.uuid), \(registration.uuid), coalesce(max(seq), 0) + 1, \(partner.uuid),
                   \(from?.rawValue)::hub.deal_registration_status, \(to.rawValue)::hub.deal_registration_status,
                   \(caller.tenantID.uuid), \(caller.principal.userID?.uuid), \(reason)
              FROM hub.deal_registration_changes WHERE tenant_id = \(vendor.uuid) AND registration_id = \(registration.uuid)
            """,
            logger: logger
        )
    }

    /// Expires the caller's registrations (either side) whose time ran out, or just `only`: undecided or returned ones
    /// past `expires_at`, approved ones whose protection ended before their opportunity closed. Run on every read
    /// and action, and by the sweep; the change is nobody's doing, so it carries no user.
    @discardableResult
    static func expireDue(_ connection: PostgresConnection, _ caller: Caller, only: DealRegistrationID? = nil, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            """
            WITH due AS (
                SELECT tenant_id, id, status FROM hub.deal_registrations
                 WHERE (\(only?.uuid)::uuid IS NULL OR id = \(only?.uuid))
                   AND ((status IN ('submitted', 'under_review', 'returned') AND expires_at <= now())
                        OR (status = 'approved' AND protection_until <= now() AND deal_outcome IS NULL))
                 FOR UPDATE
            )
            UPDATE hub.deal_registrations r SET status = 'expired', updated_at = now()
              FROM due WHERE r.tenant_id = due.tenant_id AND r.id = due.id
            RETURNING r.id, r.tenant_id, r.partner_tenant_id, due.status::text
            """,
            logger: logger
        )
        var expired: [(DealRegistrationID, TenantID, TenantID, DealRegistrationStatus)] = []
        for try await (id, vendor, partner, from) in rows.decode((UUID, UUID, UUID, String).self) {
            expired.append((DealRegistrationID(id), TenantID(vendor), TenantID(partner), DealRegistrationStatus(rawValue: from) ?? .submitted))
        }
        let system = Caller(principal: Principal(tenantID: caller.tenantID, userID: nil, role: caller.principal.role), requestID: caller.requestID)
        for (id, vendor, partner, from) in expired {
            try await record(connection, system, registration: id, vendor: vendor, partner: partner, from: from, to: .expired, reason: nil, logger: logger)
            try await Events.record(
                connection, system, "deal.expired", subject: EventSubject("deal_registration", id.uuid), data: ["from": from.rawValue],
                alsoFor: [caller.tenantID == vendor ? partner : vendor],
                audit: AuditRecord(
                    action: "deal_registration.expire", targetType: "deal_registration", targetID: id.description, details: ["from": from.rawValue]
                ),
                logger: logger
            )
        }
        return expired.count
    }
}

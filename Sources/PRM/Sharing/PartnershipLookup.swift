import Foundation
import HubCore
import Logging
import PostgresNIO

/// The partnership between the caller's tenant and another, whichever side invited.
enum PartnershipLookup {
    /// The pair's current partnership: the active one if any, else the most recent. `nil` when the two
    /// companies never had one (the other tenant is then a stranger: a 404 to the caller).
    static func current(
        _ connection: PostgresConnection, _ caller: Caller, with partner: TenantID, logger: Logger
    ) async throws -> (id: UUID, status: PartnershipStatus)? {
        let rows = try await connection.query(
            """
            SELECT id, status::text FROM hub.partnerships
             WHERE (tenant_id = \(caller.tenantID.uuid) AND partner_tenant_id = \(partner.uuid))
                OR (tenant_id = \(partner.uuid) AND partner_tenant_id = \(caller.tenantID.uuid))
             ORDER BY status = 'active' DESC, updated_at DESC LIMIT 1
            """,
            logger: logger
        )
        for try await (id, status) in rows.decode((UUID, String).self) {
            return (id, PartnershipStatus(rawValue: status) ?? .ended)
        }
        return nil
    }

    /// The id of the pair's active partnership; 404 for a stranger, 409 for a partnership that is not active.
    static func requireActive(
        _ connection: PostgresConnection, _ caller: Caller, with partner: TenantID, logger: Logger
    ) async throws -> UUID {
        guard let partnership = try await current(connection, caller, with: partner, logger: logger) else {
            throw HubError.notFound("partner")
        }
        guard partnership.status == .active else {
            throw HubError.conflict("the partnership with this company is \(partnership.status.rawValue), not active")
        }
        return partnership.id
    }
}

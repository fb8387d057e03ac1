import Foundation
import HubCore
import Logging
import PostgresNIO

/// Reading registrations: each side through its own view, after expiring what ran out of time.
extension DealRegistrations {
    /// One registration, as the caller's side sees it (the vendor with its conflicts).
    public func get(_ caller: Caller, id: DealRegistrationID) async throws -> DealRegistrationView {
        try await database.withTenant(caller.principal) { connection in
            let found = try await locate(connection, caller, id: id)
            switch found.side {
            case .vendor: return .vendor(try await vendorView(connection, id: id, withConflicts: true))
            case .partner: return .partner(try await partnerView(connection, id: id))
            }
        }
    }

    /// Expires every registration on the hub whose time ran out, each vendor's in that vendor's own scope, as
    /// no particular user; for the server to call periodically. Returns how many it expired.
    @discardableResult
    public func expireAllDue() async throws -> Int {
        let vendors = try await database.withoutTenant { connection in
            try await connection.query("SELECT hub.vendors_with_due_deal_registrations()", logger: database.logger).decode(UUID.self).collect()
        }
        var expired = 0
        for vendor in vendors {
            let system = Caller(principal: Principal(tenantID: TenantID(vendor), userID: nil, role: .owner), requestID: "deal-registration-expiry")
            expired += try await database.withTenant(system.principal) { connection in
                try await DealRegistrationLog.expireDue(connection, system, logger: database.logger)
            }
        }
        return expired
    }

    /// Registrations submitted to the caller (drafts stay with the partner), newest first.
    public func listAsVendor(
        _ caller: Caller, status: DealRegistrationStatus?, partner: TenantID?, page: PageRequest
    ) async throws -> Page<VendorDealRegistration> {
        let afterID = try page.afterUUID()
        let logger = database.logger
        let registrations = try await database.withTenant(caller.principal) { connection in
            try await DealRegistrationLog.expireDue(connection, caller, logger: logger)
            return try await DealRegistrationRows.decodeVendor(
                connection.query(
                    """
                    SELECT \(unescaped: DealRegistrationRows.vendorColumns) FROM hub.deal_registrations
                     WHERE tenant_id = \(caller.tenantID.uuid) AND status <> 'draft'
                       AND (\(status?.rawValue)::hub.deal_registration_status IS NULL
                            OR status = \(status?.rawValue)::hub.deal_registration_status)
                       AND (\(partner?.uuid)::uuid IS NULL OR partner_tenant_id = \(partner?.uuid))
                       AND (\(afterID)::uuid IS NULL
                            OR (created_at, id) < (SELECT created_at, id FROM hub.deal_registrations WHERE id = \(afterID)))
                     ORDER BY created_at DESC, id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: logger
                )
            )
        }
        return Page(fetched: registrations, limit: page.limit) { [$0.id.description] }
    }

    /// Registrations the caller submitted (or drafted), newest first.
    public func listAsPartner(
        _ caller: Caller, status: DealRegistrationStatus?, vendor: TenantID?, page: PageRequest
    ) async throws -> Page<PartnerDealRegistration> {
        let afterID = try page.afterUUID()
        let logger = database.logger
        let registrations = try await database.withTenant(caller.principal) { connection in
            try await DealRegistrationLog.expireDue(connection, caller, logger: logger)
            return try await DealRegistrationRows.decodePartner(
                connection.query(
                    """
                    SELECT \(unescaped: DealRegistrationRows.partnerColumns) FROM hub.deal_registrations
                     WHERE partner_tenant_id = \(caller.tenantID.uuid)
                       AND (\(status?.rawValue)::hub.deal_registration_status IS NULL
                            OR status = \(status?.rawValue)::hub.deal_registration_status)
                       AND (\(vendor?.uuid)::uuid IS NULL OR tenant_id = \(vendor?.uuid))
                       AND (\(afterID)::uuid IS NULL
                            OR (created_at, id) < (SELECT created_at, id FROM hub.deal_registrations WHERE id = \(afterID)))
                     ORDER BY created_at DESC, id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: logger
                )
            )
        }
        return Page(fetched: registrations, limit: page.limit) { [$0.id.description] }
    }

    /// What happened to the registration, oldest first, as the caller's side recorded it.
    public func timeline(_ caller: Caller, id: DealRegistrationID, page: PageRequest) async throws -> Page<HubEvent> {
        try await database.withTenant(caller.principal) { connection in
            _ = try await locate(connection, caller, id: id)
            return try await Events.timeline(connection, subject: EventSubject("deal_registration", id.uuid), page: page, logger: database.logger)
        }
    }

    func partnerView(_ connection: PostgresConnection, id: DealRegistrationID) async throws -> PartnerDealRegistration {
        let rows = try await connection.query(
            "SELECT \(unescaped: DealRegistrationRows.partnerColumns) FROM hub.deal_registrations WHERE id = \(id.uuid)", logger: database.logger
        )
        guard let registration = try await DealRegistrationRows.decodePartner(rows).first else { throw HubError.notFound("deal registration") }
        return registration
    }

    func vendorView(_ connection: PostgresConnection, id: DealRegistrationID, withConflicts: Bool) async throws -> VendorDealRegistration {
        let rows = try await connection.query(
            "SELECT \(unescaped: DealRegistrationRows.vendorColumns) FROM hub.deal_registrations WHERE id = \(id.uuid)", logger: database.logger
        )
        guard var registration = try await DealRegistrationRows.decodeVendor(rows).first else { throw HubError.notFound("deal registration") }
        if withConflicts { registration.conflicts = try await ConflictDetection.list(connection, registration: id, logger: database.logger) }
        return registration
    }
}

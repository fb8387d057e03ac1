import Foundation
import Logging
import PostgresNIO

/// Inviting partners and moving partnerships through their lifecycle, each change audited and kept.
public struct Partnerships: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Invites the tenant with `partnerSlug` to a partnership with the caller's.
    public func invite(_ caller: Caller, partnerSlug: String, note: String?) async throws -> Partnership {
        try caller.principal.require(.channelManager, to: "inviting a partner")
        if let note, note.count > 2000 { throw HubError.invalid("/note", "must be at most 2000 characters") }
        let id = PartnershipID()
        return try await database.withTenant(caller.principal) { connection in
            let lookup = try await connection.query("SELECT hub.tenant_id_for_slug(\(partnerSlug))", logger: database.logger)
            guard let partnerID = try await lookup.decode(UUID?.self).first(where: { _ in true }) ?? nil else {
                throw HubError.invalid("/partnerSlug", "no company on the hub has the slug \(partnerSlug)")
            }
            guard partnerID != caller.tenantID.uuid else {
                throw HubError.invalid("/partnerSlug", "a company cannot partner with itself")
            }
            try await connection.query(
                """
                INSERT INTO hub.partnerships (tenant_id, id, partner_tenant_id, status, note)
                VALUES (\(caller.tenantID.uuid), \(id.uuid), \(partnerID), 'invited', \(note))
                """,
                logger: database.logger
            )
            try await recordEvent(connection, caller, id: id, owner: caller.tenantID.uuid, partner: partnerID, from: nil, to: .invited, reason: note)
            return try await fetch(connection, id: id)
        }
    }

    /// The caller's partnerships (either side), newest first, optionally of one status.
    public func list(_ caller: Caller, status: PartnershipStatus?, page: PageRequest) async throws -> Page<Partnership> {
        let afterID = try page.afterUUID()
        let partnerships = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query(
                    """
                    SELECT \(unescaped: Self.selection)
                     WHERE (\(status?.rawValue)::hub.partnership_status IS NULL OR p.status = \(status?.rawValue)::hub.partnership_status)
                       AND (\(afterID)::uuid IS NULL
                            OR (p.created_at, p.id) < (SELECT created_at, id FROM hub.partnerships WHERE id = \(afterID)))
                     ORDER BY p.created_at DESC, p.id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                )
            )
        }
        return Page(fetched: partnerships, limit: page.limit) { [$0.id.description] }
    }

    /// One partnership the caller is a side of.
    public func get(_ caller: Caller, id: PartnershipID) async throws -> Partnership {
        try await database.withTenant(caller.principal) { connection in try await fetch(connection, id: id) }
    }

    /// The partnership's history, oldest first.
    public func events(_ caller: Caller, id: PartnershipID) async throws -> [PartnershipEvent] {
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, id: id)
            let rows = try await connection.query(
                """
                SELECT seq, from_status::text, to_status::text, actor_tenant_id, actor_user_id, reason, at
                  FROM hub.partnership_events WHERE partnership_id = \(id.uuid) ORDER BY seq
                """,
                logger: database.logger
            )
            var events: [PartnershipEvent] = []
            for try await (seq, from, to, actorTenant, actorUser, reason, at) in rows.decode(
                (Int, String?, String, UUID, UUID?, String?, Date).self
            ) {
                events.append(
                    PartnershipEvent(
                        sequence: seq, fromStatus: from.flatMap(PartnershipStatus.init), toStatus: PartnershipStatus(rawValue: to) ?? .ended,
                        actorTenantID: TenantID(actorTenant), actorUserID: actorUser.map { UserID($0) }, reason: reason, at: at
                    )
                )
            }
            return events
        }
    }

    /// Accepts, declines, suspends, resumes or ends a partnership, if the caller's side may from its status.
    public func perform(_ caller: Caller, _ action: PartnershipAction, on id: PartnershipID, reason: String?) async throws -> Partnership {
        try caller.principal.require(.channelManager, to: "changing a partnership")
        if let reason, reason.count > 2000 { throw HubError.invalid("/reason", "must be at most 2000 characters") }
        return try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                "SELECT tenant_id, partner_tenant_id, status::text FROM hub.partnerships WHERE id = \(id.uuid) FOR UPDATE",
                logger: database.logger
            )
            guard let (owner, partner, statusText) = try await rows.decode((UUID, UUID, String).self).first(where: { _ in true }),
                let status = PartnershipStatus(rawValue: statusText)
            else { throw HubError.notFound("partnership") }
            let byInviter = owner == caller.tenantID.uuid
            guard let next = action.transition(from: status, byInviter: byInviter) else {
                throw HubError.conflict("cannot \(action.rawValue) a partnership that is \(status.rawValue)" + (byInviter ? " from the inviting side" : " from the invited side"))
            }
            try await connection.query(
                "UPDATE hub.partnerships SET status = \(next.rawValue)::hub.partnership_status, updated_at = now() WHERE id = \(id.uuid)",
                logger: database.logger
            )
            try await recordEvent(connection, caller, id: id, owner: owner, partner: partner, from: status, to: next, reason: reason)
            return try await fetch(connection, id: id)
        }
    }

    private func recordEvent(
        _ connection: PostgresConnection,
        _ caller: Caller,
        id: PartnershipID,
        owner: UUID,
        partner: UUID,
        from: PartnershipStatus?,
        to: PartnershipStatus,
        reason: String?
    ) async throws {
        try await connection.query(
            """
            INSERT INTO hub.partnership_events
                (tenant_id, partnership_id, seq, partner_tenant_id, from_status, to_status, actor_tenant_id, actor_user_id, reason)
            SELECT \(owner), \(id.uuid), coalesce(max(seq), 0) + 1, \(partner), \(from?.rawValue)::hub.partnership_status,
                   \(to.rawValue)::hub.partnership_status, \(caller.tenantID.uuid), \(caller.principal.userID?.uuid), \(reason)
              FROM hub.partnership_events WHERE tenant_id = \(owner) AND partnership_id = \(id.uuid)
            """,
            logger: database.logger
        )
        let action = from == nil ? "partnership.invite" : "partnership.\(to.rawValue)"
        try await AuditLog.record(
            connection, caller, action: action, targetType: "partnership", targetID: id.description,
            details: ["from": from?.rawValue ?? "", "to": to.rawValue], logger: database.logger
        )
    }

    private func fetch(_ connection: PostgresConnection, id: PartnershipID) async throws -> Partnership {
        let rows = try await connection.query("SELECT \(unescaped: Self.selection) WHERE p.id = \(id.uuid)", logger: database.logger)
        guard let partnership = try await Self.decode(rows).first else { throw HubError.notFound("partnership") }
        return partnership
    }

    static let selection = """
        p.id, p.status::text, p.note, p.created_at, p.updated_at,
               i.id, i.slug, i.name, t.id, t.slug, t.name
          FROM hub.partnerships p
          JOIN hub.tenants i ON i.id = p.tenant_id
          JOIN hub.tenants t ON t.id = p.partner_tenant_id
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [Partnership] {
        var partnerships: [Partnership] = []
        for try await row in rows {
            let (id, status, note, created, updated, inviterID, inviterSlug, inviterName, partnerID, partnerSlug, partnerName) =
                try row.decode((UUID, String, String?, Date, Date, UUID, String, String, UUID, String, String).self)
            partnerships.append(
                Partnership(
                    id: PartnershipID(id),
                    inviter: TenantSummary(id: TenantID(inviterID), slug: inviterSlug, name: inviterName),
                    partner: TenantSummary(id: TenantID(partnerID), slug: partnerSlug, name: partnerName),
                    status: PartnershipStatus(rawValue: status) ?? .ended, note: note, createdAt: created, updatedAt: updated
                )
            )
        }
        return partnerships
    }
}

import Foundation
import HubCore
import PostgresNIO

/// Inviting partners to a promotion, and their answers: accept with a budget commitment, decline, withdraw.
extension Promotions {
    /// Invites a partner tenant (an active partnership is required) to the caller's promotion.
    /// A partner that declined or withdrew may be invited again.
    public func invite(_ caller: Caller, id: PromotionID, partner: TenantID) async throws -> PromotionParticipant {
        try caller.principal.require(.channelManager, to: "inviting a partner to a promotion")
        return try await database.withTenant(caller.principal) { connection in
            let promotion = try await catchUp(connection, caller, try await fetchOwned(connection, caller, id: id))
            guard ![.ended, .cancelled].contains(promotion.status) else {
                throw HubError.conflict("the promotion is \(promotion.status.rawValue); no participant joins after the end")
            }
            guard partner != caller.tenantID, try await hasActivePartnership(connection, caller, with: partner) else {
                throw HubError.invalid("/tenantID", "your company has no active partnership with this company")
            }
            let rows = try await connection.query(
                """
                INSERT INTO hub.promotion_participants (tenant_id, promotion_id, participant_tenant_id)
                VALUES (\(caller.tenantID.uuid), \(id.uuid), \(partner.uuid))
                ON CONFLICT (tenant_id, promotion_id, participant_tenant_id) DO UPDATE
                   SET status = 'invited', invited_at = now(), responded_at = NULL, withdrawn_at = NULL, decline_reason = NULL
                 WHERE promotion_participants.status IN ('declined', 'withdrawn')
                RETURNING participant_tenant_id
                """,
                logger: database.logger
            )
            guard try await rows.decode(UUID.self).collect().count == 1 else {
                throw HubError.conflict("this company is already invited to or taking part in the promotion")
            }
            try await Events.record(
                connection, caller, "promotion.invited", subject: EventSubject("promotion", id.uuid),
                data: ["participant": partner.description, "name": promotion.name], alsoFor: [partner],
                audit: AuditRecord(
                    action: "promotion.invite", targetType: "promotion", targetID: id.description, details: ["participant": partner.description]
                ),
                logger: database.logger
            )
            return try await participant(connection, promotion: id, tenant: partner)
        }
    }

    /// The promotion's participants: all of them for its owner, only its own entry for a participant.
    public func participants(_ caller: Caller, id: PromotionID) async throws -> [PromotionParticipant] {
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, caller, id: id)
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.participantColumns) FROM hub.promotion_participants WHERE promotion_id = \(id.uuid) ORDER BY invited_at, participant_tenant_id",
                logger: database.logger
            )
            return try await Self.decodeParticipants(rows)
        }
    }

    /// Joins the promotion the caller was invited to, committing `contribution` to its budget.
    public func accept(_ caller: Caller, id: PromotionID, contribution: Money?) async throws -> PromotionParticipant {
        try caller.principal.require(.channelManager, to: "joining a promotion")
        return try await database.withTenant(caller.principal) { connection in
            let (promotion, current) = try await ownInvitation(connection, caller, id: id)
            guard ![.ended, .cancelled].contains(promotion.status) else {
                throw HubError.conflict("the promotion is \(promotion.status.rawValue); no participant joins after the end")
            }
            guard current.status == .invited else { throw HubError.conflict("the invitation is \(current.status.rawValue), not open") }
            guard let contribution else { throw HubError.invalid("/contribution", "commit a budget contribution (it may be 0)") }
            guard contribution.currency == promotion.currency else {
                throw HubError.invalid("/contribution/currency", "the promotion's budget is in \(promotion.currency)")
            }
            try await answer(connection, caller, promotion, status: .accepted, reason: nil)
            try await connection.query(
                """
                INSERT INTO hub.promotion_contributions (tenant_id, id, promotion_owner_tenant_id, promotion_id, kind, amount, currency, note, by_user_id)
                VALUES (\(caller.tenantID.uuid), \(UUID()), \(promotion.ownerTenantID.uuid), \(id.uuid), 'commit',
                        \(contribution.amount)::numeric, \(contribution.currency), 'committed on joining', \(caller.principal.userID?.uuid))
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "promotion.joined", subject: EventSubject("promotion", id.uuid),
                data: ["participant": caller.tenantID.description, "committed": contribution.amount, "currency": contribution.currency],
                alsoFor: [promotion.ownerTenantID], logger: database.logger
            )
            return try await participant(connection, promotion: id, tenant: caller.tenantID)
        }
    }

    /// Declines an open invitation.
    public func decline(_ caller: Caller, id: PromotionID, reason: String?) async throws -> PromotionParticipant {
        try caller.principal.require(.channelManager, to: "declining a promotion")
        if let reason, reason.count > 2000 { throw HubError.invalid("/reason", "must be at most 2000 characters") }
        return try await database.withTenant(caller.principal) { connection in
            let (promotion, current) = try await ownInvitation(connection, caller, id: id)
            guard current.status == .invited else { throw HubError.conflict("the invitation is \(current.status.rawValue), not open") }
            try await answer(connection, caller, promotion, status: .declined, reason: reason)
            try await Events.record(
                connection, caller, "promotion.declined", subject: EventSubject("promotion", id.uuid),
                data: ["participant": caller.tenantID.description, "reason": reason ?? ""], alsoFor: [promotion.ownerTenantID],
                logger: database.logger
            )
            return try await participant(connection, promotion: id, tenant: caller.tenantID)
        }
    }

    /// Leaves a promotion before it starts; the commitment is released with an adjusting ledger entry.
    public func withdraw(_ caller: Caller, id: PromotionID) async throws -> PromotionParticipant {
        try caller.principal.require(.channelManager, to: "withdrawing from a promotion")
        return try await database.withTenant(caller.principal) { connection in
            let (promotion, current) = try await ownInvitation(connection, caller, id: id)
            guard [.invited, .accepted].contains(current.status) else { throw HubError.conflict("the company has already left this promotion") }
            guard [.draft, .scheduled].contains(promotion.status) else {
                throw HubError.conflict("a participant may withdraw only before the promotion starts; it is \(promotion.status.rawValue)")
            }
            if current.status == .accepted {
                try await connection.query(
                    """
                    INSERT INTO hub.promotion_contributions (tenant_id, id, promotion_owner_tenant_id, promotion_id, kind, amount, currency, note, by_user_id)
                    SELECT \(caller.tenantID.uuid), \(UUID()), \(promotion.ownerTenantID.uuid), \(id.uuid), 'adjust', -sum(amount),
                           \(promotion.currency), 'released on withdrawing', \(caller.principal.userID?.uuid)
                      FROM hub.promotion_contributions
                     WHERE tenant_id = \(caller.tenantID.uuid) AND promotion_id = \(id.uuid) AND kind IN ('commit', 'adjust')
                    HAVING sum(amount) <> 0
                    """,
                    logger: database.logger
                )
            }
            try await answer(connection, caller, promotion, status: .withdrawn, reason: nil)
            try await Events.record(
                connection, caller, "promotion.withdrawn", subject: EventSubject("promotion", id.uuid),
                data: ["participant": caller.tenantID.description], alsoFor: [promotion.ownerTenantID], logger: database.logger
            )
            return try await participant(connection, promotion: id, tenant: caller.tenantID)
        }
    }

    func hasActivePartnership(_ connection: PostgresConnection, _ caller: Caller, with partner: TenantID) async throws -> Bool {
        let count = try await connection.query(
            """
            SELECT count(*) FROM hub.partnerships
             WHERE status = 'active'
               AND ((tenant_id = \(caller.tenantID.uuid) AND partner_tenant_id = \(partner.uuid))
                    OR (tenant_id = \(partner.uuid) AND partner_tenant_id = \(caller.tenantID.uuid)))
            """,
            logger: database.logger
        ).decode(Int.self).collect().first ?? 0
        return count > 0
    }

    /// The promotion and the caller's own invitation to it, locked; 404 when the caller is not invited.
    private func ownInvitation(_ connection: PostgresConnection, _ caller: Caller, id: PromotionID) async throws -> (Promotion, PromotionParticipant) {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.participantColumns) FROM hub.promotion_participants
             WHERE promotion_id = \(id.uuid) AND participant_tenant_id = \(caller.tenantID.uuid) FOR UPDATE
            """,
            logger: database.logger
        )
        guard let current = try await Self.decodeParticipants(rows).first, [.invited, .accepted].contains(current.status) else {
            throw HubError.notFound("promotion")
        }
        return (try await fetch(connection, caller, id: id), current)
    }

    private func answer(_ connection: PostgresConnection, _ caller: Caller, _ promotion: Promotion, status: ParticipantStatus, reason: String?) async throws {
        try await connection.query(
            """
            UPDATE hub.promotion_participants
               SET status = \(status.rawValue)::hub.participant_status,
                   responded_at = CASE WHEN \(status.rawValue) IN ('accepted', 'declined') THEN now() ELSE responded_at END,
                   withdrawn_at = CASE WHEN \(status.rawValue) = 'withdrawn' THEN now() ELSE withdrawn_at END,
                   decline_reason = \(reason)
             WHERE tenant_id = \(promotion.ownerTenantID.uuid) AND promotion_id = \(promotion.id.uuid)
               AND participant_tenant_id = \(caller.tenantID.uuid)
            """,
            logger: database.logger
        )
        try await AuditLog.record(
            connection, caller, action: "promotion.participant_\(status.rawValue)", targetType: "promotion",
            targetID: promotion.id.description, details: ["owner": promotion.ownerTenantID.description], logger: database.logger
        )
    }

    private func participant(_ connection: PostgresConnection, promotion: PromotionID, tenant: TenantID) async throws -> PromotionParticipant {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.participantColumns) FROM hub.promotion_participants
             WHERE promotion_id = \(promotion.uuid) AND participant_tenant_id = \(tenant.uuid)
            """,
            logger: database.logger
        )
        guard let participant = try await Self.decodeParticipants(rows).first else { throw HubError.notFound("participant") }
        return participant
    }

    static let participantColumns = "promotion_id, participant_tenant_id, status::text, invited_at, responded_at, withdrawn_at, decline_reason"

    static func decodeParticipants(_ rows: PostgresRowSequence) async throws -> [PromotionParticipant] {
        var participants: [PromotionParticipant] = []
        for try await (promotion, tenant, status, invited, responded, withdrawn, reason) in rows.decode(
            (UUID, UUID, String, Date, Date?, Date?, String?).self
        ) {
            participants.append(
                PromotionParticipant(
                    promotionID: PromotionID(promotion), tenantID: TenantID(tenant), status: ParticipantStatus(rawValue: status) ?? .invited,
                    invitedAt: invited, respondedAt: responded, withdrawnAt: withdrawn, declineReason: reason
                )
            )
        }
        return participants
    }
}

import Foundation
import HubCore
import Logging
import PostgresNIO

/// The channel manager's profiles of its partners: tier, territories, capacity and lead weight.
public struct PartnerProfiles: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Creates or replaces the profile of a company the caller has a partnership with (in any state).
    public func put(_ caller: Caller, partner: TenantID, _ draft: PartnerProfileDraft) async throws -> PartnerProfile {
        try caller.principal.require(.channelManager, to: "profiling a partner")
        return try await database.withTenant(caller.principal) { connection in
            guard partner != caller.tenantID,
                try await PartnershipLookup.current(connection, caller, with: partner, logger: database.logger) != nil
            else { throw HubError.notFound("partner") }
            let draft = try draft.validated()
            try await connection.query(
                """
                INSERT INTO hub.partner_profiles AS p (tenant_id, partner_tenant_id, tier, territories, capacity, lead_weight)
                VALUES (\(caller.tenantID.uuid), \(partner.uuid), \(draft.tier), coalesce(\(draft.territories)::text[], '{}'),
                        \(draft.capacity), coalesce(\(draft.leadWeight), 1))
                ON CONFLICT (tenant_id, partner_tenant_id) DO UPDATE SET
                    tier = EXCLUDED.tier, territories = EXCLUDED.territories, capacity = EXCLUDED.capacity,
                    lead_weight = EXCLUDED.lead_weight, updated_at = now()
                """,
                logger: database.logger
            )
            try await AuditLog.record(
                connection, caller, action: "partner_profile.put", targetType: "partner_profile", targetID: partner.description,
                logger: database.logger
            )
            return try await fetch(connection, caller, partner: partner)
        }
    }

    /// Forgets a partner's profile: the partner no longer receives leads from distribution rules.
    public func delete(_ caller: Caller, partner: TenantID) async throws {
        try caller.principal.require(.channelManager, to: "removing a partner profile")
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, caller, partner: partner)
            try await connection.query(
                "DELETE FROM hub.partner_profiles WHERE tenant_id = \(caller.tenantID.uuid) AND partner_tenant_id = \(partner.uuid)",
                logger: database.logger
            )
            try await AuditLog.record(
                connection, caller, action: "partner_profile.delete", targetType: "partner_profile", targetID: partner.description,
                logger: database.logger
            )
        }
    }

    /// One partner's profile; 404 when the caller has none for it.
    public func get(_ caller: Caller, partner: TenantID) async throws -> PartnerProfile {
        try await database.withTenant(caller.principal) { connection in try await fetch(connection, caller, partner: partner) }
    }

    /// Every profile the caller keeps, with each partnership's current status.
    public func list(_ caller: Caller) async throws -> [PartnerProfile] {
        try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query("\(unescaped: Self.selection) ORDER BY pp.partner_tenant_id", logger: database.logger)
            )
        }
    }

    private func fetch(_ connection: PostgresConnection, _ caller: Caller, partner: TenantID) async throws -> PartnerProfile {
        let rows = try await connection.query(
            "\(unescaped: Self.selection) WHERE pp.partner_tenant_id = \(partner.uuid)", logger: database.logger
        )
        guard let profile = try await Self.decode(rows).first else { throw HubError.notFound("partner profile") }
        return profile
    }

    /// Profiles with the pair's partnership status (the active one first), readable under either side's policy.
    static let selection =
        """
        SELECT pp.partner_tenant_id, pp.tier, pp.territories, pp.capacity, pp.lead_weight, pp.updated_at,
               (SELECT p.status::text FROM hub.partnerships p
                 WHERE (p.tenant_id = pp.tenant_id AND p.partner_tenant_id = pp.partner_tenant_id)
                    OR (p.tenant_id = pp.partner_tenant_id AND p.partner_tenant_id = pp.tenant_id)
                 ORDER BY p.status = 'active' DESC, p.updated_at DESC LIMIT 1)
          FROM hub.partner_profiles pp
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [PartnerProfile] {
        var profiles: [PartnerProfile] = []
        for try await (partner, tier, territories, capacity, weight, updated, status) in rows.decode(
            (UUID, String?, [String], Int?, Int, Date, String?).self
        ) {
            profiles.append(
                PartnerProfile(
                    partnerTenantID: TenantID(partner), partnershipStatus: status.flatMap(PartnershipStatus.init), tier: tier,
                    territories: territories, capacity: capacity, leadWeight: weight, updatedAt: updated
                )
            )
        }
        return profiles
    }
}

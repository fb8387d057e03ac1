import Foundation
import HubCore
import HubServer
import HubTestSupport
import PostgresNIO
import Testing

/// Row-level security holds even when a query forgets its tenant filter.
@Suite struct IsolationTests {
    static let tenantTables = [
        "users", "sessions", "api_tokens", "partnerships", "partnership_events", "audit_log", "leads", "lead_status_changes",
        "events", "webhook_endpoints", "webhook_deliveries", "webhook_attempts", "surveys", "survey_recipients", "survey_responses",
        "partner_profiles", "lead_offers", "distribution_rules", "distribution_cursors", "distribution_runs",
        "distribution_decisions",
        "accounts", "contacts", "opportunities", "opportunity_changes", "deal_registrations", "deal_registration_changes",
        "deal_registration_conflicts",
        "promotions", "promotion_participants", "promotion_terms", "promotion_contributions", "promo_codes", "promotion_attributions",
        "sell_through_facts", "claims", "claim_lines",
    ]

    @Test func aQueryWithNoTenantFilterSeesOnlyTheCallersRows() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            _ = try await hub.makeUser(in: a, role: .member)
            _ = try await hub.makeUser(in: b, role: .member)
            for tenant in [a, b] {
                let tenantIDs = try await hub.database.withTenant(tenant.ownerCaller.principal) { connection in
                    // Deliberately no WHERE tenant_id = …
                    try await connection.query("SELECT DISTINCT tenant_id FROM hub.users", logger: hub.database.logger)
                        .decode(UUID.self).all()
                }
                #expect(tenantIDs == [tenant.id.uuid])
                let audited = try await hub.database.withTenant(tenant.ownerCaller.principal) { connection in
                    try await connection.query("SELECT DISTINCT tenant_id FROM hub.audit_log", logger: hub.database.logger)
                        .decode(UUID.self).all()
                }
                #expect(audited == [tenant.id.uuid])
            }
        }
    }

    @Test func withNoTenantSetEveryTenantTableIsEmptyAndRefusesWrites() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            #expect(!token.isEmpty)
            for table in Self.tenantTables {
                let count = try await hub.database.withoutTenant { connection in
                    try await connection.query("SELECT count(*) FROM hub.\(unescaped: table)", logger: hub.database.logger)
                        .decode(Int.self).all().first ?? -1
                }
                #expect(count == 0, "hub.\(table) shows \(count) rows with no tenant set")
            }
            let tenants = try await hub.database.withoutTenant { connection in
                try await connection.query("SELECT count(*) FROM hub.tenants", logger: hub.database.logger).decode(Int.self).all()
            }
            #expect(tenants == [0])
            await #expect(throws: (any Error).self) {
                try await hub.database.withoutTenant { connection in
                    try await connection.query(
                        """
                        INSERT INTO hub.audit_log (tenant_id, action, target_type) VALUES (\(a.id.uuid), 'forged', 'nothing')
                        """,
                        logger: hub.database.logger
                    )
                }
            }
            let updated = try await hub.database.withoutTenant { connection in
                try await connection.query("UPDATE hub.users SET display_name = 'x' RETURNING id", logger: hub.database.logger)
                    .decode(UUID.self).all()
            }
            #expect(updated.isEmpty)
        }
    }

    @Test func aTenantCannotWriteRowsIntoAnotherTenant() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            await #expect(throws: HubError.notFound("object")) {
                try await hub.database.withTenant(b.ownerCaller.principal) { connection in
                    try await connection.query(
                        """
                        INSERT INTO hub.audit_log (tenant_id, action, target_type) VALUES (\(a.id.uuid), 'forged', 'nothing')
                        """,
                        logger: hub.database.logger
                    )
                }
            }
            let changed = try await hub.database.withTenant(b.ownerCaller.principal) { connection in
                try await connection.query(
                    "UPDATE hub.users SET display_name = 'hijacked' WHERE id = \(a.owner.id.uuid) RETURNING id",
                    logger: hub.database.logger
                ).decode(UUID.self).all()
            }
            #expect(changed.isEmpty)
            #expect(try await hub.services.users.get(a.ownerCaller, id: a.owner.id).displayName == a.owner.displayName)
        }
    }

    @Test func everyTenantTableHasForcedRowLevelSecurityAndTenantLeadsItsKey() async throws {
        try await TestHub.with { hub in
            let tables = try await hub.database.withoutTenant { connection in
                try await connection.query(
                    """
                    SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                           (SELECT count(*) FROM pg_policies p WHERE p.schemaname = 'hub' AND p.tablename = c.relname)::int,
                           (SELECT a.attname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                             WHERE k.conrelid = c.oid AND k.contype = 'p')::text
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'hub' AND c.relkind = 'r'
                       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
                    """,
                    logger: hub.database.logger
                ).decode((String, Bool, Bool, Int, String?).self).all()
            }
            // login_emails is the global sign-in directory: readable only by the look-up functions.
            let tenantOwned = tables.filter { $0.0 != "login_emails" }
            #expect(Set(tenantOwned.map(\.0)) == Set(Self.tenantTables))
            for (name, enabled, forced, policies, firstKeyColumn) in tenantOwned {
                #expect(enabled && forced, "hub.\(name) lacks enabled and forced row-level security")
                #expect(policies >= 1, "hub.\(name) has no policy")
                #expect(firstKeyColumn == "tenant_id", "hub.\(name)'s primary key starts with \(firstKeyColumn ?? "nothing")")
            }
        }
    }

    @Test func theAppRoleCannotBypassRowLevelSecurityOrReadTheSignInDirectory() async throws {
        try await TestHub.with { hub in
            let (isSuperuser, bypasses, owned) = try await hub.database.withoutTenant { connection in
                try await connection.query(
                    """
                    SELECT rolsuper, rolbypassrls,
                           (SELECT count(*) FROM pg_class WHERE relowner = r.oid)::int
                             + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)::int
                      FROM pg_roles r WHERE rolname = current_user
                    """,
                    logger: hub.database.logger
                ).decode((Bool, Bool, Int).self).all().first!
            }
            #expect(!isSuperuser && !bypasses && owned == 0)
            try await hub.database.checkAppRole()
            await #expect(throws: (any Error).self) {
                try await hub.database.withoutTenant { connection in
                    try await connection.query("SELECT count(*) FROM hub.login_emails", logger: hub.database.logger)
                }
            }
        }
    }

    @Test func theTenantSettingDoesNotOutliveItsTransaction() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            _ = try await hub.database.withTenant(a.ownerCaller.principal) { connection in
                try await connection.query("SELECT 1", logger: hub.database.logger)
            }
            // The pool hands out the same connections; none may still carry a tenant.
            for _ in 0..<5 {
                let leftover = try await hub.database.client.withConnection { connection in
                    try await connection.query(
                        "SELECT coalesce(current_setting('app.tenant_id', true), '')", logger: hub.database.logger
                    ).decode(String.self).all().first
                }
                #expect(leftover == "")
            }
        }
    }

    @Test func partsOfASnapshotSeeOneMomentAndOnlyTheirTenant() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            let logger = hub.database.logger
            @Sendable func userCount(_ principal: Principal) async throws -> Int {
                try await hub.database.withTenant(principal) { connection in
                    try await connection.query("SELECT count(*)::int FROM hub.users", logger: logger).decode(Int.self).all()[0]
                }
            }
            let (before, after, other) = try await hub.database.withSnapshot(a.ownerCaller.principal) {
                let before = try await userCount(a.ownerCaller.principal)
                // Committed by another transaction between the two parts.
                _ = try await hub.makeUser(in: a, role: .member)
                return (before, try await userCount(a.ownerCaller.principal), try await userCount(b.ownerCaller.principal))
            }
            #expect(before == after)
            // Another principal's work inside the snapshot runs in its own transaction and scope.
            #expect(other == 1)
            #expect(try await userCount(a.ownerCaller.principal) == before + 1)
        }
    }
}

/// Connections are reused across tenants; a reused one must never answer with the last tenant's rows.
@Suite struct PoolReuseTests {
    @Test func thirtyTwoClientsOnTwoConnectionsNeverSeeAnotherTenantsRows() async throws {
        var settings = try await TestPostgres.shared.makeDatabase()
        settings.poolSize = 2
        let seeding = settings
        let tenants = try await TestHub.with(database: seeding) { hub in
            var tenants: [TestTenant] = []
            for slug in ["alpha", "bravo", "charlie"] { tenants.append(try await hub.makeTenant(slug)) }
            return tenants
        }
        let database = HubDatabase(settings: settings, logger: TestPostgres.shared.logger)
        let leaks = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { await database.run(); return 0 }
            let clients = try await withThrowingTaskGroup(of: Int.self) { clients in
                for client in 0..<32 {
                    clients.addTask {
                        var leaks = 0
                        for request in 0..<100 {
                            let tenant = tenants[(client + request) % tenants.count]
                            let seen = try await database.withTenant(tenant.ownerCaller.principal) { connection in
                                try await connection.query("SELECT tenant_id FROM hub.users", logger: database.logger)
                                    .decode(UUID.self).all()
                            }
                            if seen != [tenant.id.uuid] { leaks += 1 }
                        }
                        return leaks
                    }
                }
                return try await clients.reduce(0, +)
            }
            group.cancelAll()
            return clients
        }
        #expect(leaks == 0)
    }
}

import Logging
import PostgresNIO

/// Brings a database up to the newest schema: creates the hub's roles if they are missing, then
/// applies pending migrations in order, each in its own transaction, as the `hub_owner` role.
///
/// An advisory lock keeps two hubs from migrating the same database at once.
public struct MigrationRunner: Sendable {
    let settings: DatabaseSettings
    let migrations: [Migration]
    let logger: Logger

    static let advisoryLockKey: Int64 = 0x5048_4D49_4752  // "PHMIGR"

    public init(settings: DatabaseSettings, migrations: [Migration], logger: Logger) {
        self.settings = settings
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies what is pending; returns the migrations it applied (empty when up to date).
    @discardableResult
    public func run() async throws -> [Migration] {
        try await settings.withAdminConnection(logger: logger) { connection in
            do {
                try await bootstrapRoles(connection)
            } catch DatabaseSetupError.cannotCreateRoles(let reason) where reason.contains("already exists") {
                // Roles belong to the whole cluster, so a migration of another database may have created
                // them a moment ago; the second attempt finds them.
                try await bootstrapRoles(connection)
            }
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let applied = try await applyPending(connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
    }

    private func bootstrapRoles(_ connection: PostgresConnection) async throws {
        do {
            try await connection.execute(
                """
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_owner') THEN
                        CREATE ROLE hub_owner NOLOGIN;
                    END IF;
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_auth') THEN
                        CREATE ROLE hub_auth NOLOGIN;
                    END IF;
                    -- Owns the webhook fan-out and claim functions (migration 0007); nobody logs in as it.
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_webhooks') THEN
                        CREATE ROLE hub_webhooks NOLOGIN;
                    END IF;
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_app') THEN
                        CREATE ROLE hub_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                    END IF;
                    IF NOT pg_has_role(current_user, 'hub_owner', 'MEMBER') THEN
                        EXECUTE format('GRANT hub_owner TO %I', current_user);
                    END IF;
                    IF NOT pg_has_role('hub_owner', 'hub_auth', 'MEMBER') THEN
                        GRANT hub_auth TO hub_owner;
                    END IF;
                    IF NOT pg_has_role('hub_owner', 'hub_webhooks', 'MEMBER') THEN
                        GRANT hub_webhooks TO hub_owner;
                    END IF;
                    EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO hub_owner', current_database());
                    EXECUTE format('GRANT CONNECT ON DATABASE %I TO hub_app', current_database());
                END $$;
                """
            )
        } catch {
            throw DatabaseSetupError.cannotCreateRoles(DatabaseErrorTranslation.serverMessage(error))
        }
    }

    private func applyPending(_ connection: PostgresConnection) async throws -> [Migration] {
        try await connection.execute(
            """
            SET ROLE hub_owner;
            CREATE SCHEMA IF NOT EXISTS hub_meta;
            CREATE TABLE IF NOT EXISTS hub_meta.schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            );
            """
        )
        var applied: [Int: String] = [:]
        let rows = try await connection.query("SELECT version, checksum FROM hub_meta.schema_migrations", logger: logger)
        for try await (version, checksum) in rows.decode((Int, String).self) {
            applied[version] = checksum
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        if let unknown = applied.keys.sorted().first(where: { known[$0] == nil }) {
            throw DatabaseSetupError.unknownMigration(version: unknown)
        }
        var newlyApplied: [Migration] = []
        for migration in migrations {
            if let checksum = applied[migration.version] {
                guard checksum == migration.checksum else {
                    throw DatabaseSetupError.changedMigration(version: migration.version, name: migration.name)
                }
                continue
            }
            logger.info("applying migration \(migration.version) \(migration.name)")
            try await connection.execute("BEGIN")
            do {
                try await connection.execute(migration.sql)
                try await connection.query(
                    """
                    INSERT INTO hub_meta.schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """,
                    logger: logger
                )
                try await connection.execute("COMMIT")
            } catch {
                try? await connection.execute("ROLLBACK")
                throw DatabaseSetupError.migrationFailed(version: migration.version, name: migration.name, reason: DatabaseErrorTranslation.serverMessage(error))
            }
            newlyApplied.append(migration)
        }
        try await connection.execute("RESET ROLE")
        return newlyApplied
    }
}

extension PostgresConnection {
    /// Runs a script of trusted, bundled SQL (migrations, bootstrap), one statement at a time.
    func execute(_ script: String) async throws {
        for statement in SQLScript.statements(script) {
            try await query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }
}

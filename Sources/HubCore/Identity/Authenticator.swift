import Foundation
import Logging
import PostgresNIO

/// A signed-in browser session: the secret goes in the cookie, only its hash in the database.
public struct SessionGrant: Sendable {
    public var token: String
    public var expiresAt: Date
    public var principal: Principal
}

/// Signing in and out, and turning a session cookie or bearer token back into a principal.
public struct Authenticator: Sendable {
    let database: HubDatabase
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    /// A session ends this long after sign-in, however active.
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    /// A session ends after this long without a request.
    public var sessionIdleTimeout: Duration = .seconds(30 * 60)

    /// A hash of a random password, so an unknown account costs as much to check as a real one.
    let unknownAccountHash: String

    public init(database: HubDatabase, hasher: PasswordHasher, throttle: LoginThrottle = LoginThrottle()) {
        self.database = database
        self.hasher = hasher
        self.throttle = throttle
        self.unknownAccountHash = hasher.hashNow(Secrets.generate())
    }

    /// Checks the password and opens a session, or throws `unauthenticated` / `throttled`.
    public func login(email rawEmail: String, password: String, clientAddress: String, requestID: String) async throws -> SessionGrant {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let keys = throttle.keys(email: email, clientAddress: clientAddress)
        try await throttle.check(keys, database: database)
        let candidate = try await database.withoutTenant { connection in
            let rows = try await connection.query(
                "SELECT tenant_id, user_id, password_hash, disabled FROM hub.login_candidate(\(email))",
                logger: database.logger
            )
            return try await rows.decode((UUID, UUID, String?, Bool).self).first { _ in true }
        }
        let storedHash = candidate?.2 ?? unknownAccountHash
        let matches = try await hasher.verify(password, against: storedHash)
        guard let (tenant, user, passwordHash, disabled) = candidate, passwordHash != nil, matches, !disabled else {
            try await throttle.recordFailure(keys, database: database)
            if let (tenant, user, _, _) = candidate {
                try await recordFailedLogin(tenant: TenantID(tenant), user: UserID(user), clientAddress: clientAddress, requestID: requestID)
            }
            throw HubError.unauthenticated
        }
        try await throttle.recordSuccess(keys, database: database)
        let rehash = hasher.needsRehash(storedHash) ? try await hasher.hash(password) : nil
        let token = Secrets.generate()
        let sessionID = CredentialID()
        let lifetimeSeconds = Double(sessionLifetime.components.seconds)
        let bootstrap = Principal(tenantID: TenantID(tenant), userID: UserID(user), role: .member)
        let principal = try await database.withTenant(bootstrap) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO hub.sessions (tenant_id, id, user_id, token_hash, expires_at)
                VALUES (\(tenant), \(sessionID.uuid), \(user), \(Secrets.hash(token)), now() + make_interval(secs => \(lifetimeSeconds)))
                RETURNING (SELECT role::text FROM hub.users WHERE id = \(user)), (SELECT hub_operator FROM hub.users WHERE id = \(user))
                """,
                logger: database.logger
            )
            guard let (role, isOperator) = try await rows.decode((String, Bool).self).first(where: { _ in true }) else {
                throw HubError.unauthenticated
            }
            if let rehash {
                try await connection.query("UPDATE hub.users SET password_hash = \(rehash) WHERE id = \(user)", logger: database.logger)
            }
            let principal = Principal(
                tenantID: TenantID(tenant), userID: UserID(user), role: Role(rawValue: role) ?? .member,
                isHubOperator: isOperator, credentialID: sessionID
            )
            try await AuditLog.record(
                connection, Caller(principal: principal, requestID: requestID), action: "auth.login", targetType: "session",
                targetID: sessionID.description, details: ["address": clientAddress], logger: database.logger
            )
            return principal
        }
        return SessionGrant(token: token, expiresAt: Date().addingTimeInterval(lifetimeSeconds), principal: principal)
    }

    /// The principal of a live session, or `nil` for an unknown, expired, idle, revoked or disabled one.
    public func principal(forSession token: String) async throws -> Principal? {
        let idleSeconds = Double(sessionIdleTimeout.components.seconds)
        return try await resolve(
            "SELECT tenant_id, user_id, role::text, hub_operator, credential_id FROM hub.resolve_session(\(Secrets.hash(token)), make_interval(secs => \(idleSeconds)))"
        )
    }

    /// The principal of a live API token, or `nil`.
    public func principal(forAPIToken token: String) async throws -> Principal? {
        try await database.withoutTransaction { connection in
            try await connection.execute(ResolveAPIToken(hash: Secrets.hash(token)), logger: database.logger).first { _ in true }
        }
    }

    /// Every token-authenticated request runs it: prepared once per connection.
    struct ResolveAPIToken: PostgresPreparedStatement {
        static let sql = "SELECT tenant_id, user_id, role::text, hub_operator, credential_id FROM hub.resolve_api_token($1)"
        let hash: Data

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            try bindings.append(ByteBuffer(bytes: hash))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Principal {
            let (tenant, user, role, isOperator, credential) = try row.decode((UUID, UUID, String, Bool, UUID).self)
            return Principal(
                tenantID: TenantID(tenant), userID: UserID(user), role: Role(rawValue: role) ?? .member, isHubOperator: isOperator,
                credentialID: CredentialID(credential)
            )
        }
    }

    private func resolve(_ query: PostgresQuery) async throws -> Principal? {
        try await database.withoutTransaction { connection in
            let rows = try await connection.query(query, logger: database.logger)
            return try await rows.decode((UUID, UUID, String, Bool, UUID).self).first { _ in true }.map {
                Principal(
                    tenantID: TenantID($0.0), userID: UserID($0.1), role: Role(rawValue: $0.2) ?? .member,
                    isHubOperator: $0.3, credentialID: CredentialID($0.4)
                )
            }
        }
    }

    /// Ends the caller's session.
    public func logout(_ caller: Caller) async throws {
        guard let sessionID = caller.principal.credentialID else { return }
        try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                "UPDATE hub.sessions SET revoked_at = now() WHERE id = \(sessionID.uuid) AND revoked_at IS NULL RETURNING id",
                logger: database.logger
            )
            if try await rows.decode(UUID.self).first(where: { _ in true }) != nil {
                try await AuditLog.record(
                    connection, caller, action: "auth.logout", targetType: "session", targetID: sessionID.description,
                    logger: database.logger
                )
            }
        }
    }

    /// Failed sign-ins go in the account's tenant's audit trail, so its admins see guessing.
    private func recordFailedLogin(tenant: TenantID, user: UserID, clientAddress: String, requestID: String) async throws {
        let principal = Principal(tenantID: tenant, userID: user, role: .member)
        try await database.withTenant(principal) { connection in
            try await AuditLog.record(
                connection, Caller(principal: principal, requestID: requestID), action: "auth.login_failed",
                targetType: "user", targetID: user.description, details: ["address": clientAddress], logger: database.logger
            )
        }
    }
}

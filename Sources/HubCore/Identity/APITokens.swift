import Foundation
import Logging
import PostgresNIO

/// An API token as listed: never its secret, which is shown once at creation.
public struct APIToken: Sendable, Encodable, Equatable {
    public var id: CredentialID
    public var userID: UserID
    public var name: String
    public var createdAt: Date
    public var expiresAt: Date
    public var lastUsedAt: Date?
    public var revoked: Bool
}

/// Personal API tokens: random 256-bit secrets, scoped to one user in one tenant, expiring and revocable.
public struct APITokens: Sendable {
    public static let prefix = "phk_"
    public static let maximumLifetimeDays = 365
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Creates a token for the caller; returns the secret (shown once) with its record.
    public func create(_ caller: Caller, name rawName: String, lifetimeDays: Int) async throws -> (secret: String, token: APIToken) {
        guard let userID = caller.principal.userID else { throw HubError.forbidden("tokens belong to a user") }
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        var issues: [FieldIssue] = []
        if !(1...100).contains(name.count) { issues.append(FieldIssue("/name", "must be 1 to 100 characters")) }
        if !(1...Self.maximumLifetimeDays).contains(lifetimeDays) {
            issues.append(FieldIssue("/expiresInDays", "must be a whole number of days from 1 to \(Self.maximumLifetimeDays)"))
        }
        guard issues.isEmpty else { throw HubError.invalid(issues) }
        let secret = Secrets.generate(prefix: Self.prefix)
        let id = CredentialID()
        let token = try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO hub.api_tokens (tenant_id, id, user_id, name, token_hash, expires_at)
                VALUES (\(caller.tenantID.uuid), \(id.uuid), \(userID.uuid), \(name), \(Secrets.hash(secret)),
                        now() + make_interval(days => \(lifetimeDays)::int))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: database.logger
            )
            let token = try await Self.decode(rows).first!
            try await AuditLog.record(
                connection, caller, action: "token.create", targetType: "api_token", targetID: id.description,
                details: ["name": name, "expiresInDays": String(lifetimeDays)], logger: database.logger
            )
            return token
        }
        return (secret, token)
    }

    /// The caller's own tokens, newest first; admins see the whole tenant's.
    public func list(_ caller: Caller, page: PageRequest) async throws -> Page<APIToken> {
        let everyone = caller.principal.role >= .admin
        let afterID = try page.afterUUID()
        let tokens = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM hub.api_tokens
                     WHERE (\(everyone) OR user_id = \(caller.principal.userID?.uuid))
                       AND (\(afterID)::uuid IS NULL
                            OR (created_at, id) < (SELECT created_at, id FROM hub.api_tokens WHERE id = \(afterID)))
                     ORDER BY created_at DESC, id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                )
            )
        }
        return Page(fetched: tokens, limit: page.limit) { [$0.id.description] }
    }

    /// Revokes a token at once. Users revoke their own; admins any of the tenant's.
    public func revoke(_ caller: Caller, id: CredentialID) async throws -> APIToken {
        let everyone = caller.principal.role >= .admin
        return try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                """
                UPDATE hub.api_tokens SET revoked_at = coalesce(revoked_at, now())
                 WHERE id = \(id.uuid) AND (\(everyone) OR user_id = \(caller.principal.userID?.uuid))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: database.logger
            )
            guard let token = try await Self.decode(rows).first else { throw HubError.notFound("API token") }
            try await AuditLog.record(
                connection, caller, action: "token.revoke", targetType: "api_token", targetID: id.description,
                logger: database.logger
            )
            return token
        }
    }

    static let columns = "id, user_id, name, created_at, expires_at, last_used_at, revoked_at IS NOT NULL"

    static func decode(_ rows: PostgresRowSequence) async throws -> [APIToken] {
        var tokens: [APIToken] = []
        for try await (id, user, name, created, expires, lastUsed, revoked) in rows.decode(
            (UUID, UUID, String, Date, Date, Date?, Bool).self
        ) {
            tokens.append(
                APIToken(
                    id: CredentialID(id), userID: UserID(user), name: name, createdAt: created, expiresAt: expires,
                    lastUsedAt: lastUsed, revoked: revoked
                )
            )
        }
        return tokens
    }
}

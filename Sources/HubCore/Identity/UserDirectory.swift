import Foundation
import Logging
import PostgresNIO

/// A person who signs in to the hub, with a role in their tenant.
public struct User: Sendable, Encodable, Equatable {
    public var id: UserID
    public var tenantID: TenantID
    public var email: String
    public var displayName: String
    public var role: Role
    public var isHubOperator: Bool
    public var disabled: Bool
    public var createdAt: Date
}

/// Managing the people of one tenant.
public struct UserDirectory: Sendable {
    let database: HubDatabase
    let hasher: PasswordHasher

    public init(database: HubDatabase, hasher: PasswordHasher) {
        self.database = database
        self.hasher = hasher
    }

    /// Adds a user to the caller's tenant. Admins add users; only an owner may add another owner.
    public func create(
        _ caller: Caller,
        email rawEmail: String,
        displayName rawName: String,
        role: Role,
        password: String?,
        isHubOperator: Bool = false
    ) async throws -> User {
        try caller.principal.require(.admin, to: "adding a user")
        if role == .owner { try caller.principal.require(.owner, to: "adding an owner") }
        if isHubOperator { try caller.principal.requireHubOperator(to: "making a hub operator") }
        let email = try EmailAddress.normalize(rawEmail, field: "/email")
        let displayName = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(displayName.count) else { throw HubError.invalid("/displayName", "must be 1 to 200 characters") }
        var passwordHash: String?
        if let password {
            try PasswordPolicy.check(password, email: email)
            passwordHash = try await hasher.hash(password)
        }
        let id = UserID()
        return try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO hub.users (tenant_id, id, email, display_name, role, hub_operator, password_hash)
                VALUES (\(caller.tenantID.uuid), \(id.uuid), \(email), \(displayName), \(role.rawValue)::hub.user_role,
                        \(isHubOperator), \(passwordHash))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: database.logger
            )
            let user = try await Self.decode(rows).first!
            try await AuditLog.record(
                connection, caller, action: "user.create", targetType: "user", targetID: id.description,
                details: ["email": email, "role": role.rawValue], logger: database.logger
            )
            return user
        }
    }

    /// The tenant's users by e-mail address.
    public func list(_ caller: Caller, page: PageRequest) async throws -> Page<User> {
        let after = page.after?.first
        let users = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM hub.users
                     WHERE (\(after)::text IS NULL OR email > \(after))
                     ORDER BY email LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                )
            )
        }
        return Page(fetched: users, limit: page.limit) { [$0.email] }
    }

    /// One user of the caller's tenant.
    public func get(_ caller: Caller, id: UserID) async throws -> User {
        let found = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query("SELECT \(unescaped: Self.columns) FROM hub.users WHERE id = \(id.uuid)", logger: database.logger)
            )
        }
        guard let user = found.first else { throw HubError.notFound("user") }
        return user
    }

    /// Changes a user's name, role or whether they may sign in; disabling ends their sessions and tokens at once.
    public func update(_ caller: Caller, id: UserID, displayName: String?, role: Role?, disabled: Bool?) async throws -> User {
        try caller.principal.require(.admin, to: "changing a user")
        if role == .owner { try caller.principal.require(.owner, to: "making someone an owner") }
        if let displayName, !(1...200).contains(displayName.trimmingCharacters(in: .whitespacesAndNewlines).count) {
            throw HubError.invalid("/displayName", "must be 1 to 200 characters")
        }
        if id == caller.principal.userID, disabled == true || role.map({ $0 < caller.principal.role }) == true {
            throw HubError.conflict("you cannot disable yourself or lower your own role")
        }
        return try await database.withTenant(caller.principal) { connection in
            let current = try await Self.decode(
                connection.query("SELECT \(unescaped: Self.columns) FROM hub.users WHERE id = \(id.uuid) FOR UPDATE", logger: database.logger)
            )
            guard let before = current.first else { throw HubError.notFound("user") }
            if before.role == .owner { try caller.principal.require(.owner, to: "changing an owner") }
            let rows = try await connection.query(
                """
                UPDATE hub.users SET
                    display_name = coalesce(\(displayName?.trimmingCharacters(in: .whitespacesAndNewlines)), display_name),
                    role = coalesce(\(role?.rawValue)::hub.user_role, role),
                    disabled_at = CASE WHEN \(disabled)::boolean IS NULL THEN disabled_at
                                       WHEN \(disabled) THEN coalesce(disabled_at, now()) ELSE NULL END
                 WHERE id = \(id.uuid)
                RETURNING \(unescaped: Self.columns)
                """,
                logger: database.logger
            )
            let after = try await Self.decode(rows).first!
            if after.disabled && !before.disabled {
                try await connection.query(
                    "UPDATE hub.sessions SET revoked_at = now() WHERE user_id = \(id.uuid) AND revoked_at IS NULL",
                    logger: database.logger
                )
                try await connection.query(
                    "UPDATE hub.api_tokens SET revoked_at = now() WHERE user_id = \(id.uuid) AND revoked_at IS NULL",
                    logger: database.logger
                )
            }
            var changes: [String: String] = [:]
            if before.displayName != after.displayName { changes["displayName"] = after.displayName }
            if before.role != after.role { changes["role"] = "\(before.role.rawValue) → \(after.role.rawValue)" }
            if before.disabled != after.disabled { changes["disabled"] = String(after.disabled) }
            try await AuditLog.record(
                connection, caller, action: "user.update", targetType: "user", targetID: id.description, details: changes,
                logger: database.logger
            )
            return after
        }
    }

    static let columns = "id, tenant_id, email, display_name, role::text, hub_operator, disabled_at IS NOT NULL, created_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [User] {
        var users: [User] = []
        for try await (id, tenantID, email, name, role, isOperator, disabled, createdAt) in rows.decode(
            (UUID, UUID, String, String, String, Bool, Bool, Date).self
        ) {
            users.append(
                User(
                    id: UserID(id), tenantID: TenantID(tenantID), email: email, displayName: name,
                    role: Role(rawValue: role) ?? .member, isHubOperator: isOperator, disabled: disabled, createdAt: createdAt
                )
            )
        }
        return users
    }
}

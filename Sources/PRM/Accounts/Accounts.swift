import Foundation
import HubCore
import Logging
import PostgresNIO

/// A tenant's customer accounts: created, edited, listed; each change audited and on the timeline.
public struct Accounts: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Creates an account; its domain, when given, must not belong to another account of the tenant.
    public func create(_ caller: Caller, _ fields: AccountFields) async throws -> Account {
        let fields = try fields.validated()
        return try await database.withTenant(caller.principal) { connection in
            try await Self.insert(connection, caller, fields, logger: database.logger)
        }
    }

    /// Edits an account: fields left out stay, cleared ones are emptied; the result must still be a valid account.
    public func update(_ caller: Caller, id: AccountID, _ changes: AccountChanges) async throws -> Account {
        try await database.withTenant(caller.principal) { connection in
            let current = try await Self.fetch(connection, id: id, lock: true, logger: database.logger)
            guard !changes.isEmpty else { throw HubError.invalid("/", "name at least one field to change") }
            let fields = try changes.applied(to: current).validated()
            if fields.ownerUserID != current.ownerUserID {
                try await References.requireUser(connection, fields.ownerUserID, field: "/ownerUserID", logger: database.logger)
            }
            if let domain = fields.domain, domain != current.domain {
                try await Self.requireFreeDomain(connection, domain, except: id, logger: database.logger)
            }
            let name = fields.name ?? current.name
            try await connection.query(
                """
                UPDATE hub.accounts SET name = \(name), name_key = \(CompanyName.key(name)), domain = \(fields.domain),
                       country = \(fields.country), region = \(fields.region), owner_user_id = \(fields.ownerUserID?.uuid), updated_at = now()
                 WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "account.updated", subject: EventSubject("account", id.uuid),
                audit: AuditRecord(action: "account.update", targetType: "account", targetID: id.description),
                logger: database.logger
            )
            return try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    /// The tenant's accounts, newest first, filtered.
    public func list(_ caller: Caller, filter: AccountFilter, page: PageRequest) async throws -> Page<Account> {
        let afterID = try page.afterUUID()
        let country = try filter.country.map { raw throws(HubError) in try CountryCode.normalize(raw, field: "country") }
        let domain = try filter.domain.map { raw throws(HubError) in try DomainName.normalize(raw, field: "domain") }
        let accounts = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM hub.accounts
                     WHERE (\(country)::text IS NULL OR country = \(country))
                       AND (\(domain)::text IS NULL OR domain = \(domain))
                       AND (\(filter.ownerUserID?.uuid)::uuid IS NULL OR owner_user_id = \(filter.ownerUserID?.uuid))
                       AND (\(afterID)::uuid IS NULL
                            OR (created_at, id) < (SELECT created_at, id FROM hub.accounts WHERE id = \(afterID)))
                     ORDER BY created_at DESC, id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                )
            )
        }
        return Page(fetched: accounts, limit: page.limit) { [$0.id.description] }
    }

    /// One account of the caller's tenant.
    public func get(_ caller: Caller, id: AccountID) async throws -> Account {
        try await database.withTenant(caller.principal) { connection in
            try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    /// What happened to the account, oldest first.
    public func timeline(_ caller: Caller, id: AccountID, page: PageRequest) async throws -> Page<HubEvent> {
        try await database.withTenant(caller.principal) { connection in
            _ = try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
            return try await Events.timeline(connection, subject: EventSubject("account", id.uuid), page: page, logger: database.logger)
        }
    }

    /// Inserts validated fields as a new account, audited and on the timeline; shared by lead conversion
    /// and deal registration approval.
    static func insert(_ connection: PostgresConnection, _ caller: Caller, _ fields: AccountFields, logger: Logger) async throws -> Account {
        let name = fields.name ?? ""
        try await References.requireUser(connection, fields.ownerUserID, field: "/ownerUserID", logger: logger)
        if let domain = fields.domain { try await requireFreeDomain(connection, domain, except: nil, logger: logger) }
        let id = AccountID()
        let rows = try await connection.query(
            """
            INSERT INTO hub.accounts (tenant_id, id, name, name_key, domain, country, region, owner_user_id)
            VALUES (\(caller.tenantID.uuid), \(id.uuid), \(name), \(CompanyName.key(name)), \(fields.domain), \(fields.country),
                    \(fields.region), \(fields.ownerUserID?.uuid))
            RETURNING \(unescaped: columns)
            """,
            logger: logger
        )
        let account = try await decode(rows).first!
        try await Events.record(
            connection, caller, "account.created", subject: EventSubject("account", id.uuid),
            audit: AuditRecord(action: "account.create", targetType: "account", targetID: id.description),
            logger: logger
        )
        return account
    }

    /// The tenant's account with this normalized domain, if any.
    static func find(_ connection: PostgresConnection, domain: String, logger: Logger) async throws -> Account? {
        try await decode(connection.query("SELECT \(unescaped: columns) FROM hub.accounts WHERE domain = \(domain)", logger: logger)).first
    }

    static func fetch(_ connection: PostgresConnection, id: AccountID, lock: Bool, logger: Logger) async throws -> Account {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM hub.accounts WHERE id = \(id.uuid) \(unescaped: lock ? "FOR UPDATE" : "")", logger: logger
        )
        guard let account = try await decode(rows).first else { throw HubError.notFound("account") }
        return account
    }

    private static func requireFreeDomain(_ connection: PostgresConnection, _ domain: String, except: AccountID?, logger: Logger) async throws {
        if let existing = try await find(connection, domain: domain, logger: logger), existing.id != except {
            throw HubError.conflict("the account \(existing.id) already has the domain \(domain)")
        }
    }

    static let columns = "id, name, domain, country, region, owner_user_id, created_at, updated_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [Account] {
        var accounts: [Account] = []
        for try await (id, name, domain, country, region, owner, created, updated) in rows.decode(
            (UUID, String, String?, String?, String?, UUID?, Date, Date).self
        ) {
            accounts.append(
                Account(
                    id: AccountID(id), name: name, domain: domain, country: country, region: region,
                    ownerUserID: owner.map { UserID($0) }, createdAt: created, updatedAt: updated
                )
            )
        }
        return accounts
    }
}

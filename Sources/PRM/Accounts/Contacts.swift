import Foundation
import HubCore
import Logging
import PostgresNIO

/// A tenant's contacts at its customer accounts.
public struct Contacts: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Creates a contact; its e-mail, when given, must not belong to another contact of the tenant.
    public func create(_ caller: Caller, _ fields: ContactFields) async throws -> Contact {
        let fields = try fields.validated()
        return try await database.withTenant(caller.principal) { connection in
            try await Self.insert(connection, caller, fields, logger: database.logger)
        }
    }

    /// Edits a contact: fields left out stay, cleared ones are emptied; the result must still be a valid contact.
    public func update(_ caller: Caller, id: ContactID, _ changes: ContactChanges) async throws -> Contact {
        try await database.withTenant(caller.principal) { connection in
            let current = try await Self.fetch(connection, id: id, lock: true, logger: database.logger)
            guard !changes.isEmpty else { throw HubError.invalid("/", "name at least one field to change") }
            let fields = try changes.applied(to: current).validated()
            if fields.accountID != current.accountID {
                try await References.requireAccount(connection, fields.accountID, field: "/accountID", logger: database.logger)
            }
            if let email = fields.email, email != current.email {
                try await Self.requireFreeEmail(connection, email, except: id, logger: database.logger)
            }
            try await connection.query(
                """
                UPDATE hub.contacts SET account_id = \(fields.accountID?.uuid), first_name = \(fields.firstName), last_name = \(fields.lastName),
                       email = \(fields.email), phone = \(fields.phone), title = \(fields.title), updated_at = now()
                 WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "contact.updated", subject: EventSubject("contact", id.uuid),
                audit: AuditRecord(action: "contact.update", targetType: "contact", targetID: id.description),
                logger: database.logger
            )
            return try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    /// The tenant's contacts, newest first, filtered.
    public func list(_ caller: Caller, filter: ContactFilter, page: PageRequest) async throws -> Page<Contact> {
        let afterID = try page.afterUUID()
        let email = try filter.email.map { raw throws(HubError) in try EmailAddress.normalize(raw, field: "email") }
        let contacts = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM hub.contacts
                     WHERE (\(filter.accountID?.uuid)::uuid IS NULL OR account_id = \(filter.accountID?.uuid))
                       AND (\(email)::text IS NULL OR email = \(email))
                       AND (\(afterID)::uuid IS NULL
                            OR (created_at, id) < (SELECT created_at, id FROM hub.contacts WHERE id = \(afterID)))
                     ORDER BY created_at DESC, id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                )
            )
        }
        return Page(fetched: contacts, limit: page.limit) { [$0.id.description] }
    }

    /// One contact of the caller's tenant.
    public func get(_ caller: Caller, id: ContactID) async throws -> Contact {
        try await database.withTenant(caller.principal) { connection in
            try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    /// What happened to the contact, oldest first.
    public func timeline(_ caller: Caller, id: ContactID, page: PageRequest) async throws -> Page<HubEvent> {
        try await database.withTenant(caller.principal) { connection in
            _ = try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
            return try await Events.timeline(connection, subject: EventSubject("contact", id.uuid), page: page, logger: database.logger)
        }
    }

    /// Inserts validated fields as a new contact, audited and on the timeline; shared with lead conversion.
    static func insert(_ connection: PostgresConnection, _ caller: Caller, _ fields: ContactFields, logger: Logger) async throws -> Contact {
        try await References.requireAccount(connection, fields.accountID, field: "/accountID", logger: logger)
        if let email = fields.email { try await requireFreeEmail(connection, email, except: nil, logger: logger) }
        let id = ContactID()
        let rows = try await connection.query(
            """
            INSERT INTO hub.contacts (tenant_id, id, account_id, first_name, last_name, email, phone, title)
            VALUES (\(caller.tenantID.uuid), \(id.uuid), \(fields.accountID?.uuid), \(fields.firstName), \(fields.lastName),
                    \(fields.email), \(fields.phone), \(fields.title))
            RETURNING \(unescaped: columns)
            """,
            logger: logger
        )
        let contact = try await decode(rows).first!
        try await Events.record(
            connection, caller, "contact.created", subject: EventSubject("contact", id.uuid),
            audit: AuditRecord(action: "contact.create", targetType: "contact", targetID: id.description),
            logger: logger
        )
        return contact
    }

    /// The tenant's contact with this normalized e-mail, if any.
    static func find(_ connection: PostgresConnection, email: String, logger: Logger) async throws -> Contact? {
        try await decode(connection.query("SELECT \(unescaped: columns) FROM hub.contacts WHERE email = \(email)", logger: logger)).first
    }

    static func fetch(_ connection: PostgresConnection, id: ContactID, lock: Bool, logger: Logger) async throws -> Contact {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM hub.contacts WHERE id = \(id.uuid) \(unescaped: lock ? "FOR UPDATE" : "")", logger: logger
        )
        guard let contact = try await decode(rows).first else { throw HubError.notFound("contact") }
        return contact
    }

    private static func requireFreeEmail(_ connection: PostgresConnection, _ email: String, except: ContactID?, logger: Logger) async throws {
        if let existing = try await find(connection, email: email, logger: logger), existing.id != except {
            throw HubError.conflict("the contact \(existing.id) already has the e-mail address \(email)")
        }
    }

    static let columns = "id, account_id, first_name, last_name, email, phone, title, created_at, updated_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [Contact] {
        var contacts: [Contact] = []
        for try await (id, account, first, last, email, phone, title, created, updated) in rows.decode(
            (UUID, UUID?, String?, String?, String?, String?, String?, Date, Date).self
        ) {
            contacts.append(
                Contact(
                    id: ContactID(id), accountID: account.map { AccountID($0) }, firstName: first, lastName: last, email: email,
                    phone: phone, title: title, createdAt: created, updatedAt: updated
                )
            )
        }
        return contacts
    }
}

import Foundation
import Logging
import PostgresNIO

/// A company on the hub.
public struct Tenant: Sendable, Encodable, Equatable {
    public var id: TenantID
    public var slug: String
    public var name: String
    public var createdAt: Date
}

/// Creating and reading tenants. Creating and listing all of them is for hub operators.
public struct TenantDirectory: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Creates a tenant; `id` lets the command line audit the creation in the new tenant's own log.
    public func create(_ caller: Caller, id: TenantID = TenantID(), slug: String, name: String) async throws -> Tenant {
        try caller.principal.requireHubOperator(to: "creating a tenant")
        let (slug, name) = try Self.validate(slug: slug, name: name)
        return try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                "INSERT INTO hub.tenants (id, slug, name) VALUES (\(id.uuid), \(slug), \(name)) RETURNING created_at",
                logger: database.logger
            )
            let createdAt = try await rows.decode(Date.self).first { _ in true } ?? Date()
            try await AuditLog.record(
                connection, caller, action: "tenant.create", targetType: "tenant", targetID: id.description,
                details: ["slug": slug, "name": name], logger: database.logger
            )
            return Tenant(id: id, slug: slug, name: name, createdAt: createdAt)
        }
    }

    /// Every tenant, by slug: the operator's view.
    public func list(_ caller: Caller, page: PageRequest) async throws -> Page<Tenant> {
        try caller.principal.requireHubOperator(to: "listing all tenants")
        let after = page.after?.first
        let tenants = try await database.withTenant(caller.principal) { connection in
            try await Self.tenants(
                connection,
                query: """
                    SELECT id, slug, name, created_at FROM hub.tenants
                     WHERE (\(after)::text IS NULL OR slug > \(after))
                     ORDER BY slug LIMIT \(page.limit + 1)
                    """,
                logger: database.logger
            )
        }
        return Page(fetched: tenants, limit: page.limit) { [$0.slug] }
    }

    /// The caller's own tenant, or one it has a partnership with.
    public func get(_ caller: Caller, id: TenantID) async throws -> Tenant {
        let found = try await database.withTenant(caller.principal) { connection in
            try await Self.tenants(
                connection,
                query: "SELECT id, slug, name, created_at FROM hub.tenants WHERE id = \(id.uuid)",
                logger: database.logger
            )
        }
        guard let tenant = found.first else { throw HubError.notFound("tenant") }
        return tenant
    }

    static func tenants(_ connection: PostgresConnection, query: PostgresQuery, logger: Logger) async throws -> [Tenant] {
        var tenants: [Tenant] = []
        for try await (id, slug, name, createdAt) in try await connection.query(query, logger: logger)
            .decode((UUID, String, String, Date).self)
        {
            tenants.append(Tenant(id: TenantID(id), slug: slug, name: name, createdAt: createdAt))
        }
        return tenants
    }

    static func validate(slug: String, name: String) throws(HubError) -> (String, String) {
        var issues: [FieldIssue] = []
        let isSlugCharacter: (UInt8) -> Bool = {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-")
        }
        if !(2...63).contains(slug.utf8.count) || !slug.utf8.allSatisfy(isSlugCharacter) || slug.hasPrefix("-") {
            issues.append(FieldIssue("/slug", "must be 2 to 63 lower-case letters, digits or hyphens, not starting with a hyphen"))
        }
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmedName.isEmpty || trimmedName.count > 200 {
            issues.append(FieldIssue("/name", "must be 1 to 200 characters"))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        return (slug, trimmedName)
    }
}

import Foundation
import PostgresNIO

extension HubDatabase {
    /// The tenant with this slug, or `notFound`.
    public func tenantID(forSlug slug: String) async throws -> TenantID {
        let id = try await withoutTenant { connection in
            try await connection.query("SELECT hub.tenant_id_for_slug(\(slug))", logger: logger)
                .decode(UUID?.self).first { _ in true } ?? nil
        }
        guard let id else { throw HubError.notFound("tenant with slug \(slug)") }
        return TenantID(id)
    }

    /// The principal of the user who signs in with `email`, for the operator's command line.
    public func principal(forEmail email: String) async throws -> Principal {
        let found = try await withoutTenant { connection in
            try await connection.query("SELECT tenant_id, user_id FROM hub.login_candidate(\(email))", logger: logger)
                .decode((UUID, UUID).self).first { _ in true }
        }
        guard let (tenant, user) = found else { throw HubError.notFound("user with e-mail \(email)") }
        let principal = Principal(tenantID: TenantID(tenant), userID: UserID(user), role: .member)
        let role = try await withTenant(principal) { connection in
            try await connection.query("SELECT role::text, hub_operator FROM hub.users WHERE id = \(user)", logger: logger)
                .decode((String, Bool).self).first { _ in true }
        }
        guard let (roleName, isOperator) = role, let parsedRole = Role(rawValue: roleName) else {
            throw HubError.notFound("user with e-mail \(email)")
        }
        return Principal(tenantID: principal.tenantID, userID: principal.userID, role: parsedRole, isHubOperator: isOperator)
    }
}

import HubCore
import Logging
import PostgresNIO

/// Switches the row-level-security scope of the current transaction to another tenant and back.
///
/// Used in one place only: when a partner submits a registration, conflict detection must read the
/// vendor's own data (its other partners' registrations, accounts and pipeline) and write conflict rows
/// only the vendor can see, in the same transaction as the submission. Running it as the vendor keeps
/// every query inside the vendor's rows; the partner's code path gets back only a yes/no.
enum TenantScope {
    static func acting<Result>(
        as tenant: TenantID, on connection: PostgresConnection, thenReturnTo caller: Caller, logger: Logger,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await set(connection, tenant: tenant.description, user: "", logger: logger)
        // On error the transaction rolls back, settings included, so only the success path restores.
        let result = try await body()
        try await set(connection, tenant: caller.tenantID.description, user: caller.principal.userID?.description ?? "", logger: logger)
        return result
    }

    private static func set(_ connection: PostgresConnection, tenant: String, user: String, logger: Logger) async throws {
        try await connection.query(
            "SELECT set_config('app.tenant_id', \(tenant), true), set_config('app.user_id', \(user), true)", logger: logger
        )
    }
}

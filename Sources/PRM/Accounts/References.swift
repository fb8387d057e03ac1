import Foundation
import HubCore
import Logging
import PostgresNIO

/// Checks that ids a request names are objects of the caller's tenant; row-level security makes
/// another tenant's id look absent, so the answer is the same `invalid` either way.
enum References {
    static func requireUser(_ connection: PostgresConnection, _ id: UserID?, field: String, logger: Logger) async throws {
        guard let id else { return }
        try await require(connection, "SELECT count(*) FROM hub.users WHERE id = \(id.uuid)", field: field, what: "user", logger: logger)
    }

    static func requireAccount(_ connection: PostgresConnection, _ id: AccountID?, field: String, logger: Logger) async throws {
        guard let id else { return }
        try await require(connection, "SELECT count(*) FROM hub.accounts WHERE id = \(id.uuid)", field: field, what: "account", logger: logger)
    }

    private static func require(
        _ connection: PostgresConnection, _ query: PostgresQuery, field: String, what: String, logger: Logger
    ) async throws {
        let found = try await connection.query(query, logger: logger).decode(Int.self).first { _ in true }
        guard found == 1 else { throw HubError.invalid(field, "no \(what) of your company has this id") }
    }
}

import Foundation
import Logging
import PostgresNIO

/// One recorded change: who did what to which object, and when.
public struct AuditEntry: Sendable, Encodable, Equatable {
    public var id: Int64
    public var at: Date
    public var actorUserID: UserID?
    public var action: String
    public var targetType: String
    public var targetID: String?
    public var requestID: String?
    public var details: [String: String]
}

/// An audit entry to write along with the change's event: `Events.record(…, audit:)`.
public struct AuditRecord: Sendable {
    public var action: String
    public var targetType: String
    public var targetID: String?
    public var details: [String: String]

    public init(action: String, targetType: String, targetID: String?, details: [String: String] = [:]) {
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.details = details
    }

    func detailsJSON() throws -> String { String(decoding: try JSONEncoder().encode(details), as: UTF8.self) }
}

/// The tenant's append-only audit trail, written in the same transaction as each change.
public enum AuditLog {
    /// Records `action` on the target; call it inside the transaction that makes the change.
    public static func record(
        _ connection: PostgresConnection,
        _ caller: Caller,
        action: String,
        targetType: String,
        targetID: String?,
        details: [String: String] = [:],
        logger: Logger
    ) async throws {
        let record = AuditRecord(action: action, targetType: targetType, targetID: targetID, details: details)
        let insert = InsertAuditEntry(
            tenant: caller.tenantID.uuid, actor: caller.principal.userID?.uuid, action: action, targetType: targetType,
            targetID: targetID, requestID: caller.requestID, details: try record.detailsJSON()
        )
        for try await _ in try await connection.execute(insert, logger: logger) {}
    }

    /// Every change writes one: prepared once per connection.
    struct InsertAuditEntry: PostgresPreparedStatement {
        typealias Row = ()
        static let sql = """
            INSERT INTO hub.audit_log (tenant_id, actor_user_id, action, target_type, target_id, request_id, details)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
            """
        let tenant: UUID
        let actor: UUID?
        let action: String
        let targetType: String
        let targetID: String?
        let requestID: String?
        let details: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 7)
            try bindings.append(tenant)
            try bindings.append(actor)
            try bindings.append(action)
            try bindings.append(targetType)
            try bindings.append(targetID)
            try bindings.append(requestID)
            try bindings.append(details)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }

    /// The tenant's entries, newest first.
    public static func list(_ database: HubDatabase, _ caller: Caller, page: PageRequest) async throws -> Page<AuditEntry> {
        let afterID: Int64? = try page.after.map { position throws(HubError) in
            guard let id = position.first.flatMap({ Int64($0) }) else {
                throw .invalid("cursor", "is not a cursor returned by this list")
            }
            return id
        }
        let entries = try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                """
                SELECT id, at, actor_user_id, action, target_type, target_id, request_id, details::text
                  FROM hub.audit_log
                 WHERE (\(afterID)::bigint IS NULL OR id < \(afterID))
                 ORDER BY id DESC
                 LIMIT \(page.limit + 1)
                """,
                logger: database.logger
            )
            var entries: [AuditEntry] = []
            for try await (id, at, actor, action, targetType, targetID, requestID, details) in rows.decode(
                (Int64, Date, UUID?, String, String, String?, String?, String).self
            ) {
                let decoded = (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:]
                entries.append(
                    AuditEntry(
                        id: id, at: at, actorUserID: actor.map { UserID($0) }, action: action, targetType: targetType,
                        targetID: targetID, requestID: requestID, details: decoded
                    )
                )
            }
            return entries
        }
        return Page(fetched: entries, limit: page.limit) { [String($0.id)] }
    }
}

import Foundation
import Logging
import PostgresNIO

/// The business object an event is about: `lead`, `deal_registration`, `promotion`, …
public struct EventSubject: Sendable, Hashable {
    public var type: String
    public var id: UUID

    public init(_ type: String, _ id: UUID) {
        self.type = type
        self.id = id
    }
}

/// Something that happened to a business object, as one tenant sees it.
public struct HubEvent: Sendable, Encodable, Equatable {
    public var id: Int64
    public var type: String
    public var subjectType: String
    public var subjectID: UUID
    /// The company whose user (or system job) did it: the tenant itself or one of its partners.
    public var actorTenantID: TenantID
    public var actorUserID: UserID?
    public var data: [String: String]
    public var at: Date
}

/// Events per tenant: each object's activity timeline and the source of the tenant's webhooks.
/// Recorded in the transaction that makes the change, so an event exists exactly when its change does.
public enum Events {
    /// Records `type` (e.g. `lead.offered`) on `subject` for the caller's tenant and for each of `partners`
    /// (tenants the caller has a partnership with; the database refuses any other). With `audit`, the change's
    /// audit entry is written by the same statement: one round trip instead of two.
    public static func record(
        _ connection: PostgresConnection,
        _ caller: Caller,
        _ type: String,
        subject: EventSubject,
        data: [String: String] = [:],
        alsoFor partners: [TenantID] = [],
        audit: AuditRecord? = nil,
        logger: Logger
    ) async throws {
        let json = String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
        var tenants = [caller.tenantID.uuid]
        for partner in partners where !tenants.contains(partner.uuid) { tenants.append(partner.uuid) }
        let insert = InsertEvent(
            tenants: tenants, type: type, subject: subject, actorTenant: caller.tenantID.uuid, actorUser: caller.principal.userID?.uuid,
            requestID: caller.requestID, payload: json
        )
        if let audit {
            let withAudit = InsertEventWithAudit(event: insert, audit: audit, details: try audit.detailsJSON())
            for try await _ in try await connection.execute(withAudit, logger: logger) {}
        } else {
            for try await _ in try await connection.execute(insert, logger: logger) {}
        }
    }

    /// Every change records one: prepared once per connection.
    struct InsertEvent: PostgresPreparedStatement {
        typealias Row = ()
        static let sql = """
            INSERT INTO hub.events (tenant_id, type, subject_type, subject_id, actor_tenant_id, actor_user_id, request_id, payload)
            SELECT t, $2, $3, $4, $5, $6, $7, $8::jsonb FROM unnest($1::uuid[]) AS t
            """
        let tenants: [UUID]
        let type: String
        let subject: EventSubject
        let actorTenant: UUID
        let actorUser: UUID?
        let requestID: String?
        let payload: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 8)
            try bindings.append(tenants)
            try bindings.append(type)
            try bindings.append(subject.type)
            try bindings.append(subject.id)
            try bindings.append(actorTenant)
            try bindings.append(actorUser)
            try bindings.append(requestID)
            try bindings.append(payload)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }

    /// An event and the audit entry of the same change.
    struct InsertEventWithAudit: PostgresPreparedStatement {
        typealias Row = ()
        static let sql = """
            WITH audit AS (
                INSERT INTO hub.audit_log (tenant_id, actor_user_id, action, target_type, target_id, request_id, details)
                VALUES ($5, $6, $9, $10, $11, $7, $12::jsonb)
            )
            \(InsertEvent.sql)
            """
        let event: InsertEvent
        let audit: AuditRecord
        let details: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = try event.makeBindings()
            try bindings.append(audit.action)
            try bindings.append(audit.targetType)
            try bindings.append(audit.targetID)
            try bindings.append(details)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }

    /// Records the same `type` and `data` on each of `subjects`, for the caller's tenant: a bulk change
    /// (an import, say) gives each object its own timeline entry in one statement.
    public static func record(
        _ connection: PostgresConnection,
        _ caller: Caller,
        _ type: String,
        subjects: [EventSubject],
        data: [String: String] = [:],
        logger: Logger
    ) async throws {
        let json = String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO hub.events (tenant_id, type, subject_type, subject_id, actor_tenant_id, actor_user_id, request_id, payload)
            SELECT \(caller.tenantID.uuid), \(type), s.type, s.id, \(caller.tenantID.uuid), \(caller.principal.userID?.uuid),
                   \(caller.requestID), \(json)::jsonb
              FROM unnest(\(subjects.map(\.type))::text[], \(subjects.map(\.id))::uuid[]) AS s(type, id)
            """,
            logger: logger
        )
    }

    /// The caller's events on `subject`, oldest first. The caller checks that the subject is visible first,
    /// so an unknown subject is a 404 rather than an empty timeline.
    public static func timeline(
        _ connection: PostgresConnection, subject: EventSubject, page: PageRequest, logger: Logger
    ) async throws -> Page<HubEvent> {
        let afterID: Int64? = try page.after.map { position throws(HubError) in
            guard let id = position.first.flatMap({ Int64($0) }) else {
                throw .invalid("cursor", "is not a cursor returned by this list")
            }
            return id
        }
        let rows = try await connection.query(
            """
            SELECT id, type, subject_type, subject_id, actor_tenant_id, actor_user_id, payload::text, at
              FROM hub.events
             WHERE subject_type = \(subject.type) AND subject_id = \(subject.id)
               AND (\(afterID)::bigint IS NULL OR id > \(afterID))
             ORDER BY id LIMIT \(page.limit + 1)
            """,
            logger: logger
        )
        var events: [HubEvent] = []
        for try await (id, type, subjectType, subjectID, actorTenant, actorUser, payload, at) in rows.decode(
            (Int64, String, String, UUID, UUID, UUID?, String, Date).self
        ) {
            events.append(
                HubEvent(
                    id: id, type: type, subjectType: subjectType, subjectID: subjectID, actorTenantID: TenantID(actorTenant),
                    actorUserID: actorUser.map(UserID.init), data: try JSONDecoder().decode([String: String].self, from: Data(payload.utf8)),
                    at: at
                )
            )
        }
        return Page(fetched: events, limit: page.limit) { [String($0.id)] }
    }
}

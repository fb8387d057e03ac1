import Foundation
import Logging
import PostgresNIO

/// A tenant's webhook endpoints and their delivery log. Events reach the endpoints through the
/// database (a trigger on `hub.events` makes the deliveries); the sender in HubServer sends them.
public struct WebhookEndpoints: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Registers an endpoint; the answer carries its signing secret, shown this once.
    public func create(_ caller: Caller, url rawURL: String, events rawEvents: [String]?, active: Bool?, description rawDescription: String?)
        async throws -> WebhookEndpointWithSecret
    {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        var issues: [FieldIssue] = []
        var url = "", events: [String] = [], description: String?
        do { url = try WebhookRules.validatedURL(rawURL) } catch { issues += Self.issues(error) }
        do { events = try WebhookRules.validatedFilters(rawEvents ?? ["*"]) } catch { issues += Self.issues(error) }
        do { description = try WebhookRules.validatedDescription(rawDescription) } catch { issues += Self.issues(error) }
        guard issues.isEmpty else { throw HubError.invalid(issues) }
        let id = WebhookEndpointID()
        let key = Self.newKey()
        let endpoint = try await database.withTenant(caller.principal) { connection in
            try await connection.query(
                """
                INSERT INTO hub.webhook_endpoints (tenant_id, id, url, event_types, active, description, secret)
                VALUES (\(caller.tenantID.uuid), \(id.uuid), \(url), \(events), \(active ?? true), \(description), \(key))
                """,
                logger: database.logger
            )
            try await recordChange(connection, caller, id: id, action: "created", details: ["url": url, "events": events.joined(separator: ",")])
            return try await fetch(connection, id: id)
        }
        return WebhookEndpointWithSecret(endpoint: endpoint, secret: Self.display(key))
    }

    /// The tenant's endpoints, newest first.
    public func list(_ caller: Caller, page: PageRequest) async throws -> Page<WebhookEndpoint> {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        let afterID = try page.afterUUID()
        let endpoints = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM hub.webhook_endpoints
                     WHERE (\(afterID)::uuid IS NULL
                            OR (created_at, id) < (SELECT created_at, id FROM hub.webhook_endpoints WHERE id = \(afterID)))
                     ORDER BY created_at DESC, id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                )
            )
        }
        return Page(fetched: endpoints, limit: page.limit) { [$0.id.description] }
    }

    /// One endpoint of the caller's tenant.
    public func get(_ caller: Caller, id: WebhookEndpointID) async throws -> WebhookEndpoint {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        return try await database.withTenant(caller.principal) { connection in try await fetch(connection, id: id) }
    }

    /// Changes the URL, filters, active flag or description.
    public func update(_ caller: Caller, id: WebhookEndpointID, _ changes: WebhookEndpointChanges) async throws -> WebhookEndpoint {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        return try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, id: id, lock: true)
            var issues: [FieldIssue] = []
            var url: String?, events: [String]?, description: String?
            do { url = try changes.url.map { raw throws(HubError) in try WebhookRules.validatedURL(raw) } } catch { issues += Self.issues(error) }
            do { events = try changes.events.map { raw throws(HubError) in try WebhookRules.validatedFilters(raw) } } catch { issues += Self.issues(error) }
            do { description = try WebhookRules.validatedDescription(changes.description ?? nil) } catch { issues += Self.issues(error) }
            guard issues.isEmpty else { throw HubError.invalid(issues) }
            let clearsDescription = changes.description != nil
            try await connection.query(
                """
                UPDATE hub.webhook_endpoints SET
                    url = coalesce(\(url), url),
                    event_types = coalesce(\(events)::text[], event_types),
                    active = coalesce(\(changes.active), active),
                    description = CASE WHEN \(clearsDescription) THEN \(description) ELSE description END,
                    updated_at = now()
                 WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            var details: [String: String] = [:]
            if let url { details["url"] = url }
            if let events { details["events"] = events.joined(separator: ",") }
            if let active = changes.active { details["active"] = String(active) }
            try await recordChange(connection, caller, id: id, action: "updated", details: details)
            return try await fetch(connection, id: id)
        }
    }

    /// Deactivates the endpoint: nothing more is sent to it, and its log stays readable.
    /// Deliveries already waiting resume if it is made active again.
    public func deactivate(_ caller: Caller, id: WebhookEndpointID) async throws -> WebhookEndpoint {
        try await update(caller, id: id, WebhookEndpointChanges(active: false))
    }

    /// Replaces the signing secret at once; the new one is shown this once.
    public func rotateSecret(_ caller: Caller, id: WebhookEndpointID) async throws -> WebhookEndpointWithSecret {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        let key = Self.newKey()
        let endpoint = try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, id: id, lock: true)
            try await connection.query(
                "UPDATE hub.webhook_endpoints SET secret = \(key), secret_rotated_at = now(), updated_at = now() WHERE id = \(id.uuid)",
                logger: database.logger
            )
            try await recordChange(connection, caller, id: id, action: "secret_rotated", details: [:])
            return try await fetch(connection, id: id)
        }
        return WebhookEndpointWithSecret(endpoint: endpoint, secret: Self.display(key))
    }

    /// Sends a `webhook.ping` event to this endpoint alone, through the normal delivery path.
    public func ping(_ caller: Caller, id: WebhookEndpointID) async throws -> WebhookDelivery {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        return try await database.withTenant(caller.principal) { connection in
            let endpoint = try await fetch(connection, id: id)
            guard endpoint.active else { throw HubError.conflict("the endpoint is inactive; activate it before pinging it") }
            try await recordChange(connection, caller, id: id, action: "ping", details: [:])
            let rows = try await connection.query(
                """
                SELECT hub.enqueue_webhook_delivery(\(id.uuid),
                       (SELECT max(id) FROM hub.events WHERE subject_type = 'webhook_endpoint' AND subject_id = \(id.uuid)
                           AND type = 'webhook.ping'))
                """,
                logger: database.logger
            )
            guard let deliveryID = try await rows.decode(UUID?.self).first(where: { _ in true }) ?? nil else {
                throw HubError.notFound("webhook endpoint")
            }
            return try await fetchDelivery(connection, endpoint: id, id: WebhookDeliveryID(deliveryID), withAttempts: false)
        }
    }

    /// The endpoint's deliveries, newest first, optionally of one status.
    public func deliveries(_ caller: Caller, endpoint: WebhookEndpointID, status: WebhookDeliveryStatus?, page: PageRequest)
        async throws -> Page<WebhookDelivery>
    {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        let afterID = try page.afterUUID()
        let deliveries = try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, id: endpoint)
            return try await Self.decodeDeliveries(
                connection.query(
                    """
                    SELECT \(unescaped: Self.deliveryColumns) FROM hub.webhook_deliveries
                     WHERE endpoint_id = \(endpoint.uuid)
                       AND (\(status?.rawValue)::hub.webhook_delivery_status IS NULL
                            OR status = \(status?.rawValue)::hub.webhook_delivery_status)
                       AND (\(afterID)::uuid IS NULL
                            OR (created_at, id) < (SELECT created_at, id FROM hub.webhook_deliveries WHERE id = \(afterID)))
                     ORDER BY created_at DESC, id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                )
            )
        }
        return Page(fetched: deliveries, limit: page.limit) { [$0.id.description] }
    }

    /// One delivery with every attempt made for it.
    public func delivery(_ caller: Caller, endpoint: WebhookEndpointID, id: WebhookDeliveryID) async throws -> WebhookDelivery {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        return try await database.withTenant(caller.principal) { connection in
            try await fetchDelivery(connection, endpoint: endpoint, id: id, withAttempts: true)
        }
    }

    /// Replays a delivery by hand: a new pending delivery of the same body, linked to the original.
    /// The receiver sees the same event id, so it can tell a replay from a new event.
    public func redeliver(_ caller: Caller, endpoint: WebhookEndpointID, id: WebhookDeliveryID) async throws -> WebhookDelivery {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        return try await database.withTenant(caller.principal) { connection in
            let original = try await fetchDelivery(connection, endpoint: endpoint, id: id, withAttempts: false)
            guard original.status != .pending else {
                throw HubError.conflict("the delivery is still pending; it will be tried again on its own")
            }
            let replay = WebhookDeliveryID()
            try await connection.query(
                """
                INSERT INTO hub.webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body, redelivery_of)
                SELECT tenant_id, \(replay.uuid), endpoint_id, event_id, event_type, body, id
                  FROM hub.webhook_deliveries WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            try await recordChange(connection, caller, id: endpoint, action: "redelivered", details: ["delivery": id.description])
            return try await fetchDelivery(connection, endpoint: endpoint, id: replay, withAttempts: false)
        }
    }

    /// What happened to the endpoint, oldest first: its activity timeline.
    public func timeline(_ caller: Caller, id: WebhookEndpointID, page: PageRequest) async throws -> Page<HubEvent> {
        try caller.principal.require(.channelManager, to: "managing webhooks")
        return try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, id: id)
            return try await Events.timeline(connection, subject: EventSubject("webhook_endpoint", id.uuid), page: page, logger: database.logger)
        }
    }

    // MARK: - Helpers

    private func recordChange(
        _ connection: PostgresConnection, _ caller: Caller, id: WebhookEndpointID, action: String, details: [String: String]
    ) async throws {
        try await Events.record(
            connection, caller, "webhook.\(action)", subject: EventSubject("webhook_endpoint", id.uuid), data: details,
            audit: AuditRecord(action: "webhook.\(action)", targetType: "webhook_endpoint", targetID: id.description, details: details),
            logger: database.logger
        )
    }

    private func fetch(_ connection: PostgresConnection, id: WebhookEndpointID, lock: Bool = false) async throws -> WebhookEndpoint {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM hub.webhook_endpoints WHERE id = \(id.uuid) \(unescaped: lock ? "FOR UPDATE" : "")",
            logger: database.logger
        )
        guard let endpoint = try await Self.decode(rows).first else { throw HubError.notFound("webhook endpoint") }
        return endpoint
    }

    private func fetchDelivery(_ connection: PostgresConnection, endpoint: WebhookEndpointID, id: WebhookDeliveryID, withAttempts: Bool)
        async throws -> WebhookDelivery
    {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.deliveryColumns) FROM hub.webhook_deliveries WHERE id = \(id.uuid) AND endpoint_id = \(endpoint.uuid)",
            logger: database.logger
        )
        guard var delivery = try await Self.decodeDeliveries(rows).first else { throw HubError.notFound("webhook delivery") }
        if withAttempts {
            let attempts = try await connection.query(
                """
                SELECT attempt, at, status_code, error, duration_ms FROM hub.webhook_attempts
                 WHERE delivery_id = \(id.uuid) ORDER BY attempt
                """,
                logger: database.logger
            )
            var log: [WebhookAttempt] = []
            for try await (attempt, at, status, error, duration) in attempts.decode((Int, Date, Int?, String?, Int).self) {
                log.append(WebhookAttempt(attempt: attempt, at: at, statusCode: status, error: error, durationMilliseconds: duration))
            }
            delivery.attemptLog = log
        }
        return delivery
    }

    static func newKey() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    static func display(_ key: Data) -> String {
        WebhookRules.secretPrefix + key.map { String(format: "%02x", $0) }.joined()
    }

    /// The field issues of a validation error, so several fields can be reported at once.
    static func issues(_ error: any Error) -> [FieldIssue] {
        if case .invalid(let issues)? = error as? HubError { return issues }
        return [FieldIssue("/", "is invalid")]
    }

    static let columns = "id, url, event_types, active, description, secret_rotated_at, created_at, updated_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [WebhookEndpoint] {
        var endpoints: [WebhookEndpoint] = []
        for try await (id, url, events, active, description, rotated, created, updated) in rows.decode(
            (UUID, String, [String], Bool, String?, Date, Date, Date).self
        ) {
            endpoints.append(
                WebhookEndpoint(
                    id: WebhookEndpointID(id), url: url, events: events, active: active, description: description, secretRotatedAt: rotated,
                    createdAt: created, updatedAt: updated
                )
            )
        }
        return endpoints
    }

    static let deliveryColumns = """
        id, endpoint_id, event_id, event_type, status::text, attempts, next_attempt_at, last_attempt_at, completed_at, redelivery_of, created_at
        """

    static func decodeDeliveries(_ rows: PostgresRowSequence) async throws -> [WebhookDelivery] {
        var deliveries: [WebhookDelivery] = []
        for try await row in rows {
            let (id, endpoint, event, type, status, attempts, next, last, completed, replayOf, created) = try row.decode(
                (UUID, UUID, Int64, String, String, Int, Date, Date?, Date?, UUID?, Date).self
            )
            let state = WebhookDeliveryStatus(rawValue: status) ?? .failed
            deliveries.append(
                WebhookDelivery(
                    id: WebhookDeliveryID(id), endpointID: WebhookEndpointID(endpoint), eventID: String(event), eventType: type, status: state,
                    attempts: attempts, nextAttemptAt: state == .pending ? next : nil, lastAttemptAt: last, completedAt: completed,
                    redeliveryOf: replayOf.map { WebhookDeliveryID($0) }, createdAt: created, attemptLog: nil
                )
            )
        }
        return deliveries
    }
}

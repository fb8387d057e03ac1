import Foundation
import Logging
import PostgresNIO

/// A delivery the sender has claimed: what to send, where, and with which key.
public struct ClaimedWebhookDelivery: Sendable {
    public var tenantID: TenantID
    public var id: WebhookDeliveryID
    /// 1 for the first try; the attempt being made now.
    public var attempt: Int
    public var url: String
    /// The endpoint's 32-byte HMAC key.
    public var secret: Data
    public var body: String
    public var eventType: String
}

/// How an attempt ended, as the sender logs it.
public struct WebhookAttemptOutcome: Sendable {
    public enum Next: Sendable, Equatable {
        case delivered
        case retry(at: Date)
        case failed
    }

    public var startedAt: Date
    public var statusCode: Int?
    public var error: String?
    public var durationMilliseconds: Int
    public var next: Next

    public init(startedAt: Date, statusCode: Int?, error: String?, durationMilliseconds: Int, next: Next) {
        self.startedAt = startedAt
        self.statusCode = statusCode
        self.error = error
        self.durationMilliseconds = durationMilliseconds
        self.next = next
    }
}

/// The sender's side of the delivery table, across tenants, only through the two narrow
/// SECURITY DEFINER functions of migration 0007: the app role's own queries stay tenant-scoped.
public struct WebhookDeliveryQueue: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Claims up to `limit` due deliveries; each is not offered again until `lease` has passed
    /// unless its attempt is recorded first.
    public func claim(limit: Int, lease: Duration) async throws -> [ClaimedWebhookDelivery] {
        let leaseSeconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        return try await database.withoutTenant { connection in
            let rows = try await connection.query(
                "SELECT * FROM hub.claim_webhook_deliveries(\(limit)::int, make_interval(secs => \(leaseSeconds)))",
                logger: database.logger
            )
            var claimed: [ClaimedWebhookDelivery] = []
            for try await (tenant, id, attempt, url, secret, body, type) in rows.decode((UUID, UUID, Int, String, Data, String, String).self) {
                claimed.append(
                    ClaimedWebhookDelivery(
                        tenantID: TenantID(tenant), id: WebhookDeliveryID(id), attempt: attempt, url: url, secret: secret, body: body, eventType: type
                    )
                )
            }
            return claimed
        }
    }

    /// Logs the attempt and moves the delivery on. Returns false when the claim was no longer
    /// this sender's (its lease ran out and another attempt began).
    @discardableResult
    public func record(_ delivery: ClaimedWebhookDelivery, _ outcome: WebhookAttemptOutcome) async throws -> Bool {
        let status: WebhookDeliveryStatus
        var retryAt: Date?
        switch outcome.next {
        case .delivered: status = .delivered
        case .failed: status = .failed
        case .retry(let at):
            status = .pending
            retryAt = at
        }
        return try await database.withoutTenant { connection in
            let rows = try await connection.query(
                """
                SELECT hub.record_webhook_attempt(\(delivery.tenantID.uuid), \(delivery.id.uuid), \(delivery.attempt)::int, \(outcome.startedAt),
                       \(outcome.statusCode)::int, \(outcome.error)::text, \(outcome.durationMilliseconds)::int,
                       \(status.rawValue)::hub.webhook_delivery_status, \(retryAt))
                """,
                logger: database.logger
            )
            return try await rows.decode(Bool.self).first(where: { _ in true }) ?? false
        }
    }
}

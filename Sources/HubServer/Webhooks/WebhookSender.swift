import AsyncHTTPClient
import Foundation
import HubCore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// How the sender paces itself.
public struct WebhookSenderSettings: Sendable {
    /// Deliveries in flight at once; one slow endpoint takes one slot, never the others.
    public var concurrency: Int
    /// How often to look for due deliveries when there is nothing to do.
    public var pollInterval: Duration
    /// The longest one request may take, connection included.
    public var requestTimeout: Duration
    /// How long a claimed delivery is reserved for this sender before another may try it.
    public var lease: Duration
    public var retry: WebhookRetryPolicy

    public init(
        concurrency: Int = 16, pollInterval: Duration = .seconds(1), requestTimeout: Duration = .seconds(10), lease: Duration = .seconds(60),
        retry: WebhookRetryPolicy = .standard
    ) {
        precondition(concurrency >= 1 && lease > requestTimeout)
        self.concurrency = concurrency
        self.pollInterval = pollInterval
        self.requestTimeout = requestTimeout
        self.lease = lease
        self.retry = retry
    }
}

/// Sends pending webhook deliveries: claims due ones across tenants, POSTs each signed body, logs
/// every attempt and schedules retries. Runs beside the HTTP server as a service; the requests
/// that raised the events never wait for it.
public struct WebhookSender: Service {
    let queue: WebhookDeliveryQueue
    let settings: WebhookSenderSettings
    let logger: Logger

    public init(database: HubDatabase, settings: WebhookSenderSettings = WebhookSenderSettings(), logger: Logger) {
        self.queue = WebhookDeliveryQueue(database: database)
        self.settings = settings
        self.logger = logger
    }

    /// Sends until the service group shuts down (or the task is cancelled); deliveries in flight then
    /// are left to their lease and tried again later.
    public func run() async throws {
        var configuration = HTTPClient.Configuration()
        // A receiver must answer itself: following redirects would let it point the hub anywhere.
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .init(settings.requestTimeout), read: .init(settings.requestTimeout))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await cancelWhenGracefulShutdown { await sendUntilCancelled(client) }
        try await client.shutdown()
    }

    /// Keeps up to `concurrency` deliveries in flight, topping up as each finishes or the poll interval passes.
    func sendUntilCancelled(_ client: HTTPClient) async {
        await withTaskGroup(of: Bool.self) { group in
            var inFlight = 0
            var waiting = false
            while !Task.isCancelled {
                let free = settings.concurrency - inFlight
                var claimed: [ClaimedWebhookDelivery] = []
                if free > 0 {
                    do {
                        claimed = try await queue.claim(limit: free, lease: settings.lease)
                    } catch {
                        logger.error("claiming webhook deliveries failed", metadata: ["error": "\(error)"])
                    }
                }
                for delivery in claimed {
                    inFlight += 1
                    group.addTask {
                        await attempt(delivery, client: client)
                        return true
                    }
                }
                // A full batch means more may be due right now.
                if free > 0 && claimed.count == free { continue }
                if !waiting {
                    waiting = true
                    group.addTask {
                        try? await Task.sleep(for: settings.pollInterval)
                        return false
                    }
                }
                guard let finishedDelivery = await group.next() else { break }
                if finishedDelivery { inFlight -= 1 } else { waiting = false }
            }
            group.cancelAll()
        }
    }

    /// One HTTP request for one delivery, and its entry in the log.
    func attempt(_ delivery: ClaimedWebhookDelivery, client: HTTPClient) async {
        let started = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let timestamp = Int(started.timeIntervalSince1970)
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "PartnerHub-Webhooks/1")
        request.headers.add(name: "PartnerHub-Event", value: delivery.eventType)
        request.headers.add(name: "PartnerHub-Delivery", value: delivery.id.description)
        request.headers.add(name: "PartnerHub-Timestamp", value: String(timestamp))
        request.headers.add(name: "PartnerHub-Signature", value: WebhookSignature.sign(body: delivery.body, timestamp: timestamp, key: delivery.secret))
        request.body = .bytes(ByteBuffer(string: delivery.body))

        var statusCode: Int?
        var failure: String?
        do {
            let response = try await client.execute(request, timeout: .init(settings.requestTimeout), logger: logger)
            statusCode = Int(response.status.code)
            // Read (a bounded amount of) the answer so the connection can be reused; its content does not matter.
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch {
            // Stopping mid-request is not the receiver's failure: the lease brings the delivery back.
            if Task.isCancelled { return }
            failure = Self.describe(error)
        }
        let elapsed = clock.now - start
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let succeeded = statusCode.map { (200..<300).contains($0) } ?? false
        let next: WebhookAttemptOutcome.Next
        if succeeded {
            next = .delivered
        } else if let retryAt = settings.retry.retryTime(after: delivery.attempt, failedAt: Date()) {
            next = .retry(at: retryAt)
        } else {
            next = .failed
        }
        let outcome = WebhookAttemptOutcome(startedAt: started, statusCode: statusCode, error: failure, durationMilliseconds: milliseconds, next: next)
        do {
            let recorded = try await queue.record(delivery, outcome)
            if !recorded {
                logger.warning("webhook attempt finished after its lease", metadata: ["delivery": "\(delivery.id)"])
            }
        } catch {
            // When stopping, the lease brings the delivery back; the receiver may see it twice (same event id).
            logger.log(
                level: Task.isCancelled ? .notice : .error, "recording a webhook attempt failed",
                metadata: ["delivery": "\(delivery.id)", "error": "\(error)"]
            )
        }
    }

    /// A short, stable description for the attempt log; never the body or the secret.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timeout"
            case .remoteConnectionClosed: return "connection closed by the receiver"
            default: return "HTTP client error: \(error)"
            }
        }
        if error is CancellationError { return "cancelled" }
        return "connection failed: \(String(describing: error).prefix(200))"
    }
}

import Crypto
import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import PRM
import Testing

/// Webhooks end to end: endpoints over the API, deliveries made by the database, sent by the
/// sender to a real HTTP receiver on the loopback interface.
@Suite struct WebhookTests {
    /// Fast retries, so the whole schedule runs in a test.
    static let quickSender = WebhookSenderSettings(
        concurrency: 4, pollInterval: .milliseconds(50), requestTimeout: .seconds(2), lease: .seconds(5),
        retry: WebhookRetryPolicy(delays: [.milliseconds(100)], maximumAttempts: 3, jitter: 0)
    )

    @Test func aDeliveryCarriesTheEventAndAValidSignature() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            try await Receiver.with { receiver in
                let created = try await hub.services.webhooks.create(
                    a.ownerCaller, url: receiver.url, events: ["lead.*"], active: nil, description: "CRM sync"
                )
                let lead = try await hub.services.leads.create(a.ownerCaller, LeadDraft(companyName: "Acme")).lead
                try await Self.runningSender(hub) {
                    let delivery = try await Self.eventually {
                        try await hub.services.webhooks.deliveries(a.ownerCaller, endpoint: created.endpoint.id, status: .delivered, page: PageRequest())
                            .items.first
                    }
                    let request = try #require(await receiver.log.requests.first)
                    #expect(request.headers["Content-Type"] == "application/json")
                    #expect(request.headers["PartnerHub-Event"] == "lead.created")
                    #expect(request.headers["PartnerHub-Delivery"] == delivery.id.description)
                    let timestamp = try #require(request.headers["PartnerHub-Timestamp"])
                    let key = try #require(WebhookSignature.key(fromSecret: created.secret))
                    let expected = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: key))
                    #expect(request.headers["PartnerHub-Signature"] == "v1=" + Data(expected).map { String(format: "%02x", $0) }.joined())
                    #expect(WebhookSignature.verify(body: request.body, timestamp: timestamp, signature: request.headers["PartnerHub-Signature"]!, key: key))
                    // A replay five minutes later is refused by the receiver's check.
                    #expect(!WebhookSignature.verify(
                        body: request.body, timestamp: timestamp, signature: request.headers["PartnerHub-Signature"]!, key: key,
                        now: Date().addingTimeInterval(301)
                    ))
                    let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
                    #expect(body["type"] as? String == "lead.created")
                    #expect(body["tenantID"] as? String == a.id.description)
                    #expect(body["actorTenantID"] as? String == a.id.description)
                    #expect((body["subject"] as? [String: String]) == ["type": "lead", "id": lead.id.description])
                    #expect((body["data"] as? [String: String])?["source"] == "api")
                    #expect((body["occurredAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) } != nil)
                    let shown = try await hub.services.webhooks.delivery(a.ownerCaller, endpoint: created.endpoint.id, id: delivery.id)
                    #expect(shown.attemptLog?.map(\.statusCode) == [200])
                }
            }
        }
    }

    @Test func aFailedAttemptIsRetriedUntilTheReceiverAccepts() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            try await Receiver.with(statuses: [.internalServerError, .ok]) { receiver in
                let endpoint = try await hub.services.webhooks.create(a.ownerCaller, url: receiver.url, events: nil, active: nil, description: nil)
                _ = try await hub.services.leads.create(a.ownerCaller, LeadDraft(companyName: "Acme"))
                try await Self.runningSender(hub) {
                    let delivered = try await Self.eventually {
                        try await hub.services.webhooks.deliveries(a.ownerCaller, endpoint: endpoint.endpoint.id, status: .delivered, page: PageRequest())
                            .items.first
                    }
                    let shown = try await hub.services.webhooks.delivery(a.ownerCaller, endpoint: endpoint.endpoint.id, id: delivered.id)
                    #expect(shown.attempts == 2)
                    #expect(shown.attemptLog?.map(\.statusCode) == [500, 200])
                    #expect(shown.attemptLog?.allSatisfy { $0.durationMilliseconds >= 0 } == true)
                    let requests = await receiver.log.requests
                    #expect(requests.count == 2 && requests[0].body == requests[1].body)
                }
            }
        }
    }

    @Test func aDeliveryFailsAfterTheLastAttemptAndItsErrorsAreLogged() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            try await Receiver.with(statuses: [.serviceUnavailable]) { receiver in
                let failing = try await hub.services.webhooks.create(a.ownerCaller, url: receiver.url, events: nil, active: nil, description: nil)
                // Nothing listens on port 1: every attempt is a connection error.
                let dead = try await hub.services.webhooks.create(a.ownerCaller, url: "http://127.0.0.1:1/hook", events: nil, active: nil, description: nil)
                _ = try await hub.services.leads.create(a.ownerCaller, LeadDraft(companyName: "Acme"))
                try await Self.runningSender(hub) {
                    for endpoint in [failing.endpoint.id, dead.endpoint.id] {
                        let failed = try await Self.eventually {
                            try await hub.services.webhooks.deliveries(a.ownerCaller, endpoint: endpoint, status: .failed, page: PageRequest()).items.first
                        }
                        let shown = try await hub.services.webhooks.delivery(a.ownerCaller, endpoint: endpoint, id: failed.id)
                        #expect(shown.attempts == 3 && shown.attemptLog?.count == 3 && shown.completedAt != nil)
                        if endpoint == failing.endpoint.id {
                            #expect(shown.attemptLog?.map(\.statusCode) == [503, 503, 503])
                        } else {
                            #expect(shown.attemptLog?.allSatisfy { $0.statusCode == nil && $0.error != nil } == true)
                        }
                    }
                    #expect(await receiver.log.requests.count == 3)
                }
            }
        }
    }

    @Test func aSlowEndpointDoesNotHoldUpTheOthers() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            try await Receiver.with(delay: .seconds(14)) { slow in
                try await Receiver.with { fast in
                    let slowEndpoint = try await hub.services.webhooks.create(a.ownerCaller, url: slow.url, events: nil, active: nil, description: nil)
                    let fastEndpoint = try await hub.services.webhooks.create(a.ownerCaller, url: fast.url, events: nil, active: nil, description: nil)
                    for name in ["Acme", "Globex", "Initech"] {
                        _ = try await hub.services.leads.create(a.ownerCaller, LeadDraft(companyName: name))
                    }
                    // The requests that raised the events did not wait for any delivery.
                    let sentDuringRequests = await slow.log.requests.count + fast.log.requests.count
                    #expect(sentDuringRequests == 0)
                    // Two slots for six deliveries, three of them to an endpoint that takes 10 s to time out (long
                    // enough for the fast three on a loaded machine).
                    var settings = Self.quickSender
                    settings.concurrency = 2
                    settings.requestTimeout = .seconds(10)
                    settings.lease = .seconds(20)
                    try await Self.runningSender(hub, settings: settings) {
                        _ = try await Self.eventually {
                            let delivered = try await hub.services.webhooks.deliveries(
                                a.ownerCaller, endpoint: fastEndpoint.endpoint.id, status: .delivered, page: PageRequest()
                            )
                            return delivered.items.count == 3 ? delivered : nil
                        }
                        // All delivered while the slow endpoint's first attempt is still running: it held one slot, never both.
                        let slowDeliveries = try await hub.services.webhooks.deliveries(
                            a.ownerCaller, endpoint: slowEndpoint.endpoint.id, status: nil, page: PageRequest()
                        ).items
                        #expect(slowDeliveries.count == 3 && slowDeliveries.allSatisfy { $0.status == .pending })
                        #expect(slowDeliveries.map(\.attempts).sorted() == [0, 0, 1])
                        #expect(await slow.log.requests.count == 1)
                        // The timeout counts as a failed attempt, to be retried.
                        let first = try #require(slowDeliveries.first { $0.attempts == 1 })
                        let timedOut = try await Self.eventually {
                            try await hub.services.webhooks.delivery(a.ownerCaller, endpoint: slowEndpoint.endpoint.id, id: first.id).attemptLog?.first
                        }
                        #expect(timedOut.statusCode == nil && timedOut.error == "timeout" && timedOut.durationMilliseconds >= 9900)
                    }
                }
            }
        }
    }

    @Test func filtersChooseWhichEventsReachAnEndpoint() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let webhooks = hub.services.webhooks
            let everything = try await webhooks.create(a.ownerCaller, url: "https://hooks.example/all", events: ["*"], active: nil, description: nil)
            let leadPrefix = try await webhooks.create(a.ownerCaller, url: "https://hooks.example/leads", events: ["lead.*"], active: nil, description: nil)
            let exact = try await webhooks.create(
                a.ownerCaller, url: "https://hooks.example/status", events: ["lead.status_changed"], active: nil, description: nil
            )
            let otherArea = try await webhooks.create(a.ownerCaller, url: "https://hooks.example/surveys", events: ["survey.*"], active: nil, description: nil)
            let paused = try await webhooks.create(a.ownerCaller, url: "https://hooks.example/off", events: ["*"], active: false, description: nil)
            let lead = try await hub.services.leads.create(a.ownerCaller, LeadDraft(companyName: "Acme")).lead
            _ = try await hub.services.leads.changeStatus(a.ownerCaller, id: lead.id, to: .contacted, reason: nil)
            func types(_ endpoint: WebhookEndpointWithSecret) async throws -> [String] {
                try await webhooks.deliveries(a.ownerCaller, endpoint: endpoint.endpoint.id, status: nil, page: PageRequest()).items.map(\.eventType).sorted()
            }
            #expect(try await types(everything) == ["lead.created", "lead.status_changed"])
            #expect(try await types(leadPrefix) == ["lead.created", "lead.status_changed"])
            #expect(try await types(exact) == ["lead.status_changed"])
            #expect(try await types(otherArea).isEmpty)
            #expect(try await types(paused).isEmpty)
        }
    }

    @Test func aPartnersCopyOfAnEventGoesToThePartnersEndpointsOnly() async throws {
        try await TestHub.with { hub in
            let vendor = try await hub.makeTenant("vendor")
            let partner = try await hub.makeTenant("partner")
            try await Self.activePartnership(hub, vendor, partner)
            let webhooks = hub.services.webhooks
            let vendorSurveys = try await webhooks.create(vendor.ownerCaller, url: "https://v.example/s", events: ["survey.*"], active: nil, description: nil)
            let vendorLeads = try await webhooks.create(vendor.ownerCaller, url: "https://v.example/l", events: ["lead.*"], active: nil, description: nil)
            let partnerHook = try await webhooks.create(partner.ownerCaller, url: "https://p.example/s", events: ["survey.sent"], active: nil, description: nil)
            let survey = try await hub.services.surveys.create(
                vendor.ownerCaller, question: "How likely are you to recommend us?", closesAt: Date().addingTimeInterval(86400), recipients: [partner.id]
            )
            let partnerDeliveries = try await webhooks.deliveries(partner.ownerCaller, endpoint: partnerHook.endpoint.id, status: nil, page: PageRequest())
            #expect(partnerDeliveries.items.map(\.eventType) == ["survey.sent"])
            let vendorDeliveries = try await webhooks.deliveries(vendor.ownerCaller, endpoint: vendorSurveys.endpoint.id, status: nil, page: PageRequest())
            #expect(vendorDeliveries.items.map(\.eventType).sorted() == ["survey.created", "survey.sent"])
            #expect(try await webhooks.deliveries(vendor.ownerCaller, endpoint: vendorLeads.endpoint.id, status: nil, page: PageRequest()).items.isEmpty)
            // Each side's body names its own tenant; the partner's is visible to the partner alone.
            let partnerBody = try await Self.body(hub, partner, partnerDeliveries.items[0].id)
            #expect(partnerBody["tenantID"] as? String == partner.id.description)
            #expect(partnerBody["actorTenantID"] as? String == vendor.id.description)
            #expect((partnerBody["subject"] as? [String: String])?["id"] == survey.id.description)
            let seenByVendor = try await hub.database.withTenant(vendor.ownerCaller.principal) { connection in
                try await connection.query(
                    "SELECT count(*) FROM hub.webhook_deliveries WHERE endpoint_id = \(partnerHook.endpoint.id.uuid)", logger: hub.database.logger
                ).decode(Int.self).all()
            }
            #expect(seenByVendor == [0])
        }
    }

    @Test func anotherTenantCannotSeeOrReplayEndpointsOrDeliveries() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            let endpoint = try await hub.services.webhooks.create(a.ownerCaller, url: "https://a.example/hook", events: nil, active: nil, description: nil)
            let ping = try await hub.services.webhooks.ping(a.ownerCaller, id: endpoint.endpoint.id)
            let bToken = try await hub.token(for: b.owner)
            try await hub.withClient { client in
                let base = "/api/v1/webhooks/\(endpoint.endpoint.id)"
                for (method, path) in [
                    (HTTPRequest.Method.get, base), (.get, base + "/deliveries"), (.get, base + "/deliveries/\(ping.id)"),
                    (.post, base + "/deliveries/\(ping.id)/redeliver"), (.post, base + "/ping"), (.post, base + "/rotate-secret"),
                    (.delete, base), (.get, base + "/timeline"),
                ] {
                    let response = try await client.call(method, path, token: bToken)
                    #expect(response.status == .notFound, "\(method) \(path)")
                }
                let patch = try await client.call(.patch, base, token: bToken, json: ["active": false])
                #expect(patch.status == .notFound)
                let list = try await client.call(.get, "/api/v1/webhooks", token: bToken)
                #expect(list.status == .ok && list.items.isEmpty)
            }
            // Not even a query that forgets its filter shows A's rows to B.
            let counts = try await hub.database.withTenant(b.ownerCaller.principal) { connection in
                try await connection.query(
                    """
                    SELECT (SELECT count(*) FROM hub.webhook_endpoints)::int + (SELECT count(*) FROM hub.webhook_deliveries)::int
                           + (SELECT count(*) FROM hub.webhook_attempts)::int
                    """,
                    logger: hub.database.logger
                ).decode(Int.self).all()
            }
            #expect(counts == [0])
            #expect(try await hub.services.webhooks.get(a.ownerCaller, id: endpoint.endpoint.id).active)
        }
    }

    @Test func theSecretIsShownOnceAndNeverListed() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                let created = try await client.call(
                    .post, "/api/v1/webhooks", token: token, json: ["url": "https://a.example/hook", "events": ["lead.*"], "description": "sync"]
                )
                #expect(created.status == .created)
                let secret = try #require(created.json["secret"] as? String)
                #expect(secret.hasPrefix("whsec_") && secret.count == 6 + 64)
                let id = try #require((created.json["endpoint"] as? [String: Any])?["id"] as? String)
                let key = String(secret.dropFirst(6))
                for path in ["/api/v1/webhooks", "/api/v1/webhooks/\(id)", "/api/v1/webhooks/\(id)/timeline", "/api/v1/webhooks/\(id)/deliveries"] {
                    let response = try await client.call(.get, path, token: token)
                    #expect(response.status == .ok && !response.body.contains(key), "GET \(path)")
                }
                let patched = try await client.call(.patch, "/api/v1/webhooks/\(id)", token: token, json: ["description": "renamed"])
                #expect(patched.status == .ok && !patched.body.contains(key) && patched.json["description"] as? String == "renamed")
                let rotated = try await client.call(.post, "/api/v1/webhooks/\(id)/rotate-secret", token: token)
                let newSecret = try #require(rotated.json["secret"] as? String)
                #expect(rotated.status == .ok && newSecret != secret)
            }
            // The app role cannot read the column at all: only the sender's claim function can.
            await #expect(throws: (any Error).self) {
                try await hub.database.withTenant(a.ownerCaller.principal) { connection in
                    try await connection.query("SELECT secret FROM hub.webhook_endpoints", logger: hub.database.logger)
                }
            }
        }
    }

    @Test(arguments: [
        "http://hooks.example/x", "ftp://hooks.example/x", "https://user:pw@hooks.example/x", "https://hooks.example/x#part",
        "javascript:alert(1)", "hooks.example/x", "http://10.0.0.1/x",
    ])
    func unsafeURLsAreRefusedNamingTheField(url: String) async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                let response = try await client.call(.post, "/api/v1/webhooks", token: token, json: ["url": url])
                #expect(response.status == .unprocessableContent)
                #expect((response.json["errors"] as? [[String: String]])?.first?["field"] == "/url")
                let list = try await client.call(.get, "/api/v1/webhooks", token: token)
                #expect(list.items.isEmpty)
            }
        }
    }

    @Test func aBadChangeIsRefusedNamingTheFieldAndChangesNothing() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let endpoint = try await hub.services.webhooks.create(a.ownerCaller, url: "https://a.example/hook", events: ["lead.*"], active: nil, description: "sync")
            let token = try await hub.token(for: a.owner)
            let member = try await hub.token(for: try await hub.makeUser(in: a, role: .member))
            try await hub.withClient { client in
                let path = "/api/v1/webhooks/\(endpoint.endpoint.id)"
                for (body, field) in [
                    (["url": "http://a.example/hook", "description": "moved"], "/url"), (["events": [String](), "active": false], "/events"),
                    (["events": ["lead.*", "LEAD"]], "/events/1"), (["description": String(repeating: "d", count: 501)], "/description"),
                    (["secret": "mine"], "/secret"),
                ] as [([String: any Sendable], String)] {
                    let response = try await client.call(.patch, path, token: token, json: body)
                    #expect(response.status == .unprocessableContent, "\(body)")
                    #expect((response.json["errors"] as? [[String: String]])?.first?["field"] == field, "\(body)")
                }
                #expect(try await hub.services.webhooks.get(a.ownerCaller, id: endpoint.endpoint.id) == endpoint.endpoint)
                // Members of the tenant do not manage webhooks.
                #expect(try await client.call(.get, "/api/v1/webhooks", token: member).status == .forbidden)
                #expect(try await client.call(.post, path + "/rotate-secret", token: member).status == .forbidden)
                let paused = try await client.call(.delete, path, token: token)
                #expect(paused.status == .ok && paused.json["active"] as? Bool == false)
                let ping = try await client.call(.post, path + "/ping", token: token)
                #expect(ping.status == .conflict)
            }
        }
    }

    @Test func loopbackHTTPAndBadFiltersAreTold() throws {
        for url in ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]:9000/hook", "https://hooks.example:8443/a?b=c"] {
            #expect(throws: Never.self) { try WebhookRules.validatedURL(url) }
        }
        #expect(throws: HubError.invalid("/events/1", "must be an event type like lead.offered, a prefix like lead.*, or *")) {
            try WebhookRules.validatedFilters(["lead.*", "Lead Created"])
        }
        #expect(try WebhookRules.validatedFilters(["lead.*", "deal_registration.decided", "*", "lead.*"]) == ["lead.*", "deal_registration.decided", "*"])
    }

    @Test func aPingAndARedeliveryReachOnlyTheirEndpoint() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            try await Receiver.with { receiver in
                let pinged = try await hub.services.webhooks.create(a.ownerCaller, url: receiver.url, events: ["*"], active: nil, description: nil)
                let other = try await hub.services.webhooks.create(a.ownerCaller, url: "https://elsewhere.example/h", events: ["*"], active: nil, description: nil)
                let ping = try await hub.services.webhooks.ping(a.ownerCaller, id: pinged.endpoint.id)
                #expect(ping.eventType == "webhook.ping" && ping.status == .pending)
                #expect(try await hub.services.webhooks.deliveries(a.ownerCaller, endpoint: other.endpoint.id, status: nil, page: PageRequest()).items.isEmpty)
                // A pending delivery is not replayed: it will be tried again on its own.
                await #expect(throws: HubError.conflict("the delivery is still pending; it will be tried again on its own")) {
                    try await hub.services.webhooks.redeliver(a.ownerCaller, endpoint: pinged.endpoint.id, id: ping.id)
                }
                try await Self.runningSender(hub) {
                    _ = try await Self.eventually {
                        try await hub.services.webhooks.deliveries(a.ownerCaller, endpoint: pinged.endpoint.id, status: .delivered, page: PageRequest())
                            .items.first
                    }
                    let replay = try await hub.services.webhooks.redeliver(a.ownerCaller, endpoint: pinged.endpoint.id, id: ping.id)
                    #expect(replay.redeliveryOf == ping.id && replay.eventID == ping.eventID)
                    // Wait for the replay itself: on a slow machine the original may have been sent twice (a timed-out try).
                    let replayed = try await Self.eventually {
                        await receiver.log.requests.first { $0.headers["PartnerHub-Delivery"] == replay.id.description }
                    }
                    let requests = await receiver.log.requests
                    let original = try #require(requests.first { $0.headers["PartnerHub-Delivery"] == ping.id.description })
                    #expect(replayed.body == original.body && replayed.headers["PartnerHub-Event"] == "webhook.ping")
                }
                let timeline = try await hub.services.webhooks.timeline(a.ownerCaller, id: pinged.endpoint.id, page: PageRequest())
                #expect(timeline.items.map(\.type) == ["webhook.created", "webhook.ping", "webhook.redelivered"])
            }
        }
    }

    // MARK: - Helpers

    static func activePartnership(_ hub: TestHub, _ vendor: TestTenant, _ partner: TestTenant) async throws {
        let invitation = try await hub.services.partnerships.invite(vendor.ownerCaller, partnerSlug: partner.tenant.slug, note: nil)
        _ = try await hub.services.partnerships.perform(partner.ownerCaller, .accept, on: invitation.id, reason: nil)
    }

    static func body(_ hub: TestHub, _ tenant: TestTenant, _ delivery: WebhookDeliveryID) async throws -> [String: Any] {
        let text = try await hub.database.withTenant(tenant.ownerCaller.principal) { connection in
            try await connection.query("SELECT body FROM hub.webhook_deliveries WHERE id = \(delivery.uuid)", logger: hub.database.logger)
                .decode(String.self).all()
        }
        return try JSONSerialization.jsonObject(with: Data(try #require(text.first).utf8)) as? [String: Any] ?? [:]
    }

    /// Runs `body` while a sender (with quick retries unless told otherwise) works beside it.
    static func runningSender(
        _ hub: TestHub, settings: WebhookSenderSettings = quickSender, _ body: @Sendable () async throws -> Void
    ) async throws {
        let sender = WebhookSender(database: hub.database, settings: settings, logger: Logger(label: "webhook-sender-test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sender.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    /// Polls `check` until it yields a value, for at most thirty seconds (a loaded machine is slow, not wrong).
    static func eventually<Value>(_ check: () async throws -> Value?) async throws -> Value {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let value = try await check() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("gave up waiting")
        throw CancellationError()
    }
}

/// A real HTTP server on the loopback interface that records what it receives and answers with
/// the given statuses in turn (the last one repeating).
struct Receiver: Sendable {
    struct Received: Sendable {
        var headers: [String: String]
        var body: String
    }

    actor Log {
        var requests: [Received] = []

        func append(_ request: Received) -> Int {
            requests.append(request)
            return requests.count
        }
    }

    let port: Int
    let log: Log

    var url: String { "http://127.0.0.1:\(port)/hook" }

    static func with<Result: Sendable>(
        statuses: [HTTPResponse.Status] = [.ok],
        delay: Duration? = nil,
        _ body: @Sendable (Receiver) async throws -> Result
    ) async throws -> Result {
        let log = Log()
        let router = Router()
        router.post("hook") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.rawName] = field.value }
            let count = await log.append(Received(headers: Self.canonical(headers), body: String(buffer: bytes)))
            // Not cancelled by the test ending: a handler that throws mid-response during shutdown trips NIO's writer check.
            if let delay { try? await Task.sleep(for: delay) }
            return Response(status: statuses[min(count, statuses.count) - 1])
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "webhook-receiver")
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.runService() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            return try await body(Receiver(port: port, log: log))
        }
    }

    /// Header names as the tests spell them (HTTP/1 lower-cases nothing, but clients may).
    static func canonical(_ headers: [String: String]) -> [String: String] {
        let names = ["Content-Type", "PartnerHub-Event", "PartnerHub-Delivery", "PartnerHub-Timestamp", "PartnerHub-Signature"]
        var result: [String: String] = [:]
        for (name, value) in headers {
            result[names.first { $0.lowercased() == name.lowercased() } ?? name] = value
        }
        return result
    }
}

import Foundation
import HubCore
import Hummingbird

/// The tenant's webhook endpoints, their deliveries and manual replays.
struct WebhooksController {
    let endpoints: WebhookEndpoints

    struct CreateRequest: RequestBody {
        static let fields: Set<String> = ["url", "events", "active", "description"]
        var url: String
        var events: [String]?
        var active: Bool?
        var description: String?
    }

    /// Absent fields stay as they are; an empty description clears it.
    struct UpdateRequest: RequestBody {
        static let fields: Set<String> = ["url", "events", "active", "description"]
        var url: String?
        var events: [String]?
        var active: Bool?
        var description: String?
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("webhooks", use: list)
        router.post("webhooks", use: create)
        router.get("webhooks/:endpointID", use: show)
        router.patch("webhooks/:endpointID", use: update)
        router.delete("webhooks/:endpointID", use: deactivate)
        router.post("webhooks/:endpointID/rotate-secret", use: rotateSecret)
        router.post("webhooks/:endpointID/ping", use: ping)
        router.get("webhooks/:endpointID/timeline", use: timeline)
        router.get("webhooks/:endpointID/deliveries", use: deliveries)
        router.get("webhooks/:endpointID/deliveries/:deliveryID", use: delivery)
        router.post("webhooks/:endpointID/deliveries/:deliveryID/redeliver", use: redeliver)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(CreateRequest.self, context: context)
        let created = try await endpoints.create(caller, url: body.url, events: body.events, active: body.active, description: body.description)
        return try JSONResponse.make(created, status: .created)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await endpoints.list(try context.caller(), page: try request.pageRequest))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await endpoints.get(try context.caller(), id: try Self.endpointID(context)))
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.endpointID(context)
        var request = request
        let body = try await request.decode(UpdateRequest.self, context: context)
        let changes = WebhookEndpointChanges(
            url: body.url, events: body.events, active: body.active, description: body.description.map { Optional($0) }
        )
        return try JSONResponse.make(try await endpoints.update(caller, id: id, changes))
    }

    @Sendable func deactivate(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await endpoints.deactivate(try context.caller(), id: try Self.endpointID(context)))
    }

    @Sendable func rotateSecret(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await endpoints.rotateSecret(try context.caller(), id: try Self.endpointID(context)))
    }

    @Sendable func ping(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await endpoints.ping(try context.caller(), id: try Self.endpointID(context)), status: .accepted)
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.endpointID(context)
        return try JSONResponse.make(try await endpoints.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }

    @Sendable func deliveries(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.endpointID(context)
        let status = try request.choice("status", of: WebhookDeliveryStatus.self)
        return try JSONResponse.make(
            try await endpoints.deliveries(try context.caller(), endpoint: id, status: status, page: try request.pageRequest)
        )
    }

    @Sendable func delivery(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.endpointID(context)
        let deliveryID = try context.parameters.id("deliveryID", of: WebhookDeliveryKind.self, what: "webhook delivery")
        return try JSONResponse.make(try await endpoints.delivery(try context.caller(), endpoint: id, id: deliveryID))
    }

    @Sendable func redeliver(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.endpointID(context)
        let deliveryID = try context.parameters.id("deliveryID", of: WebhookDeliveryKind.self, what: "webhook delivery")
        return try JSONResponse.make(try await endpoints.redeliver(try context.caller(), endpoint: id, id: deliveryID), status: .accepted)
    }

    static func endpointID(_ context: HubRequestContext) throws -> WebhookEndpointID {
        try context.parameters.id("endpointID", of: WebhookEndpointKind.self, what: "webhook endpoint")
    }
}

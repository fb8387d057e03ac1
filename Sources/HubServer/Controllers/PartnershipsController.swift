import HubCore
import Hummingbird

/// Inviting partner companies and moving partnerships through their lifecycle.
struct PartnershipsController {
    let partnerships: Partnerships

    struct InviteRequest: RequestBody {
        static let fields: Set<String> = ["partnerSlug", "note"]
        var partnerSlug: String
        var note: String?
    }

    struct ActionRequest: RequestBody {
        static let fields: Set<String> = ["reason"]
        var reason: String?
    }

    struct Events: Encodable {
        var items: [PartnershipEvent]
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("partnerships", use: list)
        router.post("partnerships", use: invite)
        router.get("partnerships/:partnershipID", use: show)
        router.get("partnerships/:partnershipID/events", use: events)
        for action in PartnershipAction.allCases {
            router.post("partnerships/:partnershipID/\(action.rawValue)") { request, context in
                try await perform(action, request: request, context: context)
            }
        }
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let status = try request.choice("status", of: PartnershipStatus.self)
        return try JSONResponse.make(try await partnerships.list(try context.caller(), status: status, page: try request.pageRequest))
    }

    @Sendable func invite(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        try caller.principal.require(.channelManager, to: "inviting a partner")
        var request = request
        let body = try await request.decode(InviteRequest.self, context: context)
        let partnership = try await partnerships.invite(caller, partnerSlug: body.partnerSlug, note: body.note)
        return try JSONResponse.make(partnership, status: .created)
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("partnershipID", of: PartnershipKind.self, what: "partnership")
        return try JSONResponse.make(try await partnerships.get(try context.caller(), id: id))
    }

    @Sendable func events(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("partnershipID", of: PartnershipKind.self, what: "partnership")
        return try JSONResponse.make(Events(items: try await partnerships.events(try context.caller(), id: id)))
    }

    func perform(_ action: PartnershipAction, request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("partnershipID", of: PartnershipKind.self, what: "partnership")
        var request = request
        // The reason is optional, and so is the body that carries it.
        let hasBody = request.headers[.contentLength].map { $0 != "0" } ?? (request.headers[.transferEncoding] != nil)
        let reason = hasBody ? try await request.decode(ActionRequest.self, context: context).reason : nil
        return try JSONResponse.make(try await partnerships.perform(caller, action, on: id, reason: reason))
    }
}

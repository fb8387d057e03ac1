import Foundation
import HubCore
import Hummingbird
import PRM

/// Offering leads to partners and answering offers.
struct LeadOffersController {
    let offers: LeadOffers
    let rules: DistributionRules

    struct OfferRequest: RequestBody {
        static let fields: Set<String> = ["toTenantID", "sharedFields", "message", "slaHours", "exclusive"]
        var toTenantID: String?
        var sharedFields: [Choice<SharedLeadField>]?
        var message: String?
        var slaHours: Int?
        var exclusive: Bool?
    }

    struct DeclineRequest: RequestBody {
        static let fields: Set<String> = ["reason", "note"]
        var reason: Choice<DeclineReason>?
        var note: String?
    }

    struct Offers: Encodable {
        var items: [LeadOffer]
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.post("leads/:leadID/offers", use: offer)
        router.get("leads/:leadID/offers", use: offersOfLead)
        router.get("lead-offers", use: list)
        router.get("lead-offers/:offerID", use: show)
        router.post("lead-offers/:offerID/accept", use: accept)
        router.post("lead-offers/:offerID/decline", use: decline)
        router.post("lead-offers/:offerID/withdraw", use: withdraw)
        router.post("lead-offers/:offerID/reroute", use: reroute)
        router.get("lead-offers/:offerID/timeline", use: timeline)
    }

    @Sendable func offer(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let lead = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        var request = request
        let body = try await request.decode(OfferRequest.self, context: context)
        var partner: TenantID?
        if let raw = body.toTenantID {
            guard let parsed = TenantID(raw) else { throw HubError.invalid("/toTenantID", "must be a tenant id (UUID)") }
            partner = parsed
        }
        let draft = LeadOfferDraft(
            toTenantID: partner, sharedFields: body.sharedFields?.map(\.value), message: body.message, slaHours: body.slaHours,
            exclusive: body.exclusive
        )
        return try JSONResponse.make(try await offers.offer(caller, lead: lead, draft), status: .created)
    }

    @Sendable func offersOfLead(_ request: Request, context: HubRequestContext) async throws -> Response {
        let lead = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        return try JSONResponse.make(Offers(items: try await offers.offers(try context.caller(), lead: lead)))
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let filter = LeadOfferFilter(
            direction: try request.choice("direction", of: OfferDirection.self) ?? .outgoing,
            status: try request.choice("status", of: LeadOfferStatus.self)
        )
        return try JSONResponse.make(try await offers.list(try context.caller(), filter: filter, page: try request.pageRequest))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("offerID", of: LeadOfferKind.self, what: "lead offer")
        return try JSONResponse.make(try await offers.get(try context.caller(), id: id))
    }

    @Sendable func accept(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("offerID", of: LeadOfferKind.self, what: "lead offer")
        return try JSONResponse.make(try await offers.accept(try context.caller(), id: id))
    }

    @Sendable func decline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("offerID", of: LeadOfferKind.self, what: "lead offer")
        var request = request
        let body = try await request.decode(DeclineRequest.self, context: context)
        return try JSONResponse.make(try await offers.decline(caller, id: id, reason: body.reason?.value, note: body.note))
    }

    @Sendable func withdraw(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("offerID", of: LeadOfferKind.self, what: "lead offer")
        return try JSONResponse.make(try await offers.withdraw(try context.caller(), id: id))
    }

    @Sendable func reroute(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("offerID", of: LeadOfferKind.self, what: "lead offer")
        return try JSONResponse.make(try await rules.reroute(try context.caller(), offer: id), status: .created)
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("offerID", of: LeadOfferKind.self, what: "lead offer")
        return try JSONResponse.make(try await offers.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }
}

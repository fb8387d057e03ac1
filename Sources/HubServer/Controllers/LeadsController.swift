import Foundation
import HubCore
import Hummingbird
import PRM

/// The tenant's leads and their pipeline.
struct LeadsController {
    let leads: Leads

    struct MoneyBody: Decodable {
        var amount: String
        var currency: String
    }

    struct CreateRequest: RequestBody {
        static let fields: Set<String> = [
            "source", "companyName", "companyDomain", "firstName", "lastName", "email", "phone", "country", "region",
            "ownerUserID", "estimatedValue", "notes", "promoCode", "promotionID",
        ]
        var source: Choice<LeadSource>?
        var companyName: String?
        var companyDomain: String?
        var firstName: String?
        var lastName: String?
        var email: String?
        var phone: String?
        var country: String?
        var region: String?
        var ownerUserID: String?
        var estimatedValue: MoneyBody?
        var notes: String?
        var promoCode: String?
        var promotionID: String?
    }

    struct PromotionTagRequest: RequestBody {
        static let fields: Set<String> = ["promotionID"]
        var promotionID: String?
    }

    struct StatusRequest: RequestBody {
        static let fields: Set<String> = ["status", "reason"]
        var status: Choice<LeadStatus>
        var reason: String?
    }

    struct History: Encodable {
        var items: [LeadStatusChange]
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("leads", use: list)
        router.post("leads", use: create)
        router.get("leads/:leadID", use: show)
        router.post("leads/:leadID/status", use: changeStatus)
        router.get("leads/:leadID/history", use: history)
        router.get("leads/:leadID/timeline", use: timeline)
        router.post("leads/:leadID/promotion", use: tagPromotion)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(CreateRequest.self, context: context)
        var owner: UserID?
        if let raw = body.ownerUserID {
            guard let parsed = UserID(raw) else { throw HubError.invalid("/ownerUserID", "must be a user id (UUID)") }
            owner = parsed
        }
        let value = try body.estimatedValue.map { value throws(HubError) in
            try Money(amount: value.amount, currency: value.currency, field: "/estimatedValue")
        }
        let draft = LeadDraft(
            source: body.source?.value ?? .api, companyName: body.companyName, companyDomain: body.companyDomain,
            firstName: body.firstName, lastName: body.lastName, email: body.email, phone: body.phone, country: body.country,
            region: body.region, ownerUserID: owner, estimatedValue: value, notes: body.notes, promoCode: body.promoCode,
            promotionID: try Self.promotionID(body.promotionID, "/promotionID")
        )
        return try JSONResponse.make(try await leads.create(caller, draft), status: .created)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = LeadFilter(
            status: try request.choice("status", of: LeadStatus.self), source: try request.choice("source", of: LeadSource.self)
        )
        if let raw = query.get("owner") {
            guard let owner = UserID(raw) else { throw HubError.invalid("owner", "must be a user id (UUID)") }
            filter.ownerUserID = owner
        }
        filter.promotion = try Self.promotionID(query.get("promotion"), "promotion")
        filter.createdFrom = try Self.date(query.get("createdFrom"), "createdFrom")
        filter.createdBefore = try Self.date(query.get("createdBefore"), "createdBefore")
        if let from = filter.createdFrom, let before = filter.createdBefore, from >= before {
            throw HubError.invalid("createdBefore", "must be later than createdFrom")
        }
        return try JSONResponse.make(try await leads.list(try context.caller(), filter: filter, page: try request.pageRequest))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        return try JSONResponse.make(try await leads.get(try context.caller(), id: id))
    }

    @Sendable func changeStatus(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        var request = request
        let body = try await request.decode(StatusRequest.self, context: context)
        return try JSONResponse.make(try await leads.changeStatus(caller, id: id, to: body.status.value, reason: body.reason))
    }

    @Sendable func history(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        return try JSONResponse.make(History(items: try await leads.history(try context.caller(), id: id)))
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        return try JSONResponse.make(try await leads.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }

    @Sendable func tagPromotion(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        var request = request
        let body = try await request.decode(PromotionTagRequest.self, context: context)
        return try JSONResponse.make(try await leads.tag(caller, id: id, promotion: try Self.promotionID(body.promotionID, "/promotionID")))
    }

    static func promotionID(_ raw: String?, _ name: String) throws(HubError) -> PromotionID? {
        guard let raw else { return nil }
        guard let id = PromotionID(raw) else { throw .invalid(name, "must be a promotion id (UUID)") }
        return id
    }

    /// An ISO 8601 time with zone, e.g. 2026-01-31T00:00:00Z.
    static func date(_ raw: String?, _ name: String) throws(HubError) -> Date? {
        guard let raw else { return nil }
        guard let date = ISO8601DateFormatter().date(from: raw) else {
            throw .invalid(name, "must be an ISO 8601 time with zone, like 2026-01-31T00:00:00Z")
        }
        return date
    }
}

import Foundation
import HubCore
import Hummingbird
import PRM

/// Joint promotions: the owner's lifecycle, terms, invitations, budget and codes; the participants' answers.
struct PromotionsController {
    let promotions: Promotions

    struct MoneyBody: Decodable {
        var amount: String
        var currency: String
    }

    struct GoalsBody: Decodable {
        var leads: Int?
        var revenue: String?
        var units: String?
    }

    struct PriceRuleBody: Decodable {
        var product: String
        var kind: Choice<PriceRuleKind>
        var value: String
    }

    struct TermsRequest: RequestBody {
        static let fields: Set<String> = ["eligibleProducts", "priceRules", "note"]
        var eligibleProducts: [String]?
        var priceRules: [PriceRuleBody]?
        var note: String?

        var draft: TermsDraft {
            TermsDraft(
                eligibleProducts: eligibleProducts ?? [],
                priceRules: (priceRules ?? []).map { PriceRule(product: $0.product, kind: $0.kind.value, value: $0.value) }, note: note
            )
        }
    }

    struct CreateRequest: RequestBody {
        static let fields: Set<String> = ["name", "description", "startsOn", "endsOn", "claimsCloseOn", "currency", "goals", "terms"]
        var name: String
        var description: String?
        var startsOn: String
        var endsOn: String
        var claimsCloseOn: String?
        var currency: String
        var goals: GoalsBody?
        var terms: TermsRequest?
    }

    /// Absent fields stay; `null` clears the description, the goals, or the claims deadline (back to its default).
    struct UpdateRequest: RequestBody {
        static let fields: Set<String> = ["name", "description", "startsOn", "endsOn", "claimsCloseOn", "goals"]
        var name: String?
        var description: FieldEdit<String>
        var startsOn: String?
        var endsOn: String?
        var claimsCloseOn: FieldEdit<String>
        var goals: FieldEdit<GoalsBody>

        enum CodingKeys: String, CodingKey {
            case name, description, startsOn, endsOn, claimsCloseOn, goals
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            description = try container.edit(String.self, forKey: .description)
            startsOn = try container.decodeIfPresent(String.self, forKey: .startsOn)
            endsOn = try container.decodeIfPresent(String.self, forKey: .endsOn)
            claimsCloseOn = try container.edit(String.self, forKey: .claimsCloseOn)
            goals = try container.edit(GoalsBody.self, forKey: .goals)
        }
    }

    struct InviteRequest: RequestBody {
        static let fields: Set<String> = ["tenantID"]
        var tenantID: String?
    }

    struct AcceptRequest: RequestBody {
        static let fields: Set<String> = ["contribution"]
        var contribution: MoneyBody?
    }

    struct DeclineRequest: RequestBody {
        static let fields: Set<String> = ["reason"]
        var reason: String?
    }

    struct ContributionRequest: RequestBody {
        static let fields: Set<String> = ["kind", "amount", "note"]
        var kind: Choice<ContributionKind>
        var amount: MoneyBody
        var note: String?
    }

    struct CodeRequest: RequestBody {
        static let fields: Set<String> = ["code", "assignedTenantID", "validFrom", "validTo", "maxUses"]
        var code: String
        var assignedTenantID: String?
        var validFrom: String?
        var validTo: String?
        var maxUses: Int?
    }

    struct Items<Item: Encodable>: Encodable {
        var items: [Item]
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("promotions", use: list)
        router.post("promotions", use: create)
        router.get("promotions/:promotionID", use: show)
        router.patch("promotions/:promotionID", use: update)
        for action in PromotionAction.allCases {
            router.post("promotions/:promotionID/\(action.rawValue)") { request, context in
                let id = try context.parameters.id("promotionID", of: PromotionKind.self, what: "promotion")
                return try JSONResponse.make(try await promotions.perform(try context.caller(), action, on: id))
            }
        }
        router.get("promotions/:promotionID/terms", use: terms)
        router.post("promotions/:promotionID/terms", use: publishTerms)
        router.get("promotions/:promotionID/participants", use: participants)
        router.post("promotions/:promotionID/participants", use: invite)
        router.post("promotions/:promotionID/accept", use: accept)
        router.post("promotions/:promotionID/decline", use: decline)
        router.post("promotions/:promotionID/withdraw", use: withdraw)
        router.get("promotions/:promotionID/contributions", use: budget)
        router.post("promotions/:promotionID/contributions", use: contribute)
        router.get("promotions/:promotionID/codes", use: codes)
        router.post("promotions/:promotionID/codes", use: issueCode)
        router.get("promotions/:promotionID/metrics", use: metrics)
        router.get("promotions/:promotionID/timeline", use: timeline)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let role = try request.choice("role", of: PromotionRole.self)
        let status = try request.choice("status", of: PromotionStatus.self)
        return try JSONResponse.make(try await promotions.list(try context.caller(), role: role, status: status, page: try request.pageRequest))
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(CreateRequest.self, context: context)
        let draft = PromotionDraft(
            name: body.name, description: body.description, startsOn: try Day(body.startsOn, field: "/startsOn"),
            endsOn: try Day(body.endsOn, field: "/endsOn"), claimsCloseOn: try body.claimsCloseOn.map { raw throws(HubError) in try Day(raw, field: "/claimsCloseOn") },
            currency: body.currency, goals: Self.goals(body.goals), terms: body.terms?.draft
        )
        return try JSONResponse.make(try await promotions.create(caller, draft), status: .created)
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await promotions.get(try context.caller(), id: try Self.promotionID(context)))
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.promotionID(context)
        var request = request
        let body = try await request.decode(UpdateRequest.self, context: context)
        let startsOn = try body.startsOn.map { raw throws(HubError) in try Day(raw, field: "/startsOn") }
        let endsOn = try body.endsOn.map { raw throws(HubError) in try Day(raw, field: "/endsOn") }
        let claimsCloseOn = try body.claimsCloseOn.map { raw in try Day(raw, field: "/claimsCloseOn") }
        let promotion = try await promotions.update(caller, id: id) { draft in
            if let name = body.name { draft.name = name }
            draft.description = body.description.applied(to: draft.description)
            if let startsOn { draft.startsOn = startsOn }
            if let endsOn { draft.endsOn = endsOn }
            switch claimsCloseOn {
            case .keep: break
            case .clear: draft.claimsCloseOn = nil
            case .set(let day): draft.claimsCloseOn = day
            }
            switch body.goals {
            case .keep: break
            case .clear: draft.goals = PromotionGoals()
            case .set(let goals): draft.goals = Self.goals(goals)
            }
        }
        return try JSONResponse.make(promotion)
    }

    @Sendable func terms(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(Items(items: try await promotions.terms(try context.caller(), id: try Self.promotionID(context))))
    }

    @Sendable func publishTerms(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.promotionID(context)
        var request = request
        let body = try await request.decode(TermsRequest.self, context: context)
        return try JSONResponse.make(try await promotions.publishTerms(caller, id: id, body.draft), status: .created)
    }

    @Sendable func participants(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(Items(items: try await promotions.participants(try context.caller(), id: try Self.promotionID(context))))
    }

    @Sendable func invite(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.promotionID(context)
        var request = request
        let body = try await request.decode(InviteRequest.self, context: context)
        _ = try await promotions.get(caller, id: id)
        guard let partner = body.tenantID.flatMap({ TenantID($0) }) else {
            throw HubError.invalid("/tenantID", "must be the id (UUID) of a partner company")
        }
        return try JSONResponse.make(try await promotions.invite(caller, id: id, partner: partner), status: .created)
    }

    @Sendable func accept(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.promotionID(context)
        var request = request
        let body = try await request.decode(AcceptRequest.self, context: context)
        let contribution = try body.contribution.map { value throws(HubError) in
            try Money(amount: value.amount, currency: value.currency, field: "/contribution")
        }
        return try JSONResponse.make(try await promotions.accept(caller, id: id, contribution: contribution))
    }

    @Sendable func decline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.promotionID(context)
        var request = request
        let body = try await request.decode(DeclineRequest.self, context: context)
        return try JSONResponse.make(try await promotions.decline(caller, id: id, reason: body.reason))
    }

    @Sendable func withdraw(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await promotions.withdraw(try context.caller(), id: try Self.promotionID(context)))
    }

    @Sendable func budget(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await promotions.budget(try context.caller(), id: try Self.promotionID(context)))
    }

    @Sendable func contribute(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.promotionID(context)
        // Another tenant's promotion is a 404 whatever the body says.
        _ = try await promotions.get(caller, id: id)
        var request = request
        let body = try await request.decode(ContributionRequest.self, context: context)
        let budget = try await promotions.contribute(
            caller, id: id, kind: body.kind.value, amount: body.amount.amount, currency: body.amount.currency, note: body.note
        )
        return try JSONResponse.make(budget, status: .created)
    }

    @Sendable func codes(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(Items(items: try await promotions.codes(try context.caller(), id: try Self.promotionID(context))))
    }

    @Sendable func issueCode(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.promotionID(context)
        _ = try await promotions.get(caller, id: id)
        var request = request
        let body = try await request.decode(CodeRequest.self, context: context)
        var assignee: TenantID?
        if let raw = body.assignedTenantID {
            guard let parsed = TenantID(raw) else { throw HubError.invalid("/assignedTenantID", "must be a company id (UUID)") }
            assignee = parsed
        }
        let draft = PromoCodeDraft(
            code: body.code, assignedTenantID: assignee,
            validFrom: try body.validFrom.map { raw throws(HubError) in try Day(raw, field: "/validFrom") },
            validTo: try body.validTo.map { raw throws(HubError) in try Day(raw, field: "/validTo") }, maxUses: body.maxUses
        )
        return try JSONResponse.make(try await promotions.issueCode(caller, id: id, draft), status: .created)
    }

    @Sendable func metrics(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.promotionID(context)
        let query = request.uri.queryParameters
        let from = try LeadsController.date(query.get("from"), "from") ?? Date(timeIntervalSince1970: 0)
        let to = try LeadsController.date(query.get("to"), "to") ?? Date.distantFuture
        return try JSONResponse.make(try await promotions.promotionMetrics(try context.caller(), promotion: id, from: from, to: to))
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.promotionID(context)
        return try JSONResponse.make(try await promotions.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }

    static func promotionID(_ context: HubRequestContext) throws -> PromotionID {
        try context.parameters.id("promotionID", of: PromotionKind.self, what: "promotion")
    }

    static func goals(_ body: GoalsBody?) -> PromotionGoals {
        PromotionGoals(leads: body?.leads, revenue: body?.revenue, units: body?.units)
    }
}

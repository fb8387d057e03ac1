import Foundation
import HubCore
import Hummingbird
import PRM

/// Claims participants make against vendors' promotions, and the vendors' decisions.
struct ClaimsController {
    let claims: Claims

    struct LineBody: Decodable {
        var product: String
        var periodStart: String
        var periodEnd: String
        var quantity: String
        var unitAmount: String
        var amount: String?
    }

    struct SubmitRequest: RequestBody {
        static let fields: Set<String> = ["promotionID", "lines", "source", "sourceRef"]
        var promotionID: String
        var lines: [LineBody]
        var source: Choice<ClaimSource>?
        var sourceRef: String?
    }

    struct LineDecisionBody: Decodable {
        var lineNo: Int
        var approvedQuantity: String?
        var rejectionCode: Choice<ClaimRejectionCode>?
    }

    struct DecideRequest: RequestBody {
        static let fields: Set<String> = ["verdict", "reason", "lines"]
        var verdict: Choice<ClaimVerdict>
        var reason: String?
        var lines: [LineDecisionBody]?
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("claims", use: list)
        router.post("claims", use: submit)
        router.get("claims/:claimID", use: show)
        router.post("claims/:claimID/decide", use: decide)
        router.get("claims/:claimID/timeline", use: timeline)
    }

    @Sendable func submit(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(SubmitRequest.self, context: context)
        guard let promotion = PromotionID(body.promotionID) else { throw HubError.invalid("/promotionID", "must be a promotion id (UUID)") }
        var lines: [ClaimLineDraft] = []
        for (index, line) in body.lines.enumerated() {
            lines.append(
                ClaimLineDraft(
                    product: line.product, periodStart: try Day(line.periodStart, field: "/lines/\(index)/periodStart"),
                    periodEnd: try Day(line.periodEnd, field: "/lines/\(index)/periodEnd"), quantity: line.quantity,
                    unitAmount: line.unitAmount, amount: line.amount
                )
            )
        }
        let draft = ClaimDraft(promotionID: promotion, lines: lines, source: body.source?.value ?? .api, sourceRef: body.sourceRef)
        return try JSONResponse.make(try await claims.submit(caller, draft), status: .created)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let role = try request.choice("role", of: ClaimRole.self)
        var promotion: PromotionID?
        if let raw = request.uri.queryParameters.get("promotion") {
            guard let parsed = PromotionID(raw) else { throw HubError.invalid("promotion", "must be a promotion id (UUID)") }
            promotion = parsed
        }
        return try JSONResponse.make(try await claims.list(try context.caller(), role: role, promotion: promotion, page: try request.pageRequest))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await claims.get(try context.caller(), id: try Self.claimID(context)))
    }

    @Sendable func decide(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.claimID(context)
        // Another tenant's claim is a 404 whatever the body says.
        _ = try await claims.get(caller, id: id)
        var request = request
        let body = try await request.decode(DecideRequest.self, context: context)
        let decision = ClaimDecision(
            verdict: body.verdict.value, reason: body.reason,
            lines: (body.lines ?? []).map {
                ClaimLineDecision(lineNo: $0.lineNo, approvedQuantity: $0.approvedQuantity, rejectionCode: $0.rejectionCode?.value)
            }
        )
        return try JSONResponse.make(try await claims.decide(caller, id: id, decision))
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.claimID(context)
        return try JSONResponse.make(try await claims.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }

    static func claimID(_ context: HubRequestContext) throws -> ClaimID {
        try context.parameters.id("claimID", of: ClaimKind.self, what: "claim")
    }
}

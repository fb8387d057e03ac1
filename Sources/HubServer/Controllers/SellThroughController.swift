import Foundation
import HubCore
import Hummingbird
import PRM

/// Sell-through facts partners report to their vendors.
struct SellThroughController {
    let sellThrough: SellThrough

    struct ReportRequest: RequestBody {
        static let fields: Set<String> = [
            "vendorTenantID", "periodStart", "periodEnd", "product", "quantity", "amount", "promotionID", "source", "sourceRef",
            "idempotencyKey",
        ]
        var vendorTenantID: String
        var periodStart: String
        var periodEnd: String
        var product: String
        var quantity: String
        var amount: PromotionsController.MoneyBody
        var promotionID: String?
        var source: Choice<SellThroughSource>?
        var sourceRef: String?
        var idempotencyKey: String
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("sell-through", use: list)
        router.post("sell-through", use: report)
    }

    /// 201 for a new fact; 200 with the first fact when the idempotency key was used before.
    @Sendable func report(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(ReportRequest.self, context: context)
        guard let vendor = TenantID(body.vendorTenantID) else { throw HubError.invalid("/vendorTenantID", "must be a company id (UUID)") }
        var promotion: PromotionID?
        if let raw = body.promotionID {
            guard let parsed = PromotionID(raw) else { throw HubError.invalid("/promotionID", "must be a promotion id (UUID)") }
            promotion = parsed
        }
        let draft = SellThroughDraft(
            vendorTenantID: vendor, periodStart: try Day(body.periodStart, field: "/periodStart"),
            periodEnd: try Day(body.periodEnd, field: "/periodEnd"), product: body.product, quantity: body.quantity,
            amount: try Money(amount: body.amount.amount, currency: body.amount.currency, field: "/amount"), promotionID: promotion,
            source: body.source?.value ?? .api, sourceRef: body.sourceRef, idempotencyKey: body.idempotencyKey
        )
        let reported = try await sellThrough.report(caller, draft)
        return try JSONResponse.make(reported.fact, status: reported.created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let role = try request.choice("role", of: SellThroughRole.self)
        var promotion: PromotionID?
        if let raw = request.uri.queryParameters.get("promotion") {
            guard let parsed = PromotionID(raw) else { throw HubError.invalid("promotion", "must be a promotion id (UUID)") }
            promotion = parsed
        }
        return try JSONResponse.make(
            try await sellThrough.list(try context.caller(), role: role, promotion: promotion, page: try request.pageRequest)
        )
    }
}

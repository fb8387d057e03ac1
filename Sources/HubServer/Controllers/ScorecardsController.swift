import Foundation
import HubCore
import Hummingbird
import PRM

/// Partner scorecards: one partner's figures across leads, deals, promotions, activity and satisfaction.
struct ScorecardsController {
    let scorecards: PartnerScorecards

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("scorecards/partners/:partnerTenantID", use: partner)
    }

    @Sendable func partner(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let partner = try context.parameters.id("partnerTenantID", of: TenantKind.self, what: "partner")
        // Without a range: the last 90 days, the quarter a channel review usually looks at.
        let query = request.uri.queryParameters
        let (from, to) = query.get("from") == nil && query.get("to") == nil
            ? (Date().addingTimeInterval(-90 * 86400), Date()) : try PartnerHealthController.range(request)
        return try JSONResponse.make(try await scorecards.scorecard(caller, partner: partner, from: from, to: to))
    }
}

import Foundation
import HubCore
import Hummingbird
import PRM

/// Partner health reports: churn over time and NPS over a date range.
struct PartnerHealthController {
    let churn: PartnerChurn
    let surveys: Surveys

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("partner-health/churn", use: churnReport)
        router.get("partner-health/nps", use: npsReport)
    }

    @Sendable func churnReport(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (from, to) = try Self.range(request)
        let interval = try request.choice("interval", of: ChurnInterval.self) ?? .month
        return try JSONResponse.make(try await churn.report(try context.caller(), from: from, to: to, interval: interval))
    }

    @Sendable func npsReport(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (from, to) = try Self.range(request)
        return try JSONResponse.make(try await surveys.report(try context.caller(), from: from, to: to))
    }

    /// The required `from` and `to` query parameters: a date (`2026-01-01`, midnight UTC) or a time with zone.
    static func range(_ request: Request) throws(HubError) -> (Date, Date) {
        let query = request.uri.queryParameters
        let from = try date(query.get("from"), "from")
        let to = try date(query.get("to"), "to")
        guard from < to else { throw .invalid("to", "must be later than from") }
        return (from, to)
    }

    static func date(_ raw: String?, _ name: String) throws(HubError) -> Date {
        guard let raw else { throw .invalid(name, "is required: a date like 2026-01-01 or a time like 2026-01-01T00:00:00Z") }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if raw.count == 10, let date = day.date(from: raw) { return date }
        if let date = ISO8601DateFormatter().date(from: raw) { return date }
        throw .invalid(name, "must be a date like 2026-01-01 or a time like 2026-01-01T00:00:00Z")
    }
}

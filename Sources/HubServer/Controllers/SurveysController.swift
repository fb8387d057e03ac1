import Foundation
import HubCore
import Hummingbird
import PRM

/// Partner satisfaction surveys: sending, answering, and their NPS.
struct SurveysController {
    let surveys: Surveys

    struct CreateRequest: RequestBody {
        static let fields: Set<String> = ["question", "closesAt", "partnerTenantIDs"]
        var question: String
        var closesAt: String
        var partnerTenantIDs: [String]?
    }

    struct SendRequest: RequestBody {
        static let fields: Set<String> = ["partnerTenantIDs"]
        var partnerTenantIDs: [String]?
    }

    /// The score is checked after the survey is found, so another company's survey is a 404 whatever the body.
    struct AnswerRequest: RequestBody {
        static let fields: Set<String> = ["score", "comment"]
        var score: Int?
        var comment: String?
    }

    struct Items<Item: Encodable>: Encodable {
        var items: [Item]
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("surveys", use: list)
        router.post("surveys", use: create)
        router.get("survey-invitations", use: invitations)
        router.get("surveys/:surveyID", use: show)
        router.post("surveys/:surveyID/recipients", use: send)
        router.get("surveys/:surveyID/responses", use: responses)
        router.post("surveys/:surveyID/responses", use: answer)
        router.get("surveys/:surveyID/results", use: results)
        router.get("surveys/:surveyID/timeline", use: timeline)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(CreateRequest.self, context: context)
        guard let closesAt = ISO8601DateFormatter().date(from: body.closesAt) else {
            throw HubError.invalid("/closesAt", "must be an ISO 8601 time with zone, like 2026-01-31T00:00:00Z")
        }
        let recipients = try Self.tenantIDs(body.partnerTenantIDs ?? [])
        return try JSONResponse.make(
            try await surveys.create(caller, question: body.question, closesAt: closesAt, recipients: recipients), status: .created
        )
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await surveys.list(try context.caller(), page: try request.pageRequest))
    }

    @Sendable func invitations(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(Items(items: try await surveys.invitations(try context.caller())))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await surveys.get(try context.caller(), id: try Self.surveyID(context)))
    }

    @Sendable func send(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.surveyID(context)
        var request = request
        let body = try await request.decode(SendRequest.self, context: context)
        let recipients = try body.partnerTenantIDs.map { raw throws(HubError) in try Self.tenantIDs(raw) }
        return try JSONResponse.make(try await surveys.send(caller, id: id, recipients: recipients))
    }

    @Sendable func responses(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(Items(items: try await surveys.responses(try context.caller(), id: try Self.surveyID(context))))
    }

    @Sendable func answer(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try Self.surveyID(context)
        var request = request
        let body = try await request.decode(AnswerRequest.self, context: context)
        return try JSONResponse.make(try await surveys.answer(caller, id: id, score: body.score, comment: body.comment), status: .created)
    }

    @Sendable func results(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await surveys.results(try context.caller(), id: try Self.surveyID(context)))
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try Self.surveyID(context)
        return try JSONResponse.make(try await surveys.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }

    static func surveyID(_ context: HubRequestContext) throws -> SurveyID {
        try context.parameters.id("surveyID", of: SurveyKind.self, what: "survey")
    }

    static func tenantIDs(_ raw: [String]) throws(HubError) -> [TenantID] {
        var ids: [TenantID] = []
        for (index, text) in raw.enumerated() {
            guard let id = TenantID(text) else { throw .invalid("/partnerTenantIDs/\(index)", "must be a company id (UUID)") }
            ids.append(id)
        }
        return ids
    }
}

import Foundation
import HubCore
import Hummingbird
import PRM

/// The tenant's opportunities, their pipeline and history, and converting qualified leads into them.
struct OpportunitiesController {
    let opportunities: Opportunities
    let conversion: LeadConversion

    struct MoneyBody: Decodable {
        var amount: String
        var currency: String

        func money(_ field: String) throws(HubError) -> Money { try Money(amount: amount, currency: currency, field: field) }
    }

    struct OpportunityRequest: RequestBody {
        static let fields: Set<String> = [
            "accountID", "contactID", "name", "stage", "amount", "expectedCloseOn", "ownerUserID", "promotionID", "promoCode",
        ]
        var accountID: String?
        var contactID: String?
        var name: String?
        var stage: Choice<OpportunityStage>?
        var amount: MoneyBody?
        var expectedCloseOn: String?
        var ownerUserID: String?
        var promotionID: String?
        var promoCode: String?

        func fields() throws(HubError) -> OpportunityFields {
            OpportunityFields(
                accountID: try accountID.id("/accountID", "an account id"), contactID: try contactID.id("/contactID", "a contact id"),
                name: name, stage: stage?.value, amount: try amount?.money("/amount"), expectedCloseOn: try expectedCloseOn.day("/expectedCloseOn"),
                ownerUserID: try ownerUserID.id("/ownerUserID", "a user id"), promotionID: try promotionID.id("/promotionID", "a promotion id"),
                promoCode: promoCode
            )
        }
    }

    /// A PATCH: a field left out stays as it is, `null` clears it. The account and stage are not editable here.
    struct UpdateRequest: RequestBody {
        static let fields: Set<String> = ["contactID", "name", "amount", "expectedCloseOn", "ownerUserID", "promotionID", "promoCode"]
        var changes = OpportunityChanges()

        enum Keys: String, CodingKey { case contactID, name, amount, expectedCloseOn, ownerUserID, promotionID, promoCode }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            changes.contactID = try container.edit(String.self, forKey: .contactID).map { raw throws(HubError) in
                try Optional(raw).id("/contactID", "a contact id")!
            }
            changes.name = try container.edit(String.self, forKey: .name)
            changes.amount = try container.edit(MoneyBody.self, forKey: .amount).map { body throws(HubError) in try body.money("/amount") }
            changes.expectedCloseOn = try container.edit(String.self, forKey: .expectedCloseOn).map { raw throws(HubError) in
                try Day(raw, field: "/expectedCloseOn")
            }
            changes.ownerUserID = try container.edit(String.self, forKey: .ownerUserID).map { raw throws(HubError) in
                try Optional(raw).id("/ownerUserID", "a user id")!
            }
            changes.promotionID = try container.edit(String.self, forKey: .promotionID).map { raw throws(HubError) in
                try Optional(raw).id("/promotionID", "a promotion id")!
            }
            changes.promoCode = try container.edit(String.self, forKey: .promoCode)
        }
    }

    struct StageRequest: RequestBody {
        static let fields: Set<String> = ["stage", "reason"]
        var stage: Choice<OpportunityStage>?
        var reason: String?
    }

    struct CloseRequest: RequestBody {
        static let fields: Set<String> = ["outcome", "reason"]
        var outcome: Choice<OpportunityOutcome>?
        var reason: String?
    }

    struct ConvertRequest: RequestBody {
        static let fields: Set<String> = ["accountID", "contactID", "opportunityName", "amount", "stage", "expectedCloseOn", "ownerUserID"]
        var accountID: String?
        var contactID: String?
        var opportunityName: String?
        var amount: MoneyBody?
        var stage: Choice<OpportunityStage>?
        var expectedCloseOn: String?
        var ownerUserID: String?
    }

    struct History: Encodable {
        var items: [OpportunityChange]
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("opportunities", use: list)
        router.post("opportunities", use: create)
        router.get("opportunities/:opportunityID", use: show)
        router.patch("opportunities/:opportunityID", use: update)
        router.post("opportunities/:opportunityID/stage", use: changeStage)
        router.post("opportunities/:opportunityID/close", use: close)
        router.get("opportunities/:opportunityID/history", use: history)
        router.get("opportunities/:opportunityID/timeline", use: timeline)
        router.post("leads/:leadID/convert", use: convert)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(OpportunityRequest.self, context: context)
        return try JSONResponse.make(try await opportunities.create(caller, try body.fields()), status: .created)
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("opportunityID", of: OpportunityKind.self, what: "opportunity")
        var request = request
        let body = try await request.decode(UpdateRequest.self, context: context)
        return try JSONResponse.make(try await opportunities.update(caller, id: id, body.changes))
    }

    @Sendable func changeStage(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("opportunityID", of: OpportunityKind.self, what: "opportunity")
        var request = request
        let body = try await request.decode(StageRequest.self, context: context)
        return try JSONResponse.make(try await opportunities.changeStage(caller, id: id, to: body.stage?.value, reason: body.reason))
    }

    @Sendable func close(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("opportunityID", of: OpportunityKind.self, what: "opportunity")
        var request = request
        let body = try await request.decode(CloseRequest.self, context: context)
        return try JSONResponse.make(try await opportunities.close(caller, id: id, as: body.outcome?.value, reason: body.reason))
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let filter = OpportunityFilter(
            stage: try request.choice("stage", of: OpportunityStage.self), outcome: try request.choice("outcome", of: OpportunityOutcome.self),
            ownerUserID: try query.get("owner").id("owner", "a user id"), accountID: try query.get("account").id("account", "an account id"),
            sourcedByTenantID: try query.get("sourcedBy").id("sourcedBy", "a tenant id"),
            closeFrom: try query.get("closeFrom").day("closeFrom"), closeTo: try query.get("closeTo").day("closeTo")
        )
        return try JSONResponse.make(try await opportunities.list(try context.caller(), filter: filter, page: try request.pageRequest))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("opportunityID", of: OpportunityKind.self, what: "opportunity")
        return try JSONResponse.make(try await opportunities.get(try context.caller(), id: id))
    }

    @Sendable func history(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("opportunityID", of: OpportunityKind.self, what: "opportunity")
        return try JSONResponse.make(History(items: try await opportunities.history(try context.caller(), id: id)))
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("opportunityID", of: OpportunityKind.self, what: "opportunity")
        return try JSONResponse.make(try await opportunities.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }

    @Sendable func convert(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        var request = request
        let body = try await request.decode(ConvertRequest.self, context: context)
        let conversion = LeadConversionRequest(
            accountID: try body.accountID.id("/accountID", "an account id"), contactID: try body.contactID.id("/contactID", "a contact id"),
            opportunityName: body.opportunityName, amount: try body.amount?.money("/amount"), stage: body.stage?.value,
            expectedCloseOn: try body.expectedCloseOn.day("/expectedCloseOn"), ownerUserID: try body.ownerUserID.id("/ownerUserID", "a user id")
        )
        return try JSONResponse.make(try await self.conversion.convert(caller, lead: id, conversion), status: .created)
    }
}

import Foundation
import HubCore
import Hummingbird
import PRM

/// Deal registrations: partners register deals with vendors; vendors review and decide.
struct DealRegistrationsController {
    let registrations: DealRegistrations

    struct ProductBody: Decodable {
        var sku: String
        var quantity: Int
    }

    struct RegistrationRequest: RequestBody {
        static let fields: Set<String> = [
            "vendorTenantID", "customerName", "customerDomain", "country", "products", "amount", "expectedCloseOn", "partnerRef",
        ]
        var vendorTenantID: String?
        var customerName: String?
        var customerDomain: String?
        var country: String?
        var products: [ProductBody]?
        var amount: OpportunitiesController.MoneyBody?
        var expectedCloseOn: String?
        var partnerRef: String?

        func fields() throws(HubError) -> DealRegistrationFields {
            DealRegistrationFields(
                customerName: customerName, customerDomain: customerDomain, country: country,
                products: products?.map { DealProduct(sku: $0.sku, quantity: $0.quantity) }, amount: try amount?.money("/amount"),
                expectedCloseOn: try expectedCloseOn.day("/expectedCloseOn"), partnerRef: partnerRef
            )
        }
    }

    /// A PATCH: a field left out stays as it is, `null` clears it. The vendor is not editable.
    struct UpdateRequest: RequestBody {
        static let fields: Set<String> = ["customerName", "customerDomain", "country", "products", "amount", "expectedCloseOn", "partnerRef"]
        var changes = DealRegistrationChanges()

        enum Keys: String, CodingKey { case customerName, customerDomain, country, products, amount, expectedCloseOn, partnerRef }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            changes.customerName = try container.edit(String.self, forKey: .customerName)
            changes.customerDomain = try container.edit(String.self, forKey: .customerDomain)
            changes.country = try container.edit(String.self, forKey: .country)
            changes.products = try container.edit([ProductBody].self, forKey: .products).map { $0.map { DealProduct(sku: $0.sku, quantity: $0.quantity) } }
            changes.amount = try container.edit(OpportunitiesController.MoneyBody.self, forKey: .amount).map { body throws(HubError) in
                try body.money("/amount")
            }
            changes.expectedCloseOn = try container.edit(String.self, forKey: .expectedCloseOn).map { raw throws(HubError) in
                try Day(raw, field: "/expectedCloseOn")
            }
            changes.partnerRef = try container.edit(String.self, forKey: .partnerRef)
        }
    }

    struct ApproveRequest: RequestBody {
        static let fields: Set<String> = ["protectionDays", "note", "overrideReason", "createOpportunity"]
        var protectionDays: Int?
        var note: String?
        var overrideReason: String?
        var createOpportunity: Bool?
    }

    struct ReasonRequest: RequestBody {
        static let fields: Set<String> = ["reason"]
        var reason: String?
    }

    /// Actions without parameters accept an empty object (or no body at all).
    struct EmptyRequest: RequestBody {
        static let fields: Set<String> = []
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("deal-registrations", use: list)
        router.post("deal-registrations", use: create)
        router.get("deal-registrations/:registrationID", use: show)
        router.patch("deal-registrations/:registrationID", use: update)
        router.post("deal-registrations/:registrationID/submit", use: submit)
        router.post("deal-registrations/:registrationID/review", use: review)
        router.post("deal-registrations/:registrationID/approve", use: approve)
        router.post("deal-registrations/:registrationID/return", use: returnToPartner)
        router.post("deal-registrations/:registrationID/reject", use: reject)
        router.get("deal-registrations/:registrationID/timeline", use: timeline)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(RegistrationRequest.self, context: context)
        let vendor: TenantID? = try body.vendorTenantID.id("/vendorTenantID", "a tenant id")
        return try JSONResponse.make(try await registrations.create(caller, vendor: vendor, try body.fields()), status: .created)
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try registrationID(context)
        var request = request
        let body = try await request.decode(UpdateRequest.self, context: context)
        return try JSONResponse.make(try await registrations.update(caller, id: id, body.changes))
    }

    @Sendable func submit(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try registrationID(context)
        try await decodeEmpty(request, context)
        return try JSONResponse.make(try await registrations.submit(caller, id: id))
    }

    @Sendable func review(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try registrationID(context)
        try await decodeEmpty(request, context)
        return try JSONResponse.make(try await registrations.review(caller, id: id))
    }

    @Sendable func approve(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try registrationID(context)
        var request = request
        let body = try await request.decode(ApproveRequest.self, context: context)
        let approval = DealApproval(
            protectionDays: body.protectionDays, note: body.note, overrideReason: body.overrideReason,
            createOpportunity: body.createOpportunity ?? false
        )
        return try JSONResponse.make(try await registrations.approve(caller, id: id, approval))
    }

    @Sendable func returnToPartner(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try registrationID(context)
        var request = request
        let body = try await request.decode(ReasonRequest.self, context: context)
        return try JSONResponse.make(try await registrations.returnToPartner(caller, id: id, reason: body.reason))
    }

    @Sendable func reject(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try registrationID(context)
        var request = request
        let body = try await request.decode(ReasonRequest.self, context: context)
        return try JSONResponse.make(try await registrations.reject(caller, id: id, reason: body.reason))
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let query = request.uri.queryParameters
        let status = try request.choice("status", of: DealRegistrationStatus.self)
        let page = try request.pageRequest
        switch try request.choice("role", of: DealRegistrationRole.self) ?? .vendor {
        case .vendor:
            let partner: TenantID? = try query.get("partner").id("partner", "a tenant id")
            return try JSONResponse.make(try await registrations.listAsVendor(caller, status: status, partner: partner, page: page))
        case .partner:
            let vendor: TenantID? = try query.get("vendor").id("vendor", "a tenant id")
            return try JSONResponse.make(try await registrations.listAsPartner(caller, status: status, vendor: vendor, page: page))
        }
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try registrationID(context)
        return try JSONResponse.make(try await registrations.get(try context.caller(), id: id))
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try registrationID(context)
        return try JSONResponse.make(try await registrations.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }

    private func registrationID(_ context: HubRequestContext) throws -> DealRegistrationID {
        try context.parameters.id("registrationID", of: DealRegistrationKind.self, what: "deal registration")
    }

    /// An action's optional body must be an empty JSON object if present.
    private func decodeEmpty(_ request: Request, _ context: HubRequestContext) async throws {
        guard request.headers[.contentLength].map({ $0 != "0" }) ?? (request.headers[.contentType] != nil) else { return }
        var request = request
        _ = try await request.decode(EmptyRequest.self, context: context)
    }
}

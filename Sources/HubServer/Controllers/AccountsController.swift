import Foundation
import HubCore
import Hummingbird
import PRM

/// The tenant's customer accounts.
struct AccountsController {
    let accounts: Accounts

    struct AccountRequest: RequestBody {
        static let fields: Set<String> = ["name", "domain", "country", "region", "ownerUserID"]
        var name: String?
        var domain: String?
        var country: String?
        var region: String?
        var ownerUserID: String?

        func fields() throws(HubError) -> AccountFields {
            AccountFields(name: name, domain: domain, country: country, region: region, ownerUserID: try ownerUserID.id("/ownerUserID", "a user id"))
        }
    }

    /// A PATCH: a field left out stays as it is, `null` clears it.
    struct UpdateRequest: RequestBody {
        static let fields: Set<String> = ["name", "domain", "country", "region", "ownerUserID"]
        var changes = AccountChanges()

        enum Keys: String, CodingKey { case name, domain, country, region, ownerUserID }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            changes.name = try container.edit(String.self, forKey: .name)
            changes.domain = try container.edit(String.self, forKey: .domain)
            changes.country = try container.edit(String.self, forKey: .country)
            changes.region = try container.edit(String.self, forKey: .region)
            changes.ownerUserID = try container.edit(String.self, forKey: .ownerUserID).map { raw throws(HubError) in
                try Optional(raw).id("/ownerUserID", "a user id")!
            }
        }
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("accounts", use: list)
        router.post("accounts", use: create)
        router.get("accounts/:accountID", use: show)
        router.patch("accounts/:accountID", use: update)
        router.get("accounts/:accountID/timeline", use: timeline)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(AccountRequest.self, context: context)
        return try JSONResponse.make(try await accounts.create(caller, try body.fields()), status: .created)
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("accountID", of: AccountKind.self, what: "account")
        var request = request
        let body = try await request.decode(UpdateRequest.self, context: context)
        return try JSONResponse.make(try await accounts.update(caller, id: id, body.changes))
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let filter = AccountFilter(
            country: query.get("country"), domain: query.get("domain"), ownerUserID: try query.get("owner").id("owner", "a user id")
        )
        return try JSONResponse.make(try await accounts.list(try context.caller(), filter: filter, page: try request.pageRequest))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("accountID", of: AccountKind.self, what: "account")
        return try JSONResponse.make(try await accounts.get(try context.caller(), id: id))
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("accountID", of: AccountKind.self, what: "account")
        return try JSONResponse.make(try await accounts.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }
}

extension Optional where Wrapped == String {
    /// A typed id from a body field or query parameter; `invalid` naming `field` when it is not a UUID.
    func id<Kind>(_ field: String, _ what: String) throws(HubError) -> Identifier<Kind>? {
        guard let self else { return nil }
        guard let id = Identifier<Kind>(self) else { throw .invalid(field, "must be \(what) (UUID)") }
        return id
    }

    /// A `YYYY-MM-DD` day from a body field or query parameter.
    func day(_ field: String) throws(HubError) -> Day? {
        guard let self else { return nil }
        return try Day(self, field: field)
    }
}

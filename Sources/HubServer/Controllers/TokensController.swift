import Foundation
import HubCore
import Hummingbird

/// Personal API tokens: created (secret shown once), listed, revoked.
struct TokensController {
    let tokens: APITokens

    struct CreateRequest: RequestBody {
        static let fields: Set<String> = ["name", "expiresInDays"]
        var name: String
        var expiresInDays: Int?
    }

    struct Created: Encodable {
        var token: String
        var apiToken: APIToken
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("tokens", use: list)
        router.post("tokens", use: create)
        router.delete("tokens/:tokenID", use: revoke)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await tokens.list(try context.caller(), page: try request.pageRequest))
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(CreateRequest.self, context: context)
        let (secret, token) = try await tokens.create(caller, name: body.name, lifetimeDays: body.expiresInDays ?? 90)
        return try JSONResponse.make(Created(token: secret, apiToken: token), status: .created)
    }

    @Sendable func revoke(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("tokenID", of: CredentialKind.self, what: "API token")
        return try JSONResponse.make(try await tokens.revoke(try context.caller(), id: id))
    }
}

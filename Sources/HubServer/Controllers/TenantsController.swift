import HubCore
import Hummingbird

/// The caller's own company, and the operator's view of every tenant.
struct TenantsController {
    let tenants: TenantDirectory

    struct CreateRequest: RequestBody {
        static let fields: Set<String> = ["slug", "name"]
        var slug: String
        var name: String
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("tenant", use: own)
        router.get("tenants", use: list)
        router.post("tenants", use: create)
    }

    @Sendable func own(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        return try JSONResponse.make(try await tenants.get(caller, id: caller.tenantID))
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await tenants.list(try context.caller(), page: try request.pageRequest))
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        try caller.principal.requireHubOperator(to: "creating a tenant")
        var request = request
        let body = try await request.decode(CreateRequest.self, context: context)
        return try JSONResponse.make(try await tenants.create(caller, slug: body.slug, name: body.name), status: .created)
    }
}

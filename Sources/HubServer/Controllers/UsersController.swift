import HubCore
import Hummingbird

/// The people of the caller's tenant.
struct UsersController {
    let users: UserDirectory

    struct CreateRequest: RequestBody {
        static let fields: Set<String> = ["email", "displayName", "role", "password"]
        var email: String
        var displayName: String
        var role: Choice<Role>
        var password: String?
    }

    struct UpdateRequest: RequestBody {
        static let fields: Set<String> = ["displayName", "role", "disabled"]
        var displayName: String?
        var role: Choice<Role>?
        var disabled: Bool?
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("users", use: list)
        router.post("users", use: create)
        router.get("users/:userID", use: show)
        router.patch("users/:userID", use: update)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await users.list(try context.caller(), page: try request.pageRequest))
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        try caller.principal.require(.admin, to: "adding a user")
        var request = request
        let body = try await request.decode(CreateRequest.self, context: context)
        let user = try await users.create(
            caller, email: body.email, displayName: body.displayName, role: body.role.value, password: body.password
        )
        return try JSONResponse.make(user, status: .created)
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("userID", of: UserKind.self, what: "user")
        return try JSONResponse.make(try await users.get(try context.caller(), id: id))
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("userID", of: UserKind.self, what: "user")
        var request = request
        let body = try await request.decode(UpdateRequest.self, context: context)
        let user = try await users.update(caller, id: id, displayName: body.displayName, role: body.role?.value, disabled: body.disabled)
        return try JSONResponse.make(user)
    }
}

import Foundation
import HubCore
import Hummingbird

/// Signing in and out with a password, and who the caller is.
struct AuthController {
    let authenticator: Authenticator
    let users: UserDirectory
    let tenants: TenantDirectory
    let secureCookies: Bool

    struct LoginRequest: RequestBody {
        static let fields: Set<String> = ["email", "password"]
        var email: String
        var password: String
    }

    struct Identity: Encodable {
        var user: User
        var tenant: Tenant
        var expiresAt: Date?
    }

    func addPublicRoutes(to router: RouterGroup<HubRequestContext>) {
        router.post("auth/login", use: login)
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.post("auth/logout", use: logout)
        router.get("me", use: me)
    }

    @Sendable func login(_ request: Request, context: HubRequestContext) async throws -> Response {
        var request = request
        let body = try await request.decode(LoginRequest.self, context: context)
        let grant = try await authenticator.login(
            email: body.email, password: body.password, clientAddress: context.clientAddress, requestID: context.requestID
        )
        let caller = Caller(principal: grant.principal, requestID: context.requestID)
        let identity = Identity(
            user: try await users.get(caller, id: grant.principal.userID!),
            tenant: try await tenants.get(caller, id: grant.principal.tenantID),
            expiresAt: grant.expiresAt
        )
        var response = try JSONResponse.make(identity)
        response.setCookie(sessionCookie(value: grant.token, maxAge: Int(authenticator.sessionLifetime.components.seconds)))
        return response
    }

    @Sendable func logout(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await authenticator.logout(try context.caller())
        var response = Response(status: .noContent)
        response.setCookie(sessionCookie(value: "", maxAge: 0))
        return response
    }

    @Sendable func me(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        guard let userID = caller.principal.userID else { throw HubError.unauthenticated }
        return try JSONResponse.make(
            Identity(user: try await users.get(caller, id: userID), tenant: try await tenants.get(caller, id: caller.tenantID))
        )
    }

    private func sessionCookie(value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: secureCookies ? AuthenticationMiddleware.secureCookieName : AuthenticationMiddleware.cookieName, value: value, maxAge: maxAge, path: "/", secure: secureCookies,
            httpOnly: true, sameSite: .lax
        )
    }
}

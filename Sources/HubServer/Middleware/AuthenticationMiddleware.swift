import HTTPTypes
import HubCore
import Hummingbird
import Logging

/// Resolves a bearer API token or the session cookie into the request's principal.
///
/// A request that presents a bad bearer token is refused at once; a stale cookie just leaves the
/// request anonymous, so public routes still work. Writes authenticated by cookie must come from
/// the hub's own origin, which closes cross-site request forgery even in browsers without SameSite.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    static let cookieName = "partnerhub_session"
    /// Over HTTPS the cookie takes the `__Host-` prefix, which browsers only accept when it is
    /// Secure, host-only and for the whole site, so no subdomain can plant or widen it.
    static let secureCookieName = "__Host-partnerhub_session"

    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let principal = try await authenticator.principal(forAPIToken: String(parts[1]))
            else {
                throw HubError.unauthenticated
            }
            context.principal = principal
        } else if let session = (request.cookies[Self.secureCookieName] ?? request.cookies[Self.cookieName])?.value,
            let principal = try await authenticator.principal(forSession: session)
        {
            if request.method.isUnsafe, !Self.isSameOrigin(request) {
                throw Problem(.forbidden, "a cookie-authenticated change must come from the hub's own pages (Origin check failed)")
            }
            context.principal = principal
            context.authenticatedByCookie = true
        }
        if let principal = context.principal {
            context.logger[metadataKey: "tenant_id"] = .stringConvertible(principal.tenantID)
            context.logger[metadataKey: "user_id"] = .string(principal.userID?.description ?? "")
        }
        return try await next(request, context)
    }

    /// Browsers send `Sec-Fetch-Site` or `Origin` on cross-site writes; anything not same-origin is refused.
    static func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite] {
            return site == "same-origin" || site == "none"
        }
        if let origin = request.headers[.origin] {
            guard let host = request.head.authority else { return false }
            return origin == "http://\(host)" || origin == "https://\(host)"
        }
        // Non-browser clients send neither; they cannot be driven by another site.
        return true
    }
}

extension HTTPRequest.Method {
    /// Methods that change state.
    var isUnsafe: Bool { ![.get, .head, .options].contains(self) }
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
}

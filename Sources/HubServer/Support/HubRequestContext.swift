import HTTPTypes
import HubCore
import Hummingbird
import Logging
import NIOCore

/// What every request carries through the middleware chain: its id, where it came from, and
/// (once authenticated) who is asking.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Echoed in the `X-Request-Id` header, the logs, problem details and the audit trail.
    public var requestID: String
    /// Set by `AuthenticationMiddleware` from a session cookie or a bearer token.
    public var principal: Principal?
    /// Whether the principal came from a cookie, which needs a same-origin check on writes.
    public var authenticatedByCookie = false

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.requestID = ""
    }

    /// JSON API bodies are small; EDI uploads have their own routes and limits.
    public var maxUploadSize: Int { 1024 * 1024 }

    /// The caller of an authenticated route; throws `unauthenticated` when nobody signed in.
    public func caller() throws -> Caller {
        guard let principal else { throw HubError.unauthenticated }
        return Caller(principal: principal, requestID: requestID)
    }

    /// The client's IP address, for login throttling and the audit trail.
    public var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}

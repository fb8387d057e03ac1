/// The principal behind an operation and the request it came in, for scoping and the audit trail.
public struct Caller: Sendable, Equatable {
    public var principal: Principal
    /// Correlates the audit record with the server's logs; the CLI uses its own.
    public var requestID: String

    public init(principal: Principal, requestID: String) {
        self.principal = principal
        self.requestID = requestID
    }

    public var tenantID: TenantID { principal.tenantID }
}

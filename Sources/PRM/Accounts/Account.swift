import Foundation
import HubCore

public enum AccountKind {}
/// A customer company of one tenant.
public typealias AccountID = Identifier<AccountKind>

/// A customer company a tenant sells to.
public struct Account: Sendable, Encodable, Equatable {
    public var id: AccountID
    public var name: String
    /// Normalized: lower case, no scheme or `www.`; unique within the tenant.
    public var domain: String?
    public var country: String?
    public var region: String?
    public var ownerUserID: UserID?
    public var createdAt: Date
    public var updatedAt: Date
}

/// The fields a user supplies to create or edit an account; `nil` leaves a field as it is.
public struct AccountFields: Sendable {
    public var name: String?
    public var domain: String?
    public var country: String?
    public var region: String?
    public var ownerUserID: UserID?

    public init(name: String? = nil, domain: String? = nil, country: String? = nil, region: String? = nil, ownerUserID: UserID? = nil) {
        self.name = name
        self.domain = domain
        self.country = country
        self.region = region
        self.ownerUserID = ownerUserID
    }

    var isEmpty: Bool { name == nil && domain == nil && country == nil && region == nil && ownerUserID == nil }

    /// Trims and normalizes every field, collecting every problem at once; a new account needs a name.
    func validated(creating: Bool) throws(HubError) -> AccountFields {
        var issues: [FieldIssue] = []
        var fields = self
        fields.name = cleaned(name, "/name", max: 200, into: &issues)
        fields.region = cleaned(region, "/region", max: 100, into: &issues)
        fields.domain = cleaned(domain, "/domain", max: 253, into: &issues).flatMap { raw in
            collecting(&issues) { () throws(HubError) in try DomainName.normalize(raw, field: "/domain") }
        }
        fields.country = cleaned(country, "/country", max: 10, into: &issues).flatMap { raw in
            collecting(&issues) { () throws(HubError) in try CountryCode.normalize(raw, field: "/country") }
        }
        if creating, fields.name == nil { issues.append(FieldIssue("/name", "is required")) }
        if !creating, name != nil, fields.name == nil { issues.append(FieldIssue("/name", "must not be blank")) }
        guard issues.isEmpty else { throw .invalid(issues) }
        return fields
    }
}

/// Which accounts a list returns.
public struct AccountFilter: Sendable {
    public var country: String?
    public var domain: String?
    public var ownerUserID: UserID?

    public init(country: String? = nil, domain: String? = nil, ownerUserID: UserID? = nil) {
        self.country = country
        self.domain = domain
        self.ownerUserID = ownerUserID
    }
}

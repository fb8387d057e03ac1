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

/// The fields of a new account, or of an edited one once its changes are applied.
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

    /// Trims and normalizes every field, collecting every problem at once; an account needs a name.
    func validated() throws(HubError) -> AccountFields {
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
        if fields.name == nil { issues.append(FieldIssue("/name", "is required")) }
        guard issues.isEmpty else { throw .invalid(issues) }
        return fields
    }
}

/// A partial edit of an account (a PATCH): each field kept, cleared or set.
public struct AccountChanges: Sendable {
    public var name: FieldEdit<String> = .keep
    public var domain: FieldEdit<String> = .keep
    public var country: FieldEdit<String> = .keep
    public var region: FieldEdit<String> = .keep
    public var ownerUserID: FieldEdit<UserID> = .keep

    public init() {}

    var isEmpty: Bool { name.isKeep && domain.isKeep && country.isKeep && region.isKeep && ownerUserID.isKeep }

    /// The account's fields with the edits applied, to validate like a new account.
    func applied(to account: Account) -> AccountFields {
        AccountFields(
            name: name.applied(to: account.name), domain: domain.applied(to: account.domain), country: country.applied(to: account.country),
            region: region.applied(to: account.region), ownerUserID: ownerUserID.applied(to: account.ownerUserID)
        )
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

import Foundation
import HubCore

public enum ContactKind {}
/// A person at a customer, in one tenant.
public typealias ContactID = Identifier<ContactKind>

/// A person a tenant deals with at a customer account.
public struct Contact: Sendable, Encodable, Equatable {
    public var id: ContactID
    public var accountID: AccountID?
    public var firstName: String?
    public var lastName: String?
    /// Normalized (lower case); unique within the tenant.
    public var email: String?
    public var phone: String?
    public var title: String?
    public var createdAt: Date
    public var updatedAt: Date
}

/// The fields of a new contact, or of an edited one once its changes are applied.
public struct ContactFields: Sendable {
    public var accountID: AccountID?
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var title: String?

    public init(
        accountID: AccountID? = nil, firstName: String? = nil, lastName: String? = nil, email: String? = nil, phone: String? = nil,
        title: String? = nil
    ) {
        self.accountID = accountID
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.title = title
    }

    /// Trims and normalizes every field, collecting every problem at once; a contact needs a last name or an e-mail.
    func validated() throws(HubError) -> ContactFields {
        var issues: [FieldIssue] = []
        var fields = self
        fields.firstName = cleaned(firstName, "/firstName", max: 100, into: &issues)
        fields.lastName = cleaned(lastName, "/lastName", max: 100, into: &issues)
        fields.phone = cleaned(phone, "/phone", max: 40, into: &issues)
        fields.title = cleaned(title, "/title", max: 100, into: &issues)
        fields.email = cleaned(email, "/email", max: 254, into: &issues).flatMap { raw in
            collecting(&issues) { () throws(HubError) in try EmailAddress.normalize(raw, field: "/email") }
        }
        if fields.lastName == nil, fields.email == nil, !issues.contains(where: { $0.field == "/email" }) {
            issues.append(FieldIssue("/", "a contact needs at least a last name or an e-mail address"))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        return fields
    }
}

/// A partial edit of a contact (a PATCH): each field kept, cleared or set.
public struct ContactChanges: Sendable {
    public var accountID: FieldEdit<AccountID> = .keep
    public var firstName: FieldEdit<String> = .keep
    public var lastName: FieldEdit<String> = .keep
    public var email: FieldEdit<String> = .keep
    public var phone: FieldEdit<String> = .keep
    public var title: FieldEdit<String> = .keep

    public init() {}

    var isEmpty: Bool { accountID.isKeep && firstName.isKeep && lastName.isKeep && email.isKeep && phone.isKeep && title.isKeep }

    /// The contact's fields with the edits applied, to validate like a new contact.
    func applied(to contact: Contact) -> ContactFields {
        ContactFields(
            accountID: accountID.applied(to: contact.accountID), firstName: firstName.applied(to: contact.firstName),
            lastName: lastName.applied(to: contact.lastName), email: email.applied(to: contact.email), phone: phone.applied(to: contact.phone),
            title: title.applied(to: contact.title)
        )
    }
}

/// Which contacts a list returns.
public struct ContactFilter: Sendable {
    public var accountID: AccountID?
    public var email: String?

    public init(accountID: AccountID? = nil, email: String? = nil) {
        self.accountID = accountID
        self.email = email
    }
}

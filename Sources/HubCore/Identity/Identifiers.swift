import Foundation

/// A typed UUID, so a partnership id can never be passed where a tenant id is expected.
public struct Identifier<Kind>: Hashable, Sendable, Codable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID = UUID()) { self.uuid = uuid }

    /// Parses the textual form; `nil` for anything that is not a UUID.
    public init?(_ string: some StringProtocol) {
        guard let uuid = UUID(uuidString: String(string)) else { return nil }
        self.uuid = uuid
    }

    /// The lower-case form PostgreSQL prints, used in URLs and JSON.
    public var description: String { uuid.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws { uuid = try UUID(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try description.encode(to: encoder) }
}

public enum TenantKind {}
public enum UserKind {}
public enum PartnershipKind {}
public enum CredentialKind {}

/// A company on the hub.
public typealias TenantID = Identifier<TenantKind>
/// A person, belonging to one tenant.
public typealias UserID = Identifier<UserKind>
/// A relationship between two tenants.
public typealias PartnershipID = Identifier<PartnershipKind>
/// A session or an API token.
public typealias CredentialID = Identifier<CredentialKind>

import Foundation
import HubCore

public enum LeadOfferKind {}
/// An offer of one lead from its owner to a partner tenant.
public typealias LeadOfferID = Identifier<LeadOfferKind>

/// Where an offer stands. Only `offered` is open: the others are final.
public enum LeadOfferStatus: String, Sendable, Codable, CaseIterable {
    case offered, accepted, declined, expired, withdrawn
}

/// Why a partner declined an offer.
public enum DeclineReason: String, Sendable, Codable, CaseIterable {
    case notMyTerritory = "not_my_territory", noCapacity = "no_capacity", badData = "bad_data", duplicate, spam, other
}

/// Why an offer was withdrawn.
public enum WithdrawReason: String, Sendable, Codable, CaseIterable {
    case byOrigin = "by_origin", partnershipEnded = "partnership_ended", acceptedElsewhere = "accepted_elsewhere"
}

/// Which side of an offer the caller is on.
public enum OfferDirection: String, Sendable, Codable, CaseIterable {
    case outgoing, incoming
}

/// A lead field the owner may share. Notes are not among them: they never leave the owner's tenant.
public enum SharedLeadField: String, Sendable, Codable, CaseIterable {
    case companyName, companyDomain, firstName, lastName, email, phone, country, region, estimatedValue
}

/// The shared fields of a lead, frozen when it was offered: all a partner ever sees of the origin's lead.
public struct SharedLeadFields: Sendable, Codable, Equatable {
    public var companyName: String?
    public var companyDomain: String?
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var country: String?
    public var region: String?
    public var estimatedValue: Money?
    /// The lead's lawful basis, when personal data is shared: the partner's copy keeps it.
    public var consent: LeadConsent?

    /// The chosen fields of `lead`, the others left out.
    init(_ lead: Lead, sharing fields: Set<SharedLeadField>) {
        func pick<Value>(_ field: SharedLeadField, _ value: Value?) -> Value? { fields.contains(field) ? value : nil }
        companyName = pick(.companyName, lead.companyName)
        companyDomain = pick(.companyDomain, lead.companyDomain)
        firstName = pick(.firstName, lead.firstName)
        lastName = pick(.lastName, lead.lastName)
        email = pick(.email, lead.email)
        phone = pick(.phone, lead.phone)
        country = pick(.country, lead.country)
        region = pick(.region, lead.region)
        estimatedValue = pick(.estimatedValue, lead.estimatedValue)
        consent = carriesPersonalData ? lead.consent : nil
    }

    /// Names, e-mail or phone: data about a person, which may be shared only on a lawful basis.
    var carriesPersonalData: Bool { firstName != nil || lastName != nil || email != nil || phone != nil }

    /// Why personal data of a lead without a consent basis is not shared.
    static let consentRequired =
        "the lead has no consent basis for its personal data (names, e-mail, phone): record one on the lead, or share company fields only"

    /// A lead needs one of these to exist (the leads table checks it), so an offer must carry one.
    var identifiesALead: Bool { companyName != nil || lastName != nil || email != nil }
}

/// What the origin's channel manager learns of the partner's copy: its status, nothing else.
public struct LeadOfferFeedback: Sendable, Encodable, Equatable {
    public var status: LeadStatus
    public var at: Date
    /// Set when the partnership ended: the copy no longer reports back.
    public var frozenAt: Date?
}

/// An offer of a lead, as the side asking sees it: the origin sees its lead id, the rule and the
/// feedback; the partner sees the shared fields while the offer is open or accepted, and its own copy.
public struct LeadOffer: Sendable, Encodable, Equatable {
    public var id: LeadOfferID
    public var direction: OfferDirection
    public var fromTenantID: TenantID
    public var toTenantID: TenantID
    public var status: LeadOfferStatus
    public var exclusive: Bool
    public var sharedFields: [SharedLeadField]
    public var lead: SharedLeadFields?
    public var message: String?
    public var slaHours: Int
    public var offeredAt: Date
    public var dueAt: Date
    public var respondedAt: Date?
    public var closedAt: Date?
    public var declineReason: DeclineReason?
    public var declineNote: String?
    public var withdrawReason: WithdrawReason?
    /// Origin only.
    public var leadID: LeadID?
    public var ruleID: UUID?
    public var runID: UUID?
    public var reroutedFromOfferID: LeadOfferID?
    public var feedback: LeadOfferFeedback?
    /// Recipient only: its own lead, made on accepting.
    public var copyLeadID: LeadID?
}

/// What the owner supplies to offer a lead, before validation.
public struct LeadOfferDraft: Sendable {
    public static let defaultSLAHours = 48
    public static let slaHoursRange = 1...720

    public var toTenantID: TenantID?
    public var sharedFields: [SharedLeadField]?
    public var message: String?
    public var slaHours: Int?
    public var exclusive: Bool?

    public init(
        toTenantID: TenantID? = nil, sharedFields: [SharedLeadField]? = nil, message: String? = nil, slaHours: Int? = nil,
        exclusive: Bool? = nil
    ) {
        self.toTenantID = toTenantID
        self.sharedFields = sharedFields
        self.message = message
        self.slaHours = slaHours
        self.exclusive = exclusive
    }
}

import Foundation
import HubCore

public enum LeadKind {}
/// A lead of one tenant.
public typealias LeadID = Identifier<LeadKind>

/// Where a lead stands in the pipeline.
public enum LeadStatus: String, Sendable, Codable, CaseIterable {
    case new, contacted, qualified, converted, lost
    /// Folded into another lead (a duplicate); only a merge puts a lead here, and nothing takes it out.
    case merged

    /// The pipeline: forward one step at a time to qualified, then converted; lost from any open
    /// status; a lost lead may be recycled to new.
    public func canMove(to next: LeadStatus) -> Bool {
        switch (self, next) {
        case (.new, .contacted), (.new, .qualified), (.contacted, .qualified), (.qualified, .converted): true
        case (.new, .lost), (.contacted, .lost), (.qualified, .lost): true
        case (.lost, .new): true
        default: false
        }
    }
}

/// Where a lead came from.
public enum LeadSource: String, Sendable, Codable, CaseIterable {
    case web, `import`, api, partnerShare = "partner_share", ediADF = "edi_adf", event, referral, other
}

/// The lawful basis on which a lead's personal data (names, e-mail, phone) is held and may be shared.
public enum ConsentBasis: String, Sendable, Codable, CaseIterable {
    case consent, legitimateInterest = "legitimate_interest", contract
}

/// Why the tenant may hold and share a lead's personal data. It travels with the lead to a partner's copy, so
/// the partner can answer the person's questions about where their data came from.
public struct LeadConsent: Sendable, Codable, Equatable {
    public var basis: ConsentBasis
    /// When the person agreed, or the basis was established.
    public var capturedAt: Date?
    /// Where the evidence is: a form, a contract number, a campaign.
    public var reference: String?

    public init(basis: ConsentBasis, capturedAt: Date? = nil, reference: String? = nil) {
        self.basis = basis
        self.capturedAt = capturedAt
        self.reference = reference
    }
}

/// A prospective customer a tenant is working, or may hand to a partner.
public struct Lead: Sendable, Encodable, Equatable {
    public var id: LeadID
    public var status: LeadStatus
    public var source: LeadSource
    public var companyName: String?
    public var companyDomain: String?
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var country: String?
    public var region: String?
    public var ownerUserID: UserID?
    public var estimatedValue: Money?
    /// Private to the owning tenant: never shared with partners.
    public var notes: String?
    /// Required before the lead's personal data can be offered to a partner.
    public var consent: LeadConsent?
    public var createdAt: Date
    public var updatedAt: Date
    public var firstResponseAt: Date?
    public var qualifiedAt: Date?
    public var closedAt: Date?
    public var lostReason: String?
    /// Set when the lead was merged into another one.
    public var mergedIntoLeadID: LeadID?
    /// Set on a partner's copy made by accepting an offer: where the lead came from.
    public var origin: LeadOrigin?
    /// What the lead became when it was converted.
    public var convertedAccountID: AccountID?
    public var convertedContactID: ContactID?
    public var convertedOpportunityID: OpportunityID?
    /// The promotion the lead is attributed to, by promo code or tag.
    public var promotionID: PromotionID?
}

/// The tenant, lead and offer a partner's copy of a lead came from.
public struct LeadOrigin: Sendable, Encodable, Equatable {
    public var tenantID: TenantID
    public var leadID: LeadID
    public var offerID: UUID
}

/// One change of a lead's status.
public struct LeadStatusChange: Sendable, Encodable, Equatable {
    public var sequence: Int
    public var fromStatus: LeadStatus?
    public var toStatus: LeadStatus
    public var byUserID: UserID?
    public var reason: String?
    public var at: Date
}

/// What a user supplies to create a lead, before validation.
public struct LeadDraft: Sendable {
    public var source: LeadSource
    public var companyName: String?
    public var companyDomain: String?
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var country: String?
    public var region: String?
    public var ownerUserID: UserID?
    public var estimatedValue: Money?
    public var notes: String?
    public var consent: LeadConsent?
    /// A promo code the lead quoted: attributes it to the code's promotion.
    public var promoCode: String?
    /// A promotion to attribute the lead to explicitly.
    public var promotionID: PromotionID?

    public init(
        source: LeadSource = .api, companyName: String? = nil, companyDomain: String? = nil, firstName: String? = nil,
        lastName: String? = nil, email: String? = nil, phone: String? = nil, country: String? = nil, region: String? = nil,
        ownerUserID: UserID? = nil, estimatedValue: Money? = nil, notes: String? = nil, consent: LeadConsent? = nil,
        promoCode: String? = nil, promotionID: PromotionID? = nil
    ) {
        self.source = source
        self.companyName = companyName
        self.companyDomain = companyDomain
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.country = country
        self.region = region
        self.ownerUserID = ownerUserID
        self.estimatedValue = estimatedValue
        self.notes = notes
        self.consent = consent
        self.promoCode = promoCode
        self.promotionID = promotionID
    }

    /// Trims and normalizes every field, collecting every problem at once.
    func validated() throws(HubError) -> LeadDraft {
        var issues: [FieldIssue] = []
        var draft = self
        func clean(_ value: String?, _ field: String, max: Int) -> String? {
            guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
            if trimmed.count > max { issues.append(FieldIssue(field, "must be at most \(max) characters")) }
            return trimmed
        }
        draft.companyName = clean(companyName, "/companyName", max: 200)
        draft.firstName = clean(firstName, "/firstName", max: 100)
        draft.lastName = clean(lastName, "/lastName", max: 100)
        draft.phone = clean(phone, "/phone", max: 40)
        draft.region = clean(region, "/region", max: 100)
        draft.notes = clean(notes, "/notes", max: 10_000)
        draft.promoCode = clean(promoCode, "/promoCode", max: 40)
        draft.consent?.reference = clean(consent?.reference, "/consent/reference", max: 200)
        if let captured = consent?.capturedAt, captured > Date().addingTimeInterval(300) {
            issues.append(FieldIssue("/consent/capturedAt", "must not be in the future"))
        }
        if let email = clean(email, "/email", max: 254) {
            do { draft.email = try EmailAddress.normalize(email, field: "/email") } catch { if case .invalid(let found) = error { issues += found } }
        }
        if let domain = clean(companyDomain, "/companyDomain", max: 253)?.lowercased() {
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            if labels.count < 2 || labels.contains(where: { $0.isEmpty || $0.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-") }) }) {
                issues.append(FieldIssue("/companyDomain", "must be a domain name like example.com, without scheme or path"))
            }
            draft.companyDomain = domain
        }
        if let country = clean(country, "/country", max: 2)?.uppercased() {
            if country.count != 2 || !country.allSatisfy({ $0.isASCII && $0.isLetter }) {
                issues.append(FieldIssue("/country", "must be an ISO 3166-1 alpha-2 code like DE or US"))
            }
            draft.country = country
        }
        if draft.companyName == nil && draft.lastName == nil && draft.email == nil {
            issues.append(FieldIssue("/", "a lead needs at least a company name, a last name or an e-mail address"))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        return draft
    }
}

import Foundation
import HubCore

public enum DealRegistrationKind {}
/// A partner's registration of a deal with a vendor; owned by the vendor.
public typealias DealRegistrationID = Identifier<DealRegistrationKind>

/// Where a registration stands.
public enum DealRegistrationStatus: String, Sendable, Codable, CaseIterable {
    case draft, submitted, underReview = "under_review", approved, returned, rejected, expired

    /// The partner may edit and submit only its drafts and what the vendor sent back.
    var partnerMayEdit: Bool { self == .draft || self == .returned }
    /// The vendor decides on what was submitted, whether or not it opened the review first.
    var awaitsDecision: Bool { self == .submitted || self == .underReview }
}

/// Which side of registrations a list shows: those submitted to the caller, or those the caller submitted.
public enum DealRegistrationRole: String, Sendable, Codable, CaseIterable {
    case vendor, partner
}

/// One product line of a registration.
public struct DealProduct: Sendable, Codable, Equatable {
    public var sku: String
    public var quantity: Int

    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// A registration as the vendor sees it: everything, including the conflicts found in its own data.
public struct VendorDealRegistration: Sendable, Encodable, Equatable {
    public let role = DealRegistrationRole.vendor
    public var id: DealRegistrationID
    public var partnerTenantID: TenantID
    public var status: DealRegistrationStatus
    public var customerName: String
    public var customerDomain: String?
    public var country: String
    public var products: [DealProduct]
    public var amount: Money
    public var expectedCloseOn: Day
    public var partnerRef: String?
    public var hasConflict: Bool
    public var firstSubmittedAt: Date?
    public var submittedAt: Date?
    public var decidedAt: Date?
    public var decisionReason: String?
    public var protectionUntil: Date?
    public var expiresAt: Date?
    /// The vendor's own opportunity created on approval.
    public var opportunityID: OpportunityID?
    /// How that opportunity ended, once it has.
    public var dealOutcome: OpportunityOutcome?
    public var createdAt: Date
    public var updatedAt: Date
    /// Filled when one registration is shown; lists leave it out.
    public var conflicts: [DealRegistrationConflict]?
}

/// A registration as the registering partner sees it: its own data and the decision, and only whether a
/// conflict exists — never what it conflicts with.
public struct PartnerDealRegistration: Sendable, Encodable, Equatable {
    public let role = DealRegistrationRole.partner
    public var id: DealRegistrationID
    public var vendorTenantID: TenantID
    public var status: DealRegistrationStatus
    public var customerName: String
    public var customerDomain: String?
    public var country: String
    public var products: [DealProduct]
    public var amount: Money
    public var expectedCloseOn: Day
    public var partnerRef: String?
    public var hasConflict: Bool
    public var submittedAt: Date?
    public var decidedAt: Date?
    public var decisionReason: String?
    public var protectionUntil: Date?
    public var expiresAt: Date?
    public var dealOutcome: OpportunityOutcome?
    public var createdAt: Date
    public var updatedAt: Date
}

/// One registration as the caller's side may see it.
public enum DealRegistrationView: Sendable, Encodable, Equatable {
    case vendor(VendorDealRegistration)
    case partner(PartnerDealRegistration)

    public var id: DealRegistrationID {
        switch self {
        case .vendor(let registration): registration.id
        case .partner(let registration): registration.id
        }
    }

    public var status: DealRegistrationStatus {
        switch self {
        case .vendor(let registration): registration.status
        case .partner(let registration): registration.status
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .vendor(let registration): try registration.encode(to: encoder)
        case .partner(let registration): try registration.encode(to: encoder)
        }
    }
}

/// What a submitted registration collided with in the vendor's data. Vendor only.
public struct DealRegistrationConflict: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// Another partner's earlier registration that is still pending or approved.
        case partnerRegistration = "partner_registration"
        /// The vendor's own open opportunity at an account with the same customer.
        case vendorOpportunity = "vendor_opportunity"
        /// The customer is already one of the vendor's accounts.
        case vendorAccount = "vendor_account"
    }

    /// Lower-case UUIDs, like every id in the API.
    public var id: String
    public var kind: Kind
    /// The other registration, the opportunity or the account, by `kind`.
    public var matchedID: String
    /// The other partner, for `partner_registration`.
    public var matchedPartnerTenantID: TenantID?
    /// `domain` or `name_country`.
    public var matchKey: String
    public var detectedAt: Date
    /// `open`, or `overridden` when the vendor approved anyway.
    public var resolution: String
    public var resolutionReason: String?
}

/// The fields of a new registration, or of an edited one once its changes are applied.
public struct DealRegistrationFields: Sendable {
    public var customerName: String?
    public var customerDomain: String?
    public var country: String?
    public var products: [DealProduct]?
    public var amount: Money?
    public var expectedCloseOn: Day?
    public var partnerRef: String?

    public init(
        customerName: String? = nil, customerDomain: String? = nil, country: String? = nil, products: [DealProduct]? = nil,
        amount: Money? = nil, expectedCloseOn: Day? = nil, partnerRef: String? = nil
    ) {
        self.customerName = customerName
        self.customerDomain = customerDomain
        self.country = country
        self.products = products
        self.amount = amount
        self.expectedCloseOn = expectedCloseOn
        self.partnerRef = partnerRef
    }

    /// Trims and normalizes every field, collecting every problem at once; a registration needs all but the
    /// domain and the partner's reference, and a close date that has not passed.
    func validated(today: Day = .today()) throws(HubError) -> DealRegistrationFields {
        var issues: [FieldIssue] = []
        var fields = self
        fields.customerName = cleaned(customerName, "/customerName", max: 200, into: &issues)
        fields.partnerRef = cleaned(partnerRef, "/partnerRef", max: 100, into: &issues)
        fields.customerDomain = cleaned(customerDomain, "/customerDomain", max: 253, into: &issues).flatMap { raw in
            collecting(&issues) { () throws(HubError) in try DomainName.normalize(raw, field: "/customerDomain") }
        }
        fields.country = cleaned(country, "/country", max: 10, into: &issues).flatMap { raw in
            collecting(&issues) { () throws(HubError) in try CountryCode.normalize(raw, field: "/country") }
        }
        if let products {
            if !(1...100).contains(products.count) { issues.append(FieldIssue("/products", "must list 1 to 100 products")) }
            fields.products = products.enumerated().map { index, product in
                let sku = product.sku.trimmingCharacters(in: .whitespacesAndNewlines)
                if sku.isEmpty || sku.count > 64 { issues.append(FieldIssue("/products/\(index)/sku", "must be 1 to 64 characters")) }
                if !(1...1_000_000_000).contains(product.quantity) {
                    issues.append(FieldIssue("/products/\(index)/quantity", "must be a whole number from 1 to 1000000000"))
                }
                return DealProduct(sku: sku, quantity: product.quantity)
            }
        }
        if let day = expectedCloseOn, day < today {
            issues.append(FieldIssue("/expectedCloseOn", "must be today or later"))
        }
        let missing: [(Bool, String)] = [
            (fields.customerName == nil, "/customerName"), (fields.country == nil, "/country"), (products == nil, "/products"),
            (amount == nil, "/amount"), (expectedCloseOn == nil, "/expectedCloseOn"),
        ]
        for (isMissing, field) in missing where isMissing && !issues.contains(where: { $0.field == field }) {
            issues.append(FieldIssue(field, "is required"))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        return fields
    }
}

/// A partial edit of a draft or returned registration (a PATCH): each field kept, cleared or set.
public struct DealRegistrationChanges: Sendable {
    public var customerName: FieldEdit<String> = .keep
    public var customerDomain: FieldEdit<String> = .keep
    public var country: FieldEdit<String> = .keep
    public var products: FieldEdit<[DealProduct]> = .keep
    public var amount: FieldEdit<Money> = .keep
    public var expectedCloseOn: FieldEdit<Day> = .keep
    public var partnerRef: FieldEdit<String> = .keep

    public init() {}

    var isEmpty: Bool {
        customerName.isKeep && customerDomain.isKeep && country.isKeep && products.isKeep && amount.isKeep && expectedCloseOn.isKeep
            && partnerRef.isKeep
    }

    /// The registration's fields with the edits applied, to validate like a new registration.
    func applied(to registration: PartnerDealRegistration) -> DealRegistrationFields {
        DealRegistrationFields(
            customerName: customerName.applied(to: registration.customerName),
            customerDomain: customerDomain.applied(to: registration.customerDomain), country: country.applied(to: registration.country),
            products: products.applied(to: registration.products), amount: amount.applied(to: registration.amount),
            expectedCloseOn: expectedCloseOn.applied(to: registration.expectedCloseOn), partnerRef: partnerRef.applied(to: registration.partnerRef)
        )
    }
}

/// How the vendor approves: for how long the partner is protected, and whether it overrides conflicts.
public struct DealApproval: Sendable {
    public var protectionDays: Int?
    /// Shown to the partner.
    public var note: String?
    /// Needed when the registration has an open conflict; kept with the conflicts, never shown to the partner.
    public var overrideReason: String?
    /// Also create the vendor's own opportunity, sourced by the partner.
    public var createOpportunity: Bool

    public init(protectionDays: Int? = nil, note: String? = nil, overrideReason: String? = nil, createOpportunity: Bool = false) {
        self.protectionDays = protectionDays
        self.note = note
        self.overrideReason = overrideReason
        self.createOpportunity = createOpportunity
    }
}

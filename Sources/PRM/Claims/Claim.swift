import Foundation
import HubCore

public enum ClaimKind {}
/// A participant's claim against a vendor's promotion, owned by the vendor.
public typealias ClaimID = Identifier<ClaimKind>

/// Where a claim stands.
public enum ClaimStatus: String, Sendable, Codable, CaseIterable {
    case submitted, approved
    case partiallyApproved = "partially_approved"
    case rejected
}

/// Why a line was not approved in full.
public enum ClaimRejectionCode: String, Sendable, Codable, CaseIterable {
    case exceedsSellThrough = "exceeds_sell_through"
    case notEligible = "not_eligible"
    case outsidePeriod = "outside_period"
    case pricing, duplicate, other
}

/// How a claim reached the hub.
public enum ClaimSource: String, Sendable, Codable, CaseIterable {
    case api
    case edi844 = "edi_844"
}

/// One claimed product and period, and what the vendor approved of it.
public struct ClaimLine: Sendable, Encodable, Equatable {
    public var lineNo: Int
    public var product: String
    public var periodStart: Day
    public var periodEnd: Day
    public var quantity: String
    public var unitAmount: Money
    /// quantity × unitAmount, rounded to the currency's minor units.
    public var amount: Money
    public var approvedQuantity: String?
    public var approvedAmount: Money?
    public var rejectionCode: ClaimRejectionCode?
}

/// A claim with its lines.
public struct Claim: Sendable, Encodable, Equatable {
    public var id: ClaimID
    public var vendorTenantID: TenantID
    public var claimantTenantID: TenantID
    public var promotionID: PromotionID
    /// The terms version in force when the claim was submitted, which the lines were checked against.
    public var termsVersion: Int
    public var status: ClaimStatus
    public var claimedAmount: Money
    public var approvedAmount: Money?
    public var source: ClaimSource
    public var sourceRef: String?
    public var submittedAt: Date
    public var decidedAt: Date?
    public var decisionReason: String?
    public var lines: [ClaimLine]
}

/// One line as the claimant supplies it.
public struct ClaimLineDraft: Sendable {
    public var product: String
    public var periodStart: Day
    public var periodEnd: Day
    public var quantity: String
    public var unitAmount: String
    /// Optional; when given it must equal quantity × unitAmount in the currency's minor units.
    public var amount: String?

    public init(product: String, periodStart: Day, periodEnd: Day, quantity: String, unitAmount: String, amount: String? = nil) {
        self.product = product
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.quantity = quantity
        self.unitAmount = unitAmount
        self.amount = amount
    }
}

/// A claim as the claimant supplies it.
public struct ClaimDraft: Sendable {
    public var promotionID: PromotionID
    public var lines: [ClaimLineDraft]
    public var source: ClaimSource
    public var sourceRef: String?

    public init(promotionID: PromotionID, lines: [ClaimLineDraft], source: ClaimSource = .api, sourceRef: String? = nil) {
        self.promotionID = promotionID
        self.lines = lines
        self.source = source
        self.sourceRef = sourceRef
    }
}

/// The vendor's verdict on a claim.
public enum ClaimVerdict: String, Sendable, Codable, CaseIterable {
    case approve, reject
}

/// The vendor's decision on one line: approve less than claimed, with a reason code.
public struct ClaimLineDecision: Sendable {
    public var lineNo: Int
    public var approvedQuantity: String?
    public var rejectionCode: ClaimRejectionCode?

    public init(lineNo: Int, approvedQuantity: String? = nil, rejectionCode: ClaimRejectionCode? = nil) {
        self.lineNo = lineNo
        self.approvedQuantity = approvedQuantity
        self.rejectionCode = rejectionCode
    }
}

/// The vendor's decision. Approving grants each line what it asks (or the quantity given per line),
/// never more than the claimant's reported sell-through minus what other claims already got.
public struct ClaimDecision: Sendable {
    public var verdict: ClaimVerdict
    public var reason: String?
    public var lines: [ClaimLineDecision]

    public init(verdict: ClaimVerdict, reason: String? = nil, lines: [ClaimLineDecision] = []) {
        self.verdict = verdict
        self.reason = reason
        self.lines = lines
    }
}

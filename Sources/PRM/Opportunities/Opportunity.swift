import Foundation
import HubCore

public enum OpportunityKind {}
/// A sales opportunity of one tenant.
public typealias OpportunityID = Identifier<OpportunityKind>

/// The fixed sales pipeline, in order. An open opportunity may move to any other stage.
public enum OpportunityStage: String, Sendable, Codable, CaseIterable {
    case prospecting, qualification, proposal, negotiation

    /// The chance of winning at this stage, as the database's `hub.stage_probability` has it.
    public var probability: String {
        switch self {
        case .prospecting: "0.10"
        case .qualification: "0.25"
        case .proposal: "0.50"
        case .negotiation: "0.75"
        }
    }
}

/// Whether an opportunity is still being worked, or how it ended.
public enum OpportunityOutcome: String, Sendable, Codable, CaseIterable {
    case open, won, lost
}

/// A deal a tenant is working with a customer account.
public struct Opportunity: Sendable, Encodable, Equatable {
    public var id: OpportunityID
    public var accountID: AccountID
    public var contactID: ContactID?
    public var name: String
    public var stage: OpportunityStage
    public var probability: String
    public var amount: Money
    public var expectedCloseOn: CalendarDay?
    public var ownerUserID: UserID?
    public var promotionID: UUID?
    public var promoCode: String?
    /// The lead this opportunity was converted from.
    public var leadID: LeadID?
    /// The partner's registration this opportunity was created from, on approval.
    public var dealRegistrationID: DealRegistrationID?
    /// The partner company that brought the deal (set from an approved registration).
    public var sourcedByTenantID: TenantID?
    public var outcome: OpportunityOutcome
    public var closeReason: String?
    public var closedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
}

/// One change of an opportunity's stage or outcome; the first is its creation.
public struct OpportunityChange: Sendable, Encodable, Equatable {
    public var sequence: Int
    public var fromStage: OpportunityStage?
    public var toStage: OpportunityStage
    public var fromOutcome: OpportunityOutcome?
    public var toOutcome: OpportunityOutcome
    public var byUserID: UserID?
    public var reason: String?
    public var at: Date
}

/// The fields a user supplies to create or edit an opportunity; `nil` leaves a field as it is.
public struct OpportunityFields: Sendable {
    public var accountID: AccountID?
    public var contactID: ContactID?
    public var name: String?
    public var stage: OpportunityStage?
    public var amount: Money?
    public var expectedCloseOn: CalendarDay?
    public var ownerUserID: UserID?
    public var promotionID: UUID?
    public var promoCode: String?

    public init(
        accountID: AccountID? = nil, contactID: ContactID? = nil, name: String? = nil, stage: OpportunityStage? = nil,
        amount: Money? = nil, expectedCloseOn: CalendarDay? = nil, ownerUserID: UserID? = nil, promotionID: UUID? = nil,
        promoCode: String? = nil
    ) {
        self.accountID = accountID
        self.contactID = contactID
        self.name = name
        self.stage = stage
        self.amount = amount
        self.expectedCloseOn = expectedCloseOn
        self.ownerUserID = ownerUserID
        self.promotionID = promotionID
        self.promoCode = promoCode
    }

    var isEmpty: Bool {
        accountID == nil && contactID == nil && name == nil && stage == nil && amount == nil && expectedCloseOn == nil
            && ownerUserID == nil && promotionID == nil && promoCode == nil
    }

    /// Trims every field, collecting every problem at once; a new opportunity needs an account, a name and an amount.
    func validated(creating: Bool) throws(HubError) -> OpportunityFields {
        var issues: [FieldIssue] = []
        var fields = self
        fields.name = cleaned(name, "/name", max: 200, into: &issues)
        fields.promoCode = cleaned(promoCode, "/promoCode", max: 64, into: &issues)
        if creating {
            if accountID == nil { issues.append(FieldIssue("/accountID", "is required")) }
            if fields.name == nil { issues.append(FieldIssue("/name", "is required")) }
            if amount == nil { issues.append(FieldIssue("/amount", "is required")) }
        } else {
            if name != nil, fields.name == nil { issues.append(FieldIssue("/name", "must not be blank")) }
            if accountID != nil { issues.append(FieldIssue("/accountID", "cannot be changed; create a new opportunity")) }
            if stage != nil { issues.append(FieldIssue("/stage", "changes with POST /opportunities/{id}/stage, which keeps the history")) }
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        return fields
    }
}

/// Which opportunities a list returns.
public struct OpportunityFilter: Sendable {
    public var stage: OpportunityStage?
    public var outcome: OpportunityOutcome?
    public var ownerUserID: UserID?
    public var accountID: AccountID?
    public var sourcedByTenantID: TenantID?
    /// Expected to close on or after this day.
    public var closeFrom: CalendarDay?
    /// Expected to close on or before this day.
    public var closeTo: CalendarDay?

    public init(
        stage: OpportunityStage? = nil, outcome: OpportunityOutcome? = nil, ownerUserID: UserID? = nil, accountID: AccountID? = nil,
        sourcedByTenantID: TenantID? = nil, closeFrom: CalendarDay? = nil, closeTo: CalendarDay? = nil
    ) {
        self.stage = stage
        self.outcome = outcome
        self.ownerUserID = ownerUserID
        self.accountID = accountID
        self.sourcedByTenantID = sourcedByTenantID
        self.closeFrom = closeFrom
        self.closeTo = closeTo
    }
}

/// Where an opportunity came from, beyond what a user types: set by conversion and registration approval only.
struct OpportunityOrigin: Sendable {
    var leadID: LeadID?
    var dealRegistrationID: DealRegistrationID?
    var sourcedByTenantID: TenantID?
}

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
    public var expectedCloseOn: Day?
    public var ownerUserID: UserID?
    public var promotionID: PromotionID?
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

/// The fields of a new opportunity, or of an edited one once its changes are applied.
public struct OpportunityFields: Sendable {
    public var accountID: AccountID?
    public var contactID: ContactID?
    public var name: String?
    public var stage: OpportunityStage?
    public var amount: Money?
    public var expectedCloseOn: Day?
    public var ownerUserID: UserID?
    public var promotionID: PromotionID?
    public var promoCode: String?

    public init(
        accountID: AccountID? = nil, contactID: ContactID? = nil, name: String? = nil, stage: OpportunityStage? = nil,
        amount: Money? = nil, expectedCloseOn: Day? = nil, ownerUserID: UserID? = nil, promotionID: PromotionID? = nil,
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

    /// Trims every field, collecting every problem at once; an opportunity needs an account, a name and an amount.
    func validated() throws(HubError) -> OpportunityFields {
        var issues: [FieldIssue] = []
        var fields = self
        fields.name = cleaned(name, "/name", max: 200, into: &issues)
        fields.promoCode = cleaned(promoCode, "/promoCode", max: 64, into: &issues)
        if accountID == nil { issues.append(FieldIssue("/accountID", "is required")) }
        if fields.name == nil { issues.append(FieldIssue("/name", "is required")) }
        if amount == nil { issues.append(FieldIssue("/amount", "is required")) }
        guard issues.isEmpty else { throw .invalid(issues) }
        return fields
    }
}

/// A partial edit of an open opportunity (a PATCH): each field kept, cleared or set. The account stays, and the
/// stage changes only through its own route, which keeps the history.
public struct OpportunityChanges: Sendable {
    public var contactID: FieldEdit<ContactID> = .keep
    public var name: FieldEdit<String> = .keep
    public var amount: FieldEdit<Money> = .keep
    public var expectedCloseOn: FieldEdit<Day> = .keep
    public var ownerUserID: FieldEdit<UserID> = .keep
    public var promotionID: FieldEdit<PromotionID> = .keep
    public var promoCode: FieldEdit<String> = .keep

    public init() {}

    var isEmpty: Bool {
        contactID.isKeep && name.isKeep && amount.isKeep && expectedCloseOn.isKeep && ownerUserID.isKeep && promotionID.isKeep
            && promoCode.isKeep
    }

    /// The opportunity's fields with the edits applied, to validate like a new opportunity.
    func applied(to opportunity: Opportunity) -> OpportunityFields {
        OpportunityFields(
            accountID: opportunity.accountID, contactID: contactID.applied(to: opportunity.contactID), name: name.applied(to: opportunity.name),
            stage: opportunity.stage, amount: amount.applied(to: opportunity.amount),
            expectedCloseOn: expectedCloseOn.applied(to: opportunity.expectedCloseOn), ownerUserID: ownerUserID.applied(to: opportunity.ownerUserID),
            promotionID: promotionID.applied(to: opportunity.promotionID), promoCode: promoCode.applied(to: opportunity.promoCode)
        )
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
    public var closeFrom: Day?
    /// Expected to close on or before this day.
    public var closeTo: Day?

    public init(
        stage: OpportunityStage? = nil, outcome: OpportunityOutcome? = nil, ownerUserID: UserID? = nil, accountID: AccountID? = nil,
        sourcedByTenantID: TenantID? = nil, closeFrom: Day? = nil, closeTo: Day? = nil
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

import Foundation
import HubCore

public enum SurveyKind {}
/// A satisfaction survey a tenant sends to its partners.
public typealias SurveyID = Identifier<SurveyKind>

/// A company as the health reports name it.
public struct PartnerCompany: Sendable, Encodable, Equatable, Hashable {
    public var id: TenantID
    public var name: String
}

/// A 0–10 question sent to partner companies, open until it closes.
public struct Survey: Sendable, Encodable, Equatable {
    public var id: SurveyID
    /// The company that runs the survey and owns its answers.
    public var owner: PartnerCompany
    public var kind: String
    public var question: String
    public var scaleMinimum: Int
    public var scaleMaximum: Int
    public var closesAt: Date
    public var createdAt: Date
    public var open: Bool
    /// The companies it went to; only the owner sees this list.
    public var recipients: [PartnerCompany]?
}

/// A survey waiting for the calling user's answer.
public struct SurveyInvitation: Sendable, Encodable, Equatable {
    public var survey: Survey
    public var sentAt: Date
}

/// One user's answer.
public struct SurveyResponse: Sendable, Encodable, Equatable {
    public var surveyID: SurveyID
    public var respondentTenantID: TenantID
    public var respondentUserID: UserID
    public var score: Int
    public var comment: String?
    public var answeredAt: Date
}

/// NPS of one partner company.
public struct PartnerNPS: Sendable, Encodable, Equatable {
    public var partner: PartnerCompany
    public var nps: NetPromoterScore
}

/// NPS over a survey or a date range: overall and per partner company.
public struct NPSReport: Sendable, Encodable, Equatable {
    public var overall: NetPromoterScore
    public var partners: [PartnerNPS]
}

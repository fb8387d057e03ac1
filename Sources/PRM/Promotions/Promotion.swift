import Foundation
import HubCore

public enum PromotionKind {}
/// A joint promotion, owned by the tenant that created it.
public typealias PromotionID = Identifier<PromotionKind>

/// Where a promotion stands. Time moves scheduled → active on the first day and active → ended after the last.
public enum PromotionStatus: String, Sendable, Codable, CaseIterable {
    case draft, scheduled, active, ended, cancelled
}

/// What a promotion aims for; every goal is optional.
public struct PromotionGoals: Sendable, Codable, Equatable {
    public var leads: Int?
    /// In the promotion's currency.
    public var revenue: String?
    public var units: String?

    public init(leads: Int? = nil, revenue: String? = nil, units: String? = nil) {
        self.leads = leads
        self.revenue = revenue
        self.units = units
    }
}

/// How a price rule sets the promotional price of a product.
public enum PriceRuleKind: String, Sendable, Codable, CaseIterable {
    /// The unit price during the promotion.
    case promoPrice = "promo_price"
    /// A percentage off the list price, e.g. "12.5".
    case percentOff = "percent_off"
    /// A fixed amount per unit sold (ship-and-debit), the basis of claims.
    case amountPerUnit = "amount_per_unit"
}

/// One price rule of a terms version.
public struct PriceRule: Sendable, Codable, Equatable {
    public var product: String
    public var kind: PriceRuleKind
    /// A decimal string: an amount in the promotion's currency, or a percentage.
    public var value: String

    public init(product: String, kind: PriceRuleKind, value: String) {
        self.product = product
        self.kind = kind
        self.value = value
    }
}

/// Eligible products and price rules, as one immutable, numbered version.
public struct PromotionTerms: Sendable, Encodable, Equatable {
    public var version: Int
    public var eligibleProducts: [String]
    public var priceRules: [PriceRule]
    public var note: String?
    public var publishedAt: Date
}

/// What the owner supplies to publish a terms version, before validation.
public struct TermsDraft: Sendable {
    public var eligibleProducts: [String]
    public var priceRules: [PriceRule]
    public var note: String?

    public init(eligibleProducts: [String], priceRules: [PriceRule] = [], note: String? = nil) {
        self.eligibleProducts = eligibleProducts
        self.priceRules = priceRules
        self.note = note
    }

    func validated(currency: String, field: String) throws(HubError) -> TermsDraft {
        var issues: [FieldIssue] = []
        var draft = self
        draft.eligibleProducts = []
        if eligibleProducts.isEmpty || eligibleProducts.count > 1000 {
            issues.append(FieldIssue("\(field)/eligibleProducts", "list 1 to 1000 products"))
        }
        for (index, product) in eligibleProducts.enumerated() {
            do {
                let code = try ProductCode.validate(product, field: "\(field)/eligibleProducts/\(index)")
                if !draft.eligibleProducts.contains(code) { draft.eligibleProducts.append(code) }
            } catch { if case .invalid(let found) = error { issues += found } }
        }
        draft.priceRules = []
        for (index, rule) in priceRules.enumerated() {
            let pointer = "\(field)/priceRules/\(index)"
            do {
                let product = try ProductCode.validate(rule.product, field: "\(pointer)/product")
                if !draft.eligibleProducts.contains(product) {
                    issues.append(FieldIssue("\(pointer)/product", "\(product) is not among the eligible products"))
                }
                let value: String
                switch rule.kind {
                case .percentOff:
                    value = try DecimalText.validate(rule.value, field: "\(pointer)/value", places: 4, positive: true)
                    if value.split(separator: ".")[0].count > 2 && value != "100" {
                        issues.append(FieldIssue("\(pointer)/value", "a percentage is at most 100"))
                    }
                case .promoPrice, .amountPerUnit:
                    value = try Money.amount(rule.value, in: currency, field: "\(pointer)/value")
                }
                draft.priceRules.append(PriceRule(product: product, kind: rule.kind, value: value))
            } catch { if case .invalid(let found) = error { issues += found } }
        }
        if let note, note.count > 2000 { issues.append(FieldIssue("\(field)/note", "must be at most 2000 characters")) }
        guard issues.isEmpty else { throw .invalid(issues) }
        return draft
    }
}

/// A promotion as one tenant sees it: its owner, or a partner invited to it.
public struct Promotion: Sendable, Encodable, Equatable {
    public var id: PromotionID
    public var ownerTenantID: TenantID
    /// `owner` or `participant`: the caller's side.
    public var role: PromotionRole
    public var name: String
    public var description: String?
    public var status: PromotionStatus
    public var startsOn: Day
    public var endsOn: Day
    /// Claims are accepted until the end of this day.
    public var claimsCloseOn: Day
    public var currency: String
    public var goals: PromotionGoals
    /// The terms version in force (0 while none is published).
    public var termsVersion: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var activatedAt: Date?
    public var endedAt: Date?
    public var cancelledAt: Date?
    /// The status as last written: behind `status` until the owner's copy catches up with the calendar.
    var storedStatus: PromotionStatus = .draft

    enum CodingKeys: String, CodingKey {
        case id, ownerTenantID, role, name, description, status, startsOn, endsOn, claimsCloseOn, currency, goals, termsVersion
        case createdAt, updatedAt, activatedAt, endedAt, cancelledAt
    }
}

/// What a user supplies to create or edit a promotion, before validation.
public struct PromotionDraft: Sendable {
    public var name: String
    public var description: String?
    public var startsOn: Day
    public var endsOn: Day
    /// Defaults to 60 days after `endsOn`.
    public var claimsCloseOn: Day?
    public var currency: String
    public var goals: PromotionGoals
    public var terms: TermsDraft?

    public init(
        name: String, description: String? = nil, startsOn: Day, endsOn: Day, claimsCloseOn: Day? = nil, currency: String,
        goals: PromotionGoals = PromotionGoals(), terms: TermsDraft? = nil
    ) {
        self.name = name
        self.description = description
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.claimsCloseOn = claimsCloseOn
        self.currency = currency
        self.goals = goals
        self.terms = terms
    }

    func validated() throws(HubError) -> PromotionDraft {
        var issues: [FieldIssue] = []
        var draft = self
        draft.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if draft.name.isEmpty || draft.name.count > 200 { issues.append(FieldIssue("/name", "must be 1 to 200 characters")) }
        draft.description = description?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let text = draft.description, text.count > 10_000 { issues.append(FieldIssue("/description", "must be at most 10000 characters")) }
        if endsOn < startsOn { issues.append(FieldIssue("/endsOn", "must be on or after startsOn")) }
        if let close = claimsCloseOn, close < endsOn { issues.append(FieldIssue("/claimsCloseOn", "must be on or after endsOn")) }
        draft.currency = currency.uppercased()
        if Currency.minorUnits[draft.currency] == nil {
            issues.append(FieldIssue("/currency", "\(currency) is not an ISO 4217 currency code"))
        } else {
            if let revenue = goals.revenue {
                do { draft.goals.revenue = try Money.amount(revenue, in: draft.currency, field: "/goals/revenue") } catch {
                    if case .invalid(let found) = error { issues += found }
                }
            }
            if let terms {
                do { draft.terms = try terms.validated(currency: draft.currency, field: "/terms") } catch {
                    if case .invalid(let found) = error { issues += found }
                }
            }
        }
        if let leads = goals.leads, leads < 0 { issues.append(FieldIssue("/goals/leads", "must not be negative")) }
        if let units = goals.units {
            do { draft.goals.units = try DecimalText.validate(units, field: "/goals/units") } catch {
                if case .invalid(let found) = error { issues += found }
            }
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        return draft
    }
}

/// A partner tenant's place in a promotion.
public enum ParticipantStatus: String, Sendable, Codable, CaseIterable {
    case invited, accepted, declined, withdrawn
}

/// A partner tenant invited to a promotion, and its answer.
public struct PromotionParticipant: Sendable, Encodable, Equatable {
    public var promotionID: PromotionID
    public var tenantID: TenantID
    public var status: ParticipantStatus
    public var invitedAt: Date
    public var respondedAt: Date?
    public var withdrawnAt: Date?
    public var declineReason: String?
}

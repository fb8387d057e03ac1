import Foundation
import HubCore

public enum SellThroughFactKind {}
/// One sell-through report line, owned by the vendor it was reported to.
public typealias SellThroughFactID = Identifier<SellThroughFactKind>

/// How a fact reached the hub.
public enum SellThroughSource: String, Sendable, Codable, CaseIterable {
    case api
    case edi867 = "edi_867"
    case csv
}

/// What a partner sold of a vendor's product in a period, as it reported it.
public struct SellThroughFact: Sendable, Encodable, Equatable {
    public var id: SellThroughFactID
    public var vendorTenantID: TenantID
    public var reporterTenantID: TenantID
    public var periodStart: Day
    public var periodEnd: Day
    public var product: String
    /// Decimal units, e.g. "12" or "2.5".
    public var quantity: String
    public var amount: Money
    /// The promotion the sale counts for, when the reporter says so.
    public var promotionID: PromotionID?
    public var source: SellThroughSource
    public var sourceRef: String?
    public var idempotencyKey: String
    public var createdAt: Date
}

/// What a reporter supplies, before validation.
public struct SellThroughDraft: Sendable {
    public var vendorTenantID: TenantID
    public var periodStart: Day
    public var periodEnd: Day
    public var product: String
    public var quantity: String
    public var amount: Money
    public var promotionID: PromotionID?
    public var source: SellThroughSource
    public var sourceRef: String?
    /// Unique per reporter: sending the same key again returns the first fact instead of a second one.
    public var idempotencyKey: String

    public init(
        vendorTenantID: TenantID, periodStart: Day, periodEnd: Day, product: String, quantity: String, amount: Money,
        promotionID: PromotionID? = nil, source: SellThroughSource = .api, sourceRef: String? = nil, idempotencyKey: String
    ) {
        self.vendorTenantID = vendorTenantID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.product = product
        self.quantity = quantity
        self.amount = amount
        self.promotionID = promotionID
        self.source = source
        self.sourceRef = sourceRef
        self.idempotencyKey = idempotencyKey
    }

    func validated() throws(HubError) -> SellThroughDraft {
        var issues: [FieldIssue] = []
        var draft = self
        if periodEnd < periodStart { issues.append(FieldIssue("/periodEnd", "must be on or after periodStart")) }
        do { draft.product = try ProductCode.validate(product, field: "/product") } catch { if case .invalid(let found) = error { issues += found } }
        do { draft.quantity = try DecimalText.validate(quantity, field: "/quantity", positive: true) } catch {
            if case .invalid(let found) = error { issues += found }
        }
        draft.idempotencyKey = idempotencyKey.trimmingCharacters(in: .whitespaces)
        if draft.idempotencyKey.isEmpty || draft.idempotencyKey.count > 200 {
            issues.append(FieldIssue("/idempotencyKey", "must be 1 to 200 characters"))
        }
        if let ref = sourceRef, ref.count > 200 { issues.append(FieldIssue("/sourceRef", "must be at most 200 characters")) }
        guard issues.isEmpty else { throw .invalid(issues) }
        return draft
    }
}

/// A fact, and whether this request stored it (false: an earlier request with the same key did).
public struct ReportedSellThrough: Sendable, Encodable {
    public var fact: SellThroughFact
    public var created: Bool
}

import Foundation
import HubCore
import PostgresNIO

/// A code customers or partners quote so that what follows is attributed to a promotion.
public struct PromoCode: Sendable, Encodable, Equatable {
    public var id: UUID
    public var promotionID: PromotionID
    /// Upper-case; unique per issuing tenant.
    public var code: String
    /// The one participant allowed to use it; `nil` for every participant.
    public var assignedTenantID: TenantID?
    public var validFrom: Day
    public var validTo: Day
    public var maxUses: Int?
    public var uses: Int
}

/// What the owner supplies to issue a code, before validation.
public struct PromoCodeDraft: Sendable {
    public var code: String
    public var assignedTenantID: TenantID?
    /// Default to the promotion's first and last day.
    public var validFrom: Day?
    public var validTo: Day?
    public var maxUses: Int?

    public init(code: String, assignedTenantID: TenantID? = nil, validFrom: Day? = nil, validTo: Day? = nil, maxUses: Int? = nil) {
        self.code = code
        self.assignedTenantID = assignedTenantID
        self.validFrom = validFrom
        self.validTo = validTo
        self.maxUses = maxUses
    }

    /// The form codes are stored and looked up in.
    static func normalize(_ raw: String) -> String { raw.trimmingCharacters(in: .whitespaces).uppercased() }
}

extension Promotions {
    /// Issues a code for the caller's promotion, optionally for one of its participants only.
    public func issueCode(_ caller: Caller, id: PromotionID, _ draft: PromoCodeDraft) async throws -> PromoCode {
        try caller.principal.require(.channelManager, to: "issuing a promo code")
        let code = PromoCodeDraft.normalize(draft.code)
        var issues: [FieldIssue] = []
        if code.range(of: "^[A-Z0-9][A-Z0-9_-]{2,39}$", options: .regularExpression) == nil {
            issues.append(FieldIssue("/code", "must be 3 to 40 letters, digits, _ or -, starting with a letter or digit"))
        }
        if let maxUses = draft.maxUses, maxUses < 1 { issues.append(FieldIssue("/maxUses", "must be at least 1")) }
        if let from = draft.validFrom, let to = draft.validTo, to < from { issues.append(FieldIssue("/validTo", "must be on or after validFrom")) }
        guard issues.isEmpty else { throw HubError.invalid(issues) }
        return try await database.withTenant(caller.principal) { connection in
            let promotion = try await catchUp(connection, caller, try await fetchOwned(connection, caller, id: id))
            guard ![.ended, .cancelled].contains(promotion.status) else {
                throw HubError.conflict("the promotion is \(promotion.status.rawValue); it takes no new codes")
            }
            let from = draft.validFrom ?? promotion.startsOn
            let to = draft.validTo ?? promotion.endsOn
            guard from <= to else { throw HubError.invalid(draft.validTo == nil ? "/validFrom" : "/validTo", "the code would never be valid") }
            if let assignee = draft.assignedTenantID {
                let invited = try await connection.query(
                    """
                    SELECT count(*) FROM hub.promotion_participants
                     WHERE promotion_id = \(id.uuid) AND participant_tenant_id = \(assignee.uuid) AND status IN ('invited', 'accepted')
                    """,
                    logger: database.logger
                ).decode(Int.self).collect().first ?? 0
                guard invited == 1 else { throw HubError.invalid("/assignedTenantID", "is not invited to this promotion") }
            }
            let codeID = UUID()
            try await connection.query(
                """
                INSERT INTO hub.promo_codes (tenant_id, id, promotion_id, code, assigned_tenant_id, valid_from, valid_to, max_uses)
                VALUES (\(caller.tenantID.uuid), \(codeID), \(id.uuid), \(code), \(draft.assignedTenantID?.uuid), \(from.text)::date,
                        \(to.text)::date, \(draft.maxUses))
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "promotion.code_issued", subject: EventSubject("promotion", id.uuid), data: ["code": code],
                alsoFor: draft.assignedTenantID.map { [$0] } ?? [],
                audit: AuditRecord(action: "promotion.code_issued", targetType: "promotion", targetID: id.description, details: ["code": code]),
                logger: database.logger
            )
            return try await codes(connection, promotion: id).first { $0.id == codeID }!
        }
    }

    /// The promotion's codes the caller may use: all for the owner; for a participant, those assigned to it or to nobody.
    public func codes(_ caller: Caller, id: PromotionID) async throws -> [PromoCode] {
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, caller, id: id)
            return try await codes(connection, promotion: id)
        }
    }

    private func codes(_ connection: PostgresConnection, promotion: PromotionID) async throws -> [PromoCode] {
        let rows = try await connection.query(
            """
            SELECT id, promotion_id, code, assigned_tenant_id, valid_from::text, valid_to::text, max_uses, uses
              FROM hub.promo_codes WHERE promotion_id = \(promotion.uuid) ORDER BY code
            """,
            logger: database.logger
        )
        var codes: [PromoCode] = []
        for try await (id, promotion, code, assignee, from, to, maxUses, uses) in rows.decode(
            (UUID, UUID, String, UUID?, String, String, Int?, Int).self
        ) {
            codes.append(
                PromoCode(
                    id: id, promotionID: PromotionID(promotion), code: code, assignedTenantID: assignee.map { TenantID($0) },
                    validFrom: Day(from)!, validTo: Day(to)!, maxUses: maxUses, uses: uses
                )
            )
        }
        return codes
    }
}

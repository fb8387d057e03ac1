import Foundation
import HubCore
import PostgresNIO

/// Which side of claims a list shows.
public enum ClaimRole: String, Sendable, CaseIterable {
    /// Claims made against the caller's promotions.
    case vendor
    /// Claims the caller made.
    case claimant
}

/// Claims: a participant claims against a vendor's promotion; the vendor decides, capped by the
/// claimant's reported sell-through. The claimant sees its own claims and their decisions only.
/// The EDI exchange will store 844 documents through `submit` too.
public struct Claims: Sendable {
    let database: HubDatabase
    let promotions: Promotions

    public init(database: HubDatabase, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.promotions = Promotions(database: database, clock: clock)
    }

    /// Submits a claim against a promotion the caller has joined, after checking every line against
    /// the promotion's dates and the terms version in force.
    public func submit(_ caller: Caller, _ draft: ClaimDraft) async throws -> Claim {
        try caller.principal.require(.channelManager, to: "submitting a claim")
        guard (1...500).contains(draft.lines.count) else { throw HubError.invalid("/lines", "a claim has 1 to 500 lines") }
        if let ref = draft.sourceRef, ref.count > 200 { throw HubError.invalid("/sourceRef", "must be at most 200 characters") }
        let today = promotions.today
        return try await database.withTenant(caller.principal) { connection in
            let joined = try await connection.query(
                "SELECT tenant_id FROM hub.promotions WHERE id = \(draft.promotionID.uuid) AND hub.takes_part_in(tenant_id, id, true)",
                logger: database.logger
            ).decode(UUID.self).collect()
            guard !joined.isEmpty else { throw HubError.invalid("/promotionID", "is not a promotion your company has joined") }
            let promotion = try await promotions.fetch(connection, caller, id: draft.promotionID)
            guard [.active, .ended].contains(promotion.status) else {
                throw HubError.conflict("claims open when the promotion starts; it is \(promotion.status.rawValue)")
            }
            guard today <= promotion.claimsCloseOn else { throw HubError.conflict("claims for this promotion closed on \(promotion.claimsCloseOn)") }
            guard let terms = try await Promotions.terms(connection, promotion: promotion, version: promotion.termsVersion, logger: database.logger).first
            else { throw HubError.conflict("the promotion has no terms to claim against") }
            let minorUnits = Currency.minorUnits[promotion.currency] ?? 2
            var issues: [FieldIssue] = []
            var lines: [(product: String, line: ClaimLineDraft, quantity: String, unit: String, amount: String)] = []
            for (index, line) in draft.lines.enumerated() {
                let pointer = "/lines/\(index)"
                do {
                    let product = try ProductCode.validate(line.product, field: "\(pointer)/product")
                    if !terms.eligibleProducts.contains(product) {
                        issues.append(FieldIssue("\(pointer)/product", "\(product) is not eligible in terms version \(terms.version)"))
                    }
                    if line.periodEnd < line.periodStart { issues.append(FieldIssue("\(pointer)/periodEnd", "must be on or after periodStart")) }
                    if line.periodStart < promotion.startsOn {
                        issues.append(FieldIssue("\(pointer)/periodStart", "is before the promotion starts (\(promotion.startsOn))"))
                    }
                    if line.periodEnd > promotion.endsOn {
                        issues.append(FieldIssue("\(pointer)/periodEnd", "is after the promotion ends (\(promotion.endsOn))"))
                    }
                    let quantity = try DecimalText.validate(line.quantity, field: "\(pointer)/quantity", positive: true)
                    let unit = try Money.amount(line.unitAmount, in: promotion.currency, field: "\(pointer)/unitAmount")
                    let amount = try await connection.query(
                        "SELECT round(\(quantity)::numeric * \(unit)::numeric, \(minorUnits)::integer)::text", logger: database.logger
                    ).decode(String.self).collect()[0]
                    if let given = line.amount {
                        let supplied = try Money.amount(given, in: promotion.currency, field: "\(pointer)/amount")
                        if supplied != Money.stored(amount, promotion.currency).amount {
                            issues.append(FieldIssue("\(pointer)/amount", "must be quantity × unitAmount = \(Money.stored(amount, promotion.currency).amount)"))
                        }
                    }
                    lines.append((product, line, quantity, unit, amount))
                } catch let error as HubError {
                    guard case .invalid(let found) = error else { throw error }
                    issues += found
                }
            }
            guard issues.isEmpty else { throw HubError.invalid(issues) }
            let id = ClaimID()
            let total = try await connection.query(
                "SELECT coalesce(sum(v), 0)::text FROM unnest(\(lines.map(\.amount))::numeric[]) AS v", logger: database.logger
            ).decode(String.self).collect()[0]
            try await connection.query(
                """
                INSERT INTO hub.claims (tenant_id, id, claimant_tenant_id, promotion_id, terms_version, currency, claimed_amount, source, source_ref)
                VALUES (\(promotion.ownerTenantID.uuid), \(id.uuid), \(caller.tenantID.uuid), \(promotion.id.uuid), \(terms.version),
                        \(promotion.currency), \(total)::numeric, \(draft.source.rawValue), \(draft.sourceRef))
                """,
                logger: database.logger
            )
            for (number, line) in lines.enumerated() {
                try await connection.query(
                    """
                    INSERT INTO hub.claim_lines (tenant_id, claim_id, line_no, claimant_tenant_id, product, period_start, period_end,
                                                 quantity, unit_amount, amount)
                    VALUES (\(promotion.ownerTenantID.uuid), \(id.uuid), \(number + 1), \(caller.tenantID.uuid), \(line.product),
                            \(line.line.periodStart.text)::date, \(line.line.periodEnd.text)::date, \(line.quantity)::numeric,
                            \(line.unit)::numeric, \(line.amount)::numeric)
                    """,
                    logger: database.logger
                )
            }
            let data = ["promotion": promotion.id.description, "claimed": Money.stored(total, promotion.currency).amount, "currency": promotion.currency]
            try await Events.record(
                connection, caller, "claim.submitted", subject: EventSubject("claim", id.uuid), data: data, alsoFor: [promotion.ownerTenantID],
                audit: AuditRecord(action: "claim.submit", targetType: "claim", targetID: id.description, details: data),
                logger: database.logger
            )
            return try await fetch(connection, id: id)
        }
    }

    /// Claims against the caller's promotions and claims it made, newest first.
    public func list(_ caller: Caller, role: ClaimRole?, promotion: PromotionID?, page: PageRequest) async throws -> Page<Claim> {
        let afterID = try page.afterUUID()
        let claims = try await database.withTenant(caller.principal) { connection in
            let ids = try await connection.query(
                """
                SELECT c.id FROM hub.claims c
                 WHERE (\(role?.rawValue)::text IS NULL
                        OR (\(role?.rawValue) = 'vendor' AND c.tenant_id = \(caller.tenantID.uuid))
                        OR (\(role?.rawValue) = 'claimant' AND c.claimant_tenant_id = \(caller.tenantID.uuid)))
                   AND (\(promotion?.uuid)::uuid IS NULL OR c.promotion_id = \(promotion?.uuid))
                   AND (\(afterID)::uuid IS NULL OR (c.submitted_at, c.id) < (SELECT submitted_at, id FROM hub.claims WHERE id = \(afterID)))
                 ORDER BY c.submitted_at DESC, c.id DESC LIMIT \(page.limit + 1)
                """,
                logger: database.logger
            ).decode(UUID.self).collect()
            return try await fetch(connection, ids: ids.map { ClaimID($0) })
        }
        return Page(fetched: claims, limit: page.limit) { [$0.id.description] }
    }

    /// One claim the caller made or received.
    public func get(_ caller: Caller, id: ClaimID) async throws -> Claim {
        try await database.withTenant(caller.principal) { connection in try await fetch(connection, id: id) }
    }

    /// The vendor decides a submitted claim. Each approved line gets at most what the claimant reported
    /// selling of that product within the line's period, less what other claims were already granted for it;
    /// a line capped that way is coded `exceeds_sell_through` and the claim is partially approved.
    public func decide(_ caller: Caller, id: ClaimID, _ decision: ClaimDecision) async throws -> Claim {
        try caller.principal.require(.channelManager, to: "deciding a claim")
        return try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                "SELECT status::text, claimant_tenant_id, currency FROM hub.claims WHERE id = \(id.uuid) AND tenant_id = \(caller.tenantID.uuid) FOR UPDATE",
                logger: database.logger
            ).decode((String, UUID, String).self).collect()
            guard let (status, claimant, currency) = rows.first else { throw HubError.notFound("claim") }
            guard status == ClaimStatus.submitted.rawValue else { throw HubError.conflict("the claim is already \(status)") }
            let reason = decision.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let reason, reason.count > 2000 { throw HubError.invalid("/reason", "must be at most 2000 characters") }
            if decision.verdict == .reject, reason?.isEmpty ?? true { throw HubError.invalid("/reason", "say why the claim is rejected") }
            let current = try await fetch(connection, id: id)
            var overrides: [Int: (quantity: String?, code: ClaimRejectionCode?)] = [:]
            for (index, line) in decision.lines.enumerated() {
                guard let claimed = current.lines.first(where: { $0.lineNo == line.lineNo }) else {
                    throw HubError.invalid("/lines/\(index)/lineNo", "the claim has no line \(line.lineNo)")
                }
                let quantity = try line.approvedQuantity.map { raw throws(HubError) in
                    try DecimalText.validate(raw, field: "/lines/\(index)/approvedQuantity")
                }
                if let quantity {
                    let within = try await connection.query(
                        "SELECT \(quantity)::numeric <= \(claimed.quantity)::numeric", logger: database.logger
                    ).decode(Bool.self).collect()[0]
                    guard within else { throw HubError.invalid("/lines/\(index)/approvedQuantity", "is more than the \(claimed.quantity) claimed") }
                }
                overrides[line.lineNo] = (quantity, line.rejectionCode)
            }
            // One decision per claimant at a time, so two claims cannot both spend the same sell-through.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\(caller.tenantID.description + "/" + claimant.uuidString.lowercased()), 0))",
                logger: database.logger
            )
            let minorUnits = Currency.minorUnits[currency] ?? 2
            for line in current.lines {
                let override = overrides[line.lineNo]
                let requested = decision.verdict == .reject ? "0" : (override?.quantity ?? line.quantity)
                let code = override?.code?.rawValue ?? (decision.verdict == .reject ? ClaimRejectionCode.other.rawValue : nil)
                try await connection.query(
                    """
                    WITH line AS (
                        SELECT * FROM hub.claim_lines WHERE claim_id = \(id.uuid) AND line_no = \(line.lineNo)
                    ), reported AS (
                        SELECT coalesce(sum(f.quantity), 0) AS q FROM hub.sell_through_facts f, line l
                         WHERE f.tenant_id = l.tenant_id AND f.reporter_tenant_id = l.claimant_tenant_id AND f.product = l.product
                           AND f.period_start >= l.period_start AND f.period_end <= l.period_end
                    ), granted AS (
                        SELECT coalesce(sum(o.approved_quantity), 0) AS q FROM hub.claim_lines o, line l
                         WHERE o.tenant_id = l.tenant_id AND o.claimant_tenant_id = l.claimant_tenant_id AND o.product = l.product
                           AND o.approved_quantity IS NOT NULL AND NOT (o.claim_id = l.claim_id AND o.line_no = l.line_no)
                           AND o.period_start <= l.period_end AND o.period_end >= l.period_start
                    ), approved AS (
                        SELECT least(\(requested)::numeric, greatest(reported.q - granted.q, 0)) AS q FROM reported, granted
                    )
                    UPDATE hub.claim_lines c
                       SET approved_quantity = a.q,
                           approved_amount = round(a.q * c.unit_amount, \(minorUnits)::integer),
                           rejection_code = CASE WHEN a.q < c.quantity THEN
                               coalesce(\(code)::text, CASE WHEN a.q < \(requested)::numeric THEN 'exceeds_sell_through' ELSE 'other' END) END
                      FROM approved a
                     WHERE c.claim_id = \(id.uuid) AND c.line_no = \(line.lineNo)
                    """,
                    logger: database.logger
                )
            }
            let (approvedAmount, anyApproved, allApproved) = try await connection.query(
                """
                SELECT coalesce(sum(approved_amount), 0)::text, bool_or(approved_quantity > 0), bool_and(approved_quantity = quantity)
                  FROM hub.claim_lines WHERE claim_id = \(id.uuid)
                """,
                logger: database.logger
            ).decode((String, Bool, Bool).self).collect()[0]
            let outcome: ClaimStatus = !anyApproved ? .rejected : (allApproved ? .approved : .partiallyApproved)
            let storedReason = reason ?? (outcome == .rejected ? "no reported sell-through left for the claimed products and periods" : nil)
            try await connection.query(
                """
                UPDATE hub.claims SET status = \(outcome.rawValue)::hub.claim_status, approved_amount = \(approvedAmount)::numeric,
                       decided_at = now(), decided_by = \(caller.principal.userID?.uuid), decision_reason = \(storedReason)
                 WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            let data = ["status": outcome.rawValue, "approved": Money.stored(approvedAmount, currency).amount, "currency": currency]
            try await Events.record(
                connection, caller, "claim.decided", subject: EventSubject("claim", id.uuid), data: data, alsoFor: [TenantID(claimant)],
                audit: AuditRecord(action: "claim.decide", targetType: "claim", targetID: id.description, details: data),
                logger: database.logger
            )
            return try await fetch(connection, id: id)
        }
    }

    /// What happened to the claim, as the caller's tenant recorded it, oldest first.
    public func timeline(_ caller: Caller, id: ClaimID, page: PageRequest) async throws -> Page<HubEvent> {
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, id: id)
            return try await Events.timeline(connection, subject: EventSubject("claim", id.uuid), page: page, logger: database.logger)
        }
    }

    private func fetch(_ connection: PostgresConnection, id: ClaimID) async throws -> Claim {
        guard let claim = try await fetch(connection, ids: [id]).first else { throw HubError.notFound("claim") }
        return claim
    }

    /// The visible claims among `ids`, with their lines, in the order given: two queries however many claims.
    private func fetch(_ connection: PostgresConnection, ids: [ClaimID]) async throws -> [Claim] {
        let uuids = ids.map(\.uuid)
        let rows = try await connection.query(
            """
            SELECT id, tenant_id, claimant_tenant_id, promotion_id, terms_version, status::text, currency, claimed_amount::text,
                   approved_amount::text, source, source_ref, submitted_at, decided_at, decision_reason
              FROM hub.claims WHERE id = ANY(\(uuids)::uuid[])
            """,
            logger: database.logger
        )
        var claims: [UUID: Claim] = [:]
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let currency = try columns[6].decode(String.self)
            let id = try columns[0].decode(UUID.self)
            claims[id] = Claim(
                id: ClaimID(id), vendorTenantID: TenantID(try columns[1].decode(UUID.self)),
                claimantTenantID: TenantID(try columns[2].decode(UUID.self)), promotionID: PromotionID(try columns[3].decode(UUID.self)),
                termsVersion: try columns[4].decode(Int.self), status: ClaimStatus(rawValue: try columns[5].decode(String.self)) ?? .submitted,
                claimedAmount: Money.stored(try columns[7].decode(String.self), currency),
                approvedAmount: try columns[8].decode(String?.self).map { Money.stored($0, currency) },
                source: ClaimSource(rawValue: try columns[9].decode(String.self)) ?? .api, sourceRef: try columns[10].decode(String?.self),
                submittedAt: try columns[11].decode(Date.self), decidedAt: try columns[12].decode(Date?.self),
                decisionReason: try columns[13].decode(String?.self), lines: []
            )
        }
        let lines = try await connection.query(
            """
            SELECT claim_id, line_no, product, period_start::text, period_end::text, quantity::text, unit_amount::text, amount::text,
                   approved_quantity::text, approved_amount::text, rejection_code
              FROM hub.claim_lines WHERE claim_id = ANY(\(Array(claims.keys))::uuid[]) ORDER BY claim_id, line_no
            """,
            logger: database.logger
        )
        for try await (claimID, number, product, start, end, quantity, unit, amount, approvedQuantity, approvedAmount, code) in lines.decode(
            (UUID, Int, String, String, String, String, String, String, String?, String?, String?).self
        ) {
            guard let currency = claims[claimID]?.claimedAmount.currency else { continue }
            claims[claimID]?.lines.append(
                ClaimLine(
                    lineNo: number, product: product, periodStart: Day(start)!, periodEnd: Day(end)!, quantity: DecimalText.trimmed(quantity),
                    unitAmount: Money.stored(unit, currency), amount: Money.stored(amount, currency),
                    approvedQuantity: approvedQuantity.map(DecimalText.trimmed), approvedAmount: approvedAmount.map { Money.stored($0, currency) },
                    rejectionCode: code.flatMap(ClaimRejectionCode.init)
                )
            )
        }
        return uuids.compactMap { claims[$0] }
    }
}

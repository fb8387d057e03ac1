import Foundation
import HubCore
import Logging
import PostgresNIO

/// A tenant's opportunities: created, edited, moved through the pipeline and closed, every stage and
/// outcome kept in their history.
public struct Opportunities: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Creates an open opportunity on one of the tenant's accounts.
    public func create(_ caller: Caller, _ fields: OpportunityFields) async throws -> Opportunity {
        let fields = try fields.validated()
        return try await database.withTenant(caller.principal) { connection in
            try await References.requireAccount(connection, fields.accountID, field: "/accountID", logger: database.logger)
            let attribution = try await PromotionAttribution.target(
                connection, caller, code: fields.promoCode, promotion: fields.promotionID, logger: database.logger
            )
            return try await Self.insert(connection, caller, fields, origin: OpportunityOrigin(), attribution: attribution, logger: database.logger)
        }
    }

    /// Edits an open opportunity: fields left out stay, cleared ones are emptied; the result must still be valid.
    public func update(_ caller: Caller, id: OpportunityID, _ changes: OpportunityChanges) async throws -> Opportunity {
        try await database.withTenant(caller.principal) { connection in
            let current = try await Self.fetch(connection, id: id, lock: true, logger: database.logger)
            guard !changes.isEmpty else { throw HubError.invalid("/", "name at least one field to change") }
            let fields = try changes.applied(to: current).validated()
            guard current.outcome == .open else { throw HubError.conflict("a \(current.outcome.rawValue) opportunity cannot be edited") }
            guard let name = fields.name, let amount = fields.amount else { preconditionFailure("validated() guarantees a name and an amount") }
            if fields.ownerUserID != current.ownerUserID {
                try await References.requireUser(connection, fields.ownerUserID, field: "/ownerUserID", logger: database.logger)
            }
            if fields.contactID != current.contactID {
                try await Self.requireContact(connection, fields.contactID, of: current.accountID, logger: database.logger)
            }
            // Attribution is single touch: an opportunity not yet attributed may be; one that is keeps its promotion.
            var attribution: PromotionAttribution.Target?
            if fields.promotionID != current.promotionID || fields.promoCode != current.promoCode {
                guard current.promotionID == nil else {
                    throw HubError.conflict("the opportunity is already attributed to a promotion, and stays with it")
                }
                attribution = try await PromotionAttribution.target(
                    connection, caller, code: fields.promoCode, promotion: fields.promotionID, logger: database.logger
                )
            }
            try await connection.query(
                """
                UPDATE hub.opportunities SET name = \(name), contact_id = \(fields.contactID?.uuid), amount = \(amount.amount)::numeric,
                       currency = \(amount.currency), expected_close_on = \(fields.expectedCloseOn?.description)::date,
                       owner_user_id = \(fields.ownerUserID?.uuid), promotion_id = \((attribution?.promotionID ?? current.promotionID)?.uuid),
                       promo_code = \(fields.promoCode), updated_at = now()
                 WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            if let attribution {
                try await PromotionAttribution.record(connection, caller, objectType: "opportunity", objectID: id.uuid, attribution, logger: database.logger)
            }
            try await Events.record(
                connection, caller, "opportunity.updated", subject: EventSubject("opportunity", id.uuid),
                audit: AuditRecord(action: "opportunity.update", targetType: "opportunity", targetID: id.description),
                logger: database.logger
            )
            return try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    /// Moves an open opportunity to another stage of the pipeline.
    public func changeStage(_ caller: Caller, id: OpportunityID, to next: OpportunityStage?, reason rawReason: String?) async throws -> Opportunity {
        try await database.withTenant(caller.principal) { connection in
            let current = try await Self.fetch(connection, id: id, lock: true, logger: database.logger)
            guard let next else { throw HubError.invalid("/stage", "is required") }
            let reason = try Self.reason(rawReason, required: false)
            guard current.outcome == .open else { throw HubError.conflict("a \(current.outcome.rawValue) opportunity has no stage to change") }
            guard current.stage != next else { throw HubError.conflict("the opportunity is already in \(next.rawValue)") }
            try await connection.query(
                "UPDATE hub.opportunities SET stage = \(next.rawValue)::hub.opportunity_stage, updated_at = now() WHERE id = \(id.uuid)",
                logger: database.logger
            )
            try await Self.recordChange(
                connection, caller, id: id, from: (current.stage, .open), to: (next, .open), reason: reason, logger: database.logger
            )
            try await Events.record(
                connection, caller, "opportunity.stage_changed", subject: EventSubject("opportunity", id.uuid),
                data: ["from": current.stage.rawValue, "to": next.rawValue],
                audit: AuditRecord(
                    action: "opportunity.stage", targetType: "opportunity", targetID: id.description,
                    details: ["from": current.stage.rawValue, "to": next.rawValue]
                ),
                logger: database.logger
            )
            return try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    /// Closes an open opportunity as won or lost (lost needs a reason); a registration it came from learns the outcome.
    public func close(_ caller: Caller, id: OpportunityID, as outcome: OpportunityOutcome?, reason rawReason: String?) async throws -> Opportunity {
        try await database.withTenant(caller.principal) { connection in
            let current = try await Self.fetch(connection, id: id, lock: true, logger: database.logger)
            guard let outcome, outcome != .open else { throw HubError.invalid("/outcome", "must be won or lost") }
            let reason = try Self.reason(rawReason, required: outcome == .lost)
            guard current.outcome == .open else { throw HubError.conflict("the opportunity is already \(current.outcome.rawValue)") }
            try await connection.query(
                """
                UPDATE hub.opportunities SET outcome = \(outcome.rawValue)::hub.opportunity_outcome, close_reason = \(reason),
                       closed_at = now(), updated_at = now()
                 WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            if let registration = current.dealRegistrationID {
                try await connection.query(
                    """
                    UPDATE hub.deal_registrations SET deal_outcome = \(outcome.rawValue)::hub.opportunity_outcome, updated_at = now()
                     WHERE id = \(registration.uuid)
                    """,
                    logger: database.logger
                )
            }
            try await Self.recordChange(
                connection, caller, id: id, from: (current.stage, .open), to: (current.stage, outcome), reason: reason, logger: database.logger
            )
            if outcome == .won, current.promotionID != nil {
                try await PromotionAttribution.recordWin(connection, opportunity: id, amount: current.amount, logger: database.logger)
            }
            let amount = ["amount": current.amount.amount, "currency": current.amount.currency]
            try await Events.record(
                connection, caller, "opportunity.\(outcome.rawValue)", subject: EventSubject("opportunity", id.uuid),
                data: amount.merging(reason.map { ["reason": $0] } ?? [:]) { first, _ in first },
                audit: AuditRecord(action: "opportunity.\(outcome.rawValue)", targetType: "opportunity", targetID: id.description, details: amount),
                logger: database.logger
            )
            return try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    /// The tenant's opportunities, newest first, filtered.
    public func list(_ caller: Caller, filter: OpportunityFilter, page: PageRequest) async throws -> Page<Opportunity> {
        let afterID = try page.afterUUID()
        if let from = filter.closeFrom, let to = filter.closeTo, from > to {
            throw HubError.invalid("closeTo", "must not be before closeFrom")
        }
        let opportunities = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM hub.opportunities
                     WHERE (\(filter.stage?.rawValue)::hub.opportunity_stage IS NULL OR stage = \(filter.stage?.rawValue)::hub.opportunity_stage)
                       AND (\(filter.outcome?.rawValue)::hub.opportunity_outcome IS NULL
                            OR outcome = \(filter.outcome?.rawValue)::hub.opportunity_outcome)
                       AND (\(filter.ownerUserID?.uuid)::uuid IS NULL OR owner_user_id = \(filter.ownerUserID?.uuid))
                       AND (\(filter.accountID?.uuid)::uuid IS NULL OR account_id = \(filter.accountID?.uuid))
                       AND (\(filter.sourcedByTenantID?.uuid)::uuid IS NULL OR sourced_by_tenant_id = \(filter.sourcedByTenantID?.uuid))
                       AND (\(filter.closeFrom?.description)::date IS NULL OR expected_close_on >= \(filter.closeFrom?.description)::date)
                       AND (\(filter.closeTo?.description)::date IS NULL OR expected_close_on <= \(filter.closeTo?.description)::date)
                       AND (\(afterID)::uuid IS NULL
                            OR (created_at, id) < (SELECT created_at, id FROM hub.opportunities WHERE id = \(afterID)))
                     ORDER BY created_at DESC, id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                )
            )
        }
        return Page(fetched: opportunities, limit: page.limit) { [$0.id.description] }
    }

    /// One opportunity of the caller's tenant.
    public func get(_ caller: Caller, id: OpportunityID) async throws -> Opportunity {
        try await database.withTenant(caller.principal) { connection in
            try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    /// Every stage and outcome the opportunity has had, oldest first.
    public func history(_ caller: Caller, id: OpportunityID) async throws -> [OpportunityChange] {
        try await database.withTenant(caller.principal) { connection in
            _ = try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
            let rows = try await connection.query(
                """
                SELECT seq, from_stage::text, to_stage::text, from_outcome::text, to_outcome::text, by_user_id, reason, at
                  FROM hub.opportunity_changes WHERE opportunity_id = \(id.uuid) ORDER BY seq
                """,
                logger: database.logger
            )
            var changes: [OpportunityChange] = []
            for try await (seq, fromStage, toStage, fromOutcome, toOutcome, by, reason, at) in rows.decode(
                (Int, String?, String, String?, String, UUID?, String?, Date).self
            ) {
                changes.append(
                    OpportunityChange(
                        sequence: seq, fromStage: fromStage.flatMap(OpportunityStage.init), toStage: OpportunityStage(rawValue: toStage)!,
                        fromOutcome: fromOutcome.flatMap(OpportunityOutcome.init), toOutcome: OpportunityOutcome(rawValue: toOutcome)!,
                        byUserID: by.map { UserID($0) }, reason: reason, at: at
                    )
                )
            }
            return changes
        }
    }

    /// What happened to the opportunity, oldest first.
    public func timeline(_ caller: Caller, id: OpportunityID, page: PageRequest) async throws -> Page<HubEvent> {
        try await database.withTenant(caller.principal) { connection in
            _ = try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
            return try await Events.timeline(connection, subject: EventSubject("opportunity", id.uuid), page: page, logger: database.logger)
        }
    }

    /// Inserts validated fields (whose account the caller has checked) as a new open opportunity, with its first
    /// history row and its promotion attribution, audited and on the timeline; shared by creation, lead conversion
    /// and registration approval.
    static func insert(
        _ connection: PostgresConnection, _ caller: Caller, _ fields: OpportunityFields, origin: OpportunityOrigin,
        attribution: PromotionAttribution.Target?, logger: Logger
    ) async throws -> Opportunity {
        guard let accountID = fields.accountID, let name = fields.name, let amount = fields.amount else {
            preconditionFailure("validated() guarantees an account, a name and an amount")
        }
        try await References.requireUser(connection, fields.ownerUserID, field: "/ownerUserID", logger: logger)
        try await requireContact(connection, fields.contactID, of: accountID, logger: logger)
        let id = OpportunityID()
        let stage = fields.stage ?? .prospecting
        try await connection.query(
            """
            INSERT INTO hub.opportunities (tenant_id, id, account_id, contact_id, name, stage, amount, currency, expected_close_on,
                                           owner_user_id, promotion_id, promo_code, lead_id, deal_registration_id, sourced_by_tenant_id)
            VALUES (\(caller.tenantID.uuid), \(id.uuid), \(accountID.uuid), \(fields.contactID?.uuid), \(name),
                    \(stage.rawValue)::hub.opportunity_stage, \(amount.amount)::numeric, \(amount.currency),
                    \(fields.expectedCloseOn?.description)::date, \(fields.ownerUserID?.uuid), \(attribution?.promotionID.uuid), \(fields.promoCode),
                    \(origin.leadID?.uuid), \(origin.dealRegistrationID?.uuid), \(origin.sourcedByTenantID?.uuid))
            """,
            logger: logger
        )
        try await recordChange(connection, caller, id: id, from: nil, to: (stage, .open), reason: nil, logger: logger)
        if let attribution {
            try await PromotionAttribution.record(connection, caller, objectType: "opportunity", objectID: id.uuid, attribution, logger: logger)
        }
        try await Events.record(
            connection, caller, "opportunity.created", subject: EventSubject("opportunity", id.uuid),
            data: ["stage": stage.rawValue, "amount": amount.amount, "currency": amount.currency],
            audit: AuditRecord(
                action: "opportunity.create", targetType: "opportunity", targetID: id.description,
                details: ["amount": amount.amount, "currency": amount.currency]
            ),
            logger: logger
        )
        return try await fetch(connection, id: id, lock: false, logger: logger)
    }

    static func fetch(_ connection: PostgresConnection, id: OpportunityID, lock: Bool, logger: Logger) async throws -> Opportunity {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM hub.opportunities WHERE id = \(id.uuid) \(unescaped: lock ? "FOR UPDATE" : "")", logger: logger
        )
        guard let opportunity = try await decode(rows).first else { throw HubError.notFound("opportunity") }
        return opportunity
    }

    /// A contact named on an opportunity must be the tenant's, and not at a different account.
    private static func requireContact(_ connection: PostgresConnection, _ id: ContactID?, of account: AccountID, logger: Logger) async throws {
        guard let id else { return }
        let rows = try await connection.query("SELECT account_id FROM hub.contacts WHERE id = \(id.uuid)", logger: logger)
        guard let contactAccount = try await rows.decode(UUID?.self).first(where: { _ in true }) else {
            throw HubError.invalid("/contactID", "no contact of your company has this id")
        }
        if let contactAccount, contactAccount != account.uuid {
            throw HubError.invalid("/contactID", "this contact works at another account")
        }
    }

    private static func reason(_ raw: String?, required: Bool) throws(HubError) -> String? {
        let reason = raw?.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, reason?.isEmpty ?? true { throw .invalid("/reason", "say why the opportunity was lost") }
        if let reason, reason.count > 2000 { throw .invalid("/reason", "must be at most 2000 characters") }
        return reason?.isEmpty == true ? nil : reason
    }

    private static func recordChange(
        _ connection: PostgresConnection, _ caller: Caller, id: OpportunityID, from: (OpportunityStage, OpportunityOutcome)?,
        to: (OpportunityStage, OpportunityOutcome), reason: String?, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO hub.opportunity_changes (tenant_id, opportunity_id, seq, from_stage, to_stage, from_outcome, to_outcome, by_user_id, reason)
            SELECT \(caller.tenantID.uuid), \(id.uuid), coalesce(max(seq), 0) + 1, \(from?.0.rawValue)::hub.opportunity_stage,
                   \(to.0.rawValue)::hub.opportunity_stage, \(from?.1.rawValue)::hub.opportunity_outcome,
                   \(to.1.rawValue)::hub.opportunity_outcome, \(caller.principal.userID?.uuid), \(reason)
              FROM hub.opportunity_changes WHERE opportunity_id = \(id.uuid)
            """,
            logger: logger
        )
    }

    static let columns = """
        id, account_id, contact_id, name, stage::text, amount::text, currency, expected_close_on::text, owner_user_id, promotion_id,
        promo_code, lead_id, deal_registration_id, sourced_by_tenant_id, outcome::text, close_reason, closed_at, created_at, updated_at
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [Opportunity] {
        var opportunities: [Opportunity] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let stage = OpportunityStage(rawValue: try columns[4].decode(String.self)) ?? .prospecting
            opportunities.append(
                Opportunity(
                    id: OpportunityID(try columns[0].decode(UUID.self)),
                    accountID: AccountID(try columns[1].decode(UUID.self)),
                    contactID: try columns[2].decode(UUID?.self).map { ContactID($0) },
                    name: try columns[3].decode(String.self),
                    stage: stage,
                    probability: stage.probability,
                    amount: Money(stored: try columns[5].decode(String.self), currency: try columns[6].decode(String.self)),
                    expectedCloseOn: try columns[7].decode(String?.self).map { Day(stored: $0) },
                    ownerUserID: try columns[8].decode(UUID?.self).map { UserID($0) },
                    promotionID: try columns[9].decode(UUID?.self).map { PromotionID($0) },
                    promoCode: try columns[10].decode(String?.self),
                    leadID: try columns[11].decode(UUID?.self).map { LeadID($0) },
                    dealRegistrationID: try columns[12].decode(UUID?.self).map { DealRegistrationID($0) },
                    sourcedByTenantID: try columns[13].decode(UUID?.self).map { TenantID($0) },
                    outcome: OpportunityOutcome(rawValue: try columns[14].decode(String.self)) ?? .open,
                    closeReason: try columns[15].decode(String?.self),
                    closedAt: try columns[16].decode(Date?.self),
                    createdAt: try columns[17].decode(Date.self),
                    updatedAt: try columns[18].decode(Date.self)
                )
            )
        }
        return opportunities
    }
}

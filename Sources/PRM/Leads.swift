import Foundation
import HubCore
import Logging
import PostgresNIO

/// A created lead and the tenant's existing leads it may duplicate (same e-mail, or same company domain and name).
public struct CreatedLead: Sendable, Encodable {
    public var lead: Lead
    public var possibleDuplicates: [LeadID]
}

/// Which leads a list returns.
public struct LeadFilter: Sendable {
    public var status: LeadStatus?
    public var source: LeadSource?
    public var ownerUserID: UserID?
    public var createdFrom: Date?
    public var createdBefore: Date?
    /// Only leads attributed to this promotion.
    public var promotion: PromotionID?

    public init(
        status: LeadStatus? = nil, source: LeadSource? = nil, ownerUserID: UserID? = nil, createdFrom: Date? = nil, createdBefore: Date? = nil,
        promotion: PromotionID? = nil
    ) {
        self.status = status
        self.source = source
        self.ownerUserID = ownerUserID
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.promotion = promotion
    }
}

/// A tenant's leads: created, listed, moved through the pipeline with every change kept.
public struct Leads: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Creates a lead in the caller's tenant and reports possible duplicates (it does not refuse them:
    /// two people at one company are two leads; merging is the user's call).
    public func create(_ caller: Caller, _ draft: LeadDraft) async throws -> CreatedLead {
        let draft = try draft.validated()
        let id = LeadID()
        return try await database.withTenant(caller.principal) { connection in
            if let owner = draft.ownerUserID { try await checkOwner(connection, owner) }
            let attribution = try await PromotionAttribution.target(
                connection, caller, code: draft.promoCode, promotion: draft.promotionID, logger: database.logger
            )
            let insert = InsertLead(
                tenant: caller.tenantID, id: id, draft: draft, promotion: attribution?.promotionID, by: caller.principal.userID
            )
            var inserted: CreatedLead?
            for try await row in try await connection.execute(insert, logger: database.logger) { inserted = row }
            // INSERT … RETURNING yields its row or fails; this only keeps a surprise from crashing the server.
            guard let created = inserted else { throw HubError.conflict("the lead could not be created; try again") }
            try await Events.record(
                connection, caller, "lead.created", subject: EventSubject("lead", id.uuid), data: ["source": draft.source.rawValue],
                audit: AuditRecord(action: "lead.create", targetType: "lead", targetID: id.description, details: ["source": draft.source.rawValue]),
                logger: database.logger
            )
            if let attribution {
                try await PromotionAttribution.record(connection, caller, objectType: "lead", objectID: id.uuid, attribution, logger: database.logger)
            }
            return created
        }
    }

    /// The tenant's leads, newest first, filtered.
    public func list(_ caller: Caller, filter: LeadFilter, page: PageRequest) async throws -> Page<Lead> {
        var query = FilteredQuery()
        if let status = filter.status { query.add(status.rawValue) { "status = \($0)::hub.lead_status" } } else { query.add("merged_into_lead_id IS NULL") }
        if let source = filter.source { query.add(source.rawValue) { "source = \($0)" } }
        if let owner = filter.ownerUserID { query.add(owner.uuid) { "owner_user_id = \($0)" } }
        if let from = filter.createdFrom { query.add(from) { "created_at >= \($0)" } }
        if let before = filter.createdBefore { query.add(before) { "created_at < \($0)" } }
        if let promotion = filter.promotion { query.add(promotion.uuid) { "promotion_id = \($0)" } }
        if let after = try page.afterUUID() {
            query.add(after) { "(created_at, id) < (SELECT created_at, id FROM hub.leads WHERE id = \($0))" }
        }
        let leads = try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query(
                    query.query(select: "SELECT \(Self.columns) FROM hub.leads", tail: "ORDER BY created_at DESC, id DESC LIMIT $limit", limit: page.limit + 1),
                    logger: database.logger
                )
            )
        }
        return Page(fetched: leads, limit: page.limit) { [$0.id.description] }
    }

    /// One lead of the caller's tenant.
    public func get(_ caller: Caller, id: LeadID) async throws -> Lead {
        try await database.withTenant(caller.principal) { connection in try await fetch(connection, id: id, lock: false) }
    }

    /// Moves a lead along the pipeline; losing one needs a reason.
    public func changeStatus(_ caller: Caller, id: LeadID, to next: LeadStatus, reason rawReason: String?) async throws -> Lead {
        let reason = rawReason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if next == .merged { throw HubError.invalid("/status", "leads are merged with POST /leads/{leadID}/merge") }
        if next == .converted {
            throw HubError.invalid("/status", "leads are converted with POST /leads/{leadID}/convert, which also creates their account, contact and opportunity")
        }
        if next == .lost, reason?.isEmpty ?? true { throw HubError.invalid("/reason", "say why the lead was lost") }
        if let reason, reason.count > 2000 { throw HubError.invalid("/reason", "must be at most 2000 characters") }
        return try await database.withTenant(caller.principal) { connection in
            let current = try await fetch(connection, id: id, lock: true)
            guard current.status.canMove(to: next) else {
                throw HubError.conflict("a \(current.status.rawValue) lead cannot become \(next.rawValue)")
            }
            try await connection.query(
                """
                UPDATE hub.leads SET
                    status = \(next.rawValue)::hub.lead_status,
                    updated_at = now(),
                    first_response_at = coalesce(first_response_at, CASE WHEN \(next.rawValue) <> 'new' THEN now() END),
                    qualified_at = CASE WHEN \(next.rawValue) = 'qualified' THEN now() ELSE qualified_at END,
                    closed_at = CASE WHEN \(next.rawValue) IN ('converted', 'lost') THEN now() WHEN \(next.rawValue) = 'new' THEN NULL ELSE closed_at END,
                    lost_reason = CASE WHEN \(next.rawValue) = 'lost' THEN \(reason) WHEN \(next.rawValue) = 'new' THEN NULL ELSE lost_reason END
                 WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            try await Self.recordChange(connection, caller, lead: id, from: current.status, to: next, reason: reason, logger: database.logger)
            try await Events.record(
                connection, caller, "lead.status_changed", subject: EventSubject("lead", id.uuid),
                data: ["from": current.status.rawValue, "to": next.rawValue],
                audit: AuditRecord(
                    action: "lead.status", targetType: "lead", targetID: id.description,
                    details: ["from": current.status.rawValue, "to": next.rawValue]
                ),
                logger: database.logger
            )
            return try await fetch(connection, id: id, lock: false)
        }
    }

    /// Attributes a lead to a promotion the tenant runs or has joined (single touch: once attributed,
    /// a lead stays with its promotion).
    public func tag(_ caller: Caller, id: LeadID, promotion: PromotionID?) async throws -> Lead {
        try await database.withTenant(caller.principal) { connection in
            let lead = try await fetch(connection, id: id, lock: true)
            guard let promotion else { throw HubError.invalid("/promotionID", "is required") }
            let target = try await PromotionAttribution.byTag(connection, caller, promotion: promotion, field: "/promotionID", logger: database.logger)
            if lead.promotionID == promotion { return lead }
            guard lead.promotionID == nil else { throw HubError.conflict("the lead is already attributed to another promotion") }
            try await connection.query(
                "UPDATE hub.leads SET promotion_id = \(promotion.uuid), updated_at = now() WHERE id = \(id.uuid)", logger: database.logger
            )
            try await AuditLog.record(
                connection, caller, action: "lead.promotion", targetType: "lead", targetID: id.description,
                details: ["promotion": promotion.description], logger: database.logger
            )
            try await PromotionAttribution.record(connection, caller, objectType: "lead", objectID: id.uuid, target, logger: database.logger)
            return try await fetch(connection, id: id, lock: false)
        }
    }

    /// What happened to the lead, oldest first: its activity timeline.
    public func timeline(_ caller: Caller, id: LeadID, page: PageRequest) async throws -> Page<HubEvent> {
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, id: id, lock: false)
            return try await Events.timeline(connection, subject: EventSubject("lead", id.uuid), page: page, logger: database.logger)
        }
    }

    /// Every status the lead has had, oldest first.
    public func history(_ caller: Caller, id: LeadID) async throws -> [LeadStatusChange] {
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, id: id, lock: false)
            let rows = try await connection.query(
                """
                SELECT seq, from_status::text, to_status::text, by_user_id, reason, at
                  FROM hub.lead_status_changes WHERE lead_id = \(id.uuid) ORDER BY seq
                """,
                logger: database.logger
            )
            var changes: [LeadStatusChange] = []
            for try await (seq, from, to, by, reason, at) in rows.decode((Int, String?, String, UUID?, String?, Date).self) {
                changes.append(
                    LeadStatusChange(
                        sequence: seq, fromStatus: from.flatMap(LeadStatus.init), toStatus: LeadStatus(rawValue: to) ?? .new,
                        byUserID: by.map { UserID($0) }, reason: reason, at: at
                    )
                )
            }
            return changes
        }
    }

    /// Refuses an owner who is not a user of the caller's tenant.
    func checkOwner(_ connection: PostgresConnection, _ owner: UserID) async throws {
        let found = try await connection.query("SELECT count(*) FROM hub.users WHERE id = \(owner.uuid)", logger: database.logger)
            .decode(Int.self).first { _ in true }
        guard found == 1 else { throw HubError.invalid("/ownerUserID", "no user of your company has this id") }
    }

    /// Appends a status change to the lead's history; shared with lead conversion.
    static func recordChange(
        _ connection: PostgresConnection, _ caller: Caller, lead: LeadID, from: LeadStatus?, to: LeadStatus, reason: String?, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO hub.lead_status_changes (tenant_id, lead_id, seq, from_status, to_status, by_user_id, reason)
            SELECT \(caller.tenantID.uuid), \(lead.uuid), coalesce(max(seq), 0) + 1, \(from?.rawValue)::hub.lead_status,
                   \(to.rawValue)::hub.lead_status, \(caller.principal.userID?.uuid), \(reason)
              FROM hub.lead_status_changes WHERE lead_id = \(lead.uuid)
            """,
            logger: logger
        )
    }

    func fetch(_ connection: PostgresConnection, id: LeadID, lock: Bool) async throws -> Lead {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM hub.leads WHERE id = \(id.uuid) \(unescaped: lock ? "FOR UPDATE" : "")",
            logger: database.logger
        )
        guard let lead = try await Self.decode(rows).first else { throw HubError.notFound("lead") }
        return lead
    }

    static let columns = """
        id, status::text, source, company_name, company_domain, first_name, last_name, email, phone, country, region,
        owner_user_id, estimated_amount::text, currency, notes, created_at, updated_at, first_response_at, qualified_at,
        closed_at, lost_reason, merged_into_lead_id, origin_tenant_id, origin_lead_id, origin_offer_id,
        converted_account_id, converted_contact_id, converted_opportunity_id, promotion_id, consent_basis, consent_captured_at, consent_ref
        """

    static let columnCount = 32

    static func decode(_ rows: PostgresRowSequence) async throws -> [Lead] {
        var leads: [Lead] = []
        for try await row in rows { leads.append(try lead(from: row.makeRandomAccess())) }
        return leads
    }

    /// A lead from the first `columnCount` columns of a row selected with `columns`.
    static func lead(from columns: PostgresRandomAccessRow) throws -> Lead {
        let amount = try columns[12].decode(String?.self)
        let currency = try columns[13].decode(String?.self)
        return Lead(
            id: LeadID(try columns[0].decode(UUID.self)),
            status: LeadStatus(rawValue: try columns[1].decode(String.self)) ?? .new,
            source: LeadSource(rawValue: try columns[2].decode(String.self)) ?? .other,
            companyName: try columns[3].decode(String?.self),
            companyDomain: try columns[4].decode(String?.self),
            firstName: try columns[5].decode(String?.self),
            lastName: try columns[6].decode(String?.self),
            email: try columns[7].decode(String?.self),
            phone: try columns[8].decode(String?.self),
            country: try columns[9].decode(String?.self),
            region: try columns[10].decode(String?.self),
            ownerUserID: try columns[11].decode(UUID?.self).map { UserID($0) },
            estimatedValue: amount.flatMap { amount in currency.map { Money(stored: amount, currency: $0) } },
            notes: try columns[14].decode(String?.self),
            consent: try columns[29].decode(String?.self).flatMap(ConsentBasis.init).map {
                LeadConsent(basis: $0, capturedAt: try columns[30].decode(Date?.self), reference: try columns[31].decode(String?.self))
            },
            createdAt: try columns[15].decode(Date.self),
            updatedAt: try columns[16].decode(Date.self),
            firstResponseAt: try columns[17].decode(Date?.self),
            qualifiedAt: try columns[18].decode(Date?.self),
            closedAt: try columns[19].decode(Date?.self),
            lostReason: try columns[20].decode(String?.self),
            mergedIntoLeadID: try columns[21].decode(UUID?.self).map { LeadID($0) },
            origin: try decodeOrigin(columns, from: 22),
            convertedAccountID: try columns[25].decode(UUID?.self).map { AccountID($0) },
            convertedContactID: try columns[26].decode(UUID?.self).map { ContactID($0) },
            convertedOpportunityID: try columns[27].decode(UUID?.self).map { OpportunityID($0) },
            promotionID: try columns[28].decode(UUID?.self).map { PromotionID($0) }
        )
    }

    static func decodeOrigin(_ columns: PostgresRandomAccessRow, from index: Int) throws -> LeadOrigin? {
        guard let tenant = try columns[index].decode(UUID?.self), let lead = try columns[index + 1].decode(UUID?.self),
            let offer = try columns[index + 2].decode(UUID?.self)
        else { return nil }
        return LeadOrigin(tenantID: TenantID(tenant), leadID: LeadID(lead), offerID: offer)
    }
}

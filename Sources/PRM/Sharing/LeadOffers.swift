import Foundation
import HubCore
import Logging
import PostgresNIO

/// Which offers a list returns.
public struct LeadOfferFilter: Sendable {
    public var direction: OfferDirection
    public var status: LeadOfferStatus?

    public init(direction: OfferDirection = .outgoing, status: LeadOfferStatus? = nil) {
        self.direction = direction
        self.status = status
    }
}

/// Sharing leads with partners: the owner offers, the partner accepts (getting its own copy) or declines
/// before the deadline, the owner may withdraw. Offers past their deadline expire, lazily before every
/// read or action and in bulk by `expireDue()`.
public struct LeadOffers: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Offers one of the caller's leads to a partner tenant with an active partnership.
    public func offer(_ caller: Caller, lead leadID: LeadID, _ draft: LeadOfferDraft) async throws -> LeadOffer {
        try caller.principal.require(.channelManager, to: "offering a lead to a partner")
        return try await database.withTenant(caller.principal) { connection in
            let lead = try await Self.lead(connection, leadID, lock: true, logger: database.logger)
            let terms = try await validated(connection, caller, draft, lead: lead)
            if let refusal = try await OfferMaking.refusal(connection, lead: lead, partner: terms.partner, exclusive: terms.exclusive, logger: database.logger) {
                throw HubError.conflict(refusal)
            }
            let id = try await OfferMaking.insert(connection, caller, lead: lead, terms: terms, logger: database.logger)
            return try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger)
        }
    }

    /// The offers made of one of the caller's leads, newest first.
    public func offers(_ caller: Caller, lead leadID: LeadID) async throws -> [LeadOffer] {
        try await expireDue(caller)
        return try await database.withTenant(caller.principal) { connection in
            _ = try await Self.lead(connection, leadID, lock: false, logger: database.logger)
            return try await LeadOfferRows.decode(
                connection.query(
                    """
                    SELECT \(unescaped: LeadOfferRows.columns) FROM hub.lead_offers
                     WHERE tenant_id = \(caller.tenantID.uuid) AND lead_id = \(leadID.uuid)
                     ORDER BY offered_at DESC, id DESC
                    """,
                    logger: database.logger
                ),
                for: caller
            )
        }
    }

    /// Offers the caller made (outgoing) or received (incoming), newest first.
    public func list(_ caller: Caller, filter: LeadOfferFilter, page: PageRequest) async throws -> Page<LeadOffer> {
        let afterID = try page.afterUUID()
        try await expireDue(caller)
        let column = filter.direction == .outgoing ? "tenant_id" : "to_tenant_id"
        let offers = try await database.withTenant(caller.principal) { connection in
            try await LeadOfferRows.decode(
                connection.query(
                    """
                    SELECT \(unescaped: LeadOfferRows.columns) FROM hub.lead_offers
                     WHERE \(unescaped: column) = \(caller.tenantID.uuid)
                       AND (\(filter.status?.rawValue)::hub.lead_offer_status IS NULL OR status = \(filter.status?.rawValue)::hub.lead_offer_status)
                       AND (\(afterID)::uuid IS NULL
                            OR (offered_at, id) < (SELECT offered_at, id FROM hub.lead_offers WHERE id = \(afterID)))
                     ORDER BY offered_at DESC, id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                ),
                for: caller
            )
        }
        return Page(fetched: offers, limit: page.limit) { [$0.id.description] }
    }

    /// One offer the caller made or received.
    public func get(_ caller: Caller, id: LeadOfferID) async throws -> LeadOffer {
        try await expireDue(caller)
        return try await database.withTenant(caller.principal) { connection in
            try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger)
        }
    }

    /// The partner accepts an open offer: it gets its own lead, made of the shared fields and linked to the origin.
    public func accept(_ caller: Caller, id: LeadOfferID) async throws -> LeadOffer {
        try await expireDue(caller)
        return try await database.withTenant(caller.principal) { connection in
            let offer = try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger)
            guard offer.direction == .incoming else { throw HubError.forbidden("only the partner an offer is addressed to can accept it") }
            guard offer.status == .offered, let shared = offer.lead else { throw Self.notOpen(offer.status) }
            let copy = try await makeCopy(connection, caller, of: offer, shared: shared)
            let outcome = try await connection.query("SELECT hub.accept_lead_offer(\(id.uuid), \(copy.uuid))", logger: database.logger)
                .decode(String.self).first { _ in true }
            switch outcome {
            case "accepted": break
            case "taken": throw HubError.conflict("another partner has already accepted this lead exclusively")
            case "not_found": throw HubError.notFound("lead offer")
            default: throw try await notOpenNow(connection, caller, id: id)
            }
            try await Events.record(
                connection, caller, "lead.offer_accepted", subject: EventSubject("lead_offer", id.uuid), alsoFor: [offer.fromTenantID],
                audit: AuditRecord(
                    action: "lead.offer_accept", targetType: "lead_offer", targetID: id.description, details: ["copy": copy.description]
                ),
                logger: database.logger
            )
            return try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger)
        }
    }

    /// The partner declines an open offer, saying why.
    public func decline(_ caller: Caller, id: LeadOfferID, reason: DeclineReason?, note rawNote: String?) async throws -> LeadOffer {
        try await expireDue(caller)
        return try await database.withTenant(caller.principal) { connection in
            let offer = try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger)
            guard offer.direction == .incoming else { throw HubError.forbidden("only the partner an offer is addressed to can decline it") }
            let note = rawNote?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            guard let reason else { throw HubError.invalid("/reason", "say why: one of \(DeclineReason.allCases.map(\.rawValue).joined(separator: ", "))") }
            if reason == .other, note == nil { throw HubError.invalid("/note", "explain the reason other in a note") }
            if let note, note.count > 2000 { throw HubError.invalid("/note", "must be at most 2000 characters") }
            guard offer.status == .offered else { throw Self.notOpen(offer.status) }
            let outcome = try await connection.query(
                "SELECT hub.decline_lead_offer(\(id.uuid), \(reason.rawValue), \(note))", logger: database.logger
            ).decode(String.self).first { _ in true }
            guard outcome == "declined" else {
                throw outcome == "not_found" ? HubError.notFound("lead offer") : try await notOpenNow(connection, caller, id: id)
            }
            try await Events.record(
                connection, caller, "lead.offer_declined", subject: EventSubject("lead_offer", id.uuid), data: ["reason": reason.rawValue],
                alsoFor: [offer.fromTenantID],
                audit: AuditRecord(
                    action: "lead.offer_decline", targetType: "lead_offer", targetID: id.description, details: ["reason": reason.rawValue]
                ),
                logger: database.logger
            )
            return try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger)
        }
    }

    /// The origin takes back an open offer; the partner loses the shared fields.
    public func withdraw(_ caller: Caller, id: LeadOfferID) async throws -> LeadOffer {
        try await expireDue(caller)
        return try await database.withTenant(caller.principal) { connection in
            // Locking needs an update policy, which the recipient has not: look first, then lock as the origin.
            guard try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger).direction == .outgoing else {
                throw HubError.forbidden("only the company that made an offer can withdraw it")
            }
            try caller.principal.require(.channelManager, to: "withdrawing an offer")
            let offer = try await LeadOfferRows.fetch(connection, caller, id: id, lock: true, logger: database.logger)
            guard offer.status == .offered else { throw Self.notOpen(offer.status) }
            try await connection.query(
                """
                UPDATE hub.lead_offers SET status = 'withdrawn', withdraw_reason = 'by_origin', closed_at = now()
                 WHERE tenant_id = \(caller.tenantID.uuid) AND id = \(id.uuid)
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "lead.offer_withdrawn", subject: EventSubject("lead_offer", id.uuid),
                data: ["reason": WithdrawReason.byOrigin.rawValue], alsoFor: [offer.toTenantID],
                audit: AuditRecord(action: "lead.offer_withdraw", targetType: "lead_offer", targetID: id.description),
                logger: database.logger
            )
            return try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger)
        }
    }

    /// What happened to the offer, oldest first, as the caller's side recorded it.
    public func timeline(_ caller: Caller, id: LeadOfferID, page: PageRequest) async throws -> Page<HubEvent> {
        try await expireDue(caller)
        return try await database.withTenant(caller.principal) { connection in
            _ = try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger)
            return try await Events.timeline(connection, subject: EventSubject("lead_offer", id.uuid), page: page, logger: database.logger)
        }
    }

    /// Expires every offer on the hub past its deadline; for the server to call periodically.
    /// Returns how many it expired.
    @discardableResult
    public func expireDue() async throws -> Int {
        try await database.withoutTenant { connection in
            try await connection.query("SELECT hub.expire_lead_offers()", logger: database.logger).decode(Int.self).first { _ in true } ?? 0
        }
    }

    /// Expires the caller's overdue offers (made or received) in a transaction of its own, so an action
    /// refused afterwards does not roll the expiry back.
    func expireDue(_ caller: Caller) async throws {
        try await database.withTenant(caller.principal) { connection in
            try await connection.query("SELECT hub.expire_lead_offers()", logger: database.logger)
        }
    }

    /// The partner's own lead, made of the shared fields and linked to the offer it came from.
    private func makeCopy(_ connection: PostgresConnection, _ caller: Caller, of offer: LeadOffer, shared: SharedLeadFields) async throws -> LeadID {
        let copy = LeadID()
        let originLead = try await connection.query("SELECT lead_id FROM hub.lead_offers WHERE id = \(offer.id.uuid)", logger: database.logger)
            .decode(UUID.self).first { _ in true }
        try await connection.query(
            """
            INSERT INTO hub.leads (tenant_id, id, source, company_name, company_domain, first_name, last_name, email, phone, country, region,
                                   estimated_amount, currency, origin_tenant_id, origin_lead_id, origin_offer_id,
                                   consent_basis, consent_captured_at, consent_ref)
            VALUES (\(caller.tenantID.uuid), \(copy.uuid), 'partner_share', \(shared.companyName), \(shared.companyDomain), \(shared.firstName),
                    \(shared.lastName), \(shared.email), \(shared.phone), \(shared.country), \(shared.region),
                    \(shared.estimatedValue?.amount)::numeric, \(shared.estimatedValue?.currency), \(offer.fromTenantID.uuid), \(originLead),
                    \(offer.id.uuid), \(shared.consent?.basis.rawValue), \(shared.consent?.capturedAt), \(shared.consent?.reference))
            """,
            logger: database.logger
        )
        try await connection.query(
            """
            INSERT INTO hub.lead_status_changes (tenant_id, lead_id, seq, from_status, to_status, by_user_id, reason)
            VALUES (\(caller.tenantID.uuid), \(copy.uuid), 1, NULL, 'new', \(caller.principal.userID?.uuid), 'accepted from a partner')
            """,
            logger: database.logger
        )
        try await Events.record(
            connection, caller, "lead.created", subject: EventSubject("lead", copy.uuid),
            data: ["source": LeadSource.partnerShare.rawValue, "offerID": offer.id.description], logger: database.logger
        )
        return copy
    }

    static func lead(_ connection: PostgresConnection, _ id: LeadID, lock: Bool, logger: Logger) async throws -> Lead {
        let rows = try await connection.query(
            "SELECT \(unescaped: Leads.columns) FROM hub.leads WHERE id = \(id.uuid) \(unescaped: lock ? "FOR UPDATE" : "")",
            logger: logger
        )
        guard let lead = try await Leads.decode(rows).first else { throw HubError.notFound("lead") }
        return lead
    }

    static func notOpen(_ status: LeadOfferStatus) -> HubError {
        .conflict("offer not open: it is \(status.rawValue)")
    }

    /// The refusal for an offer that stopped being open while the caller waited for it (answered or
    /// withdrawn by a concurrent request, or past its deadline).
    private func notOpenNow(_ connection: PostgresConnection, _ caller: Caller, id: LeadOfferID) async throws -> HubError {
        let offer = try await LeadOfferRows.fetch(connection, caller, id: id, logger: database.logger)
        return Self.notOpen(offer.status == .offered && offer.dueAt <= Date() ? .expired : offer.status)
    }

    /// Checks the draft against the lead and the partnership: 422 for bad fields, 404 for a company that
    /// is not a partner, 409 for a partnership that is not active.
    private func validated(_ connection: PostgresConnection, _ caller: Caller, _ draft: LeadOfferDraft, lead: Lead) async throws -> OfferTerms {
        var issues: [FieldIssue] = []
        if draft.toTenantID == nil { issues.append(FieldIssue("/toTenantID", "is required: the partner company's id")) }
        if draft.toTenantID == caller.tenantID { issues.append(FieldIssue("/toTenantID", "a company cannot offer a lead to itself")) }
        let fields = Set(draft.sharedFields ?? [])
        let shared = SharedLeadFields(lead, sharing: fields)
        if fields.isEmpty {
            issues.append(FieldIssue("/sharedFields", "choose the fields to share: \(SharedLeadField.allCases.map(\.rawValue).joined(separator: ", "))"))
        } else if !shared.identifiesALead {
            issues.append(FieldIssue("/sharedFields", "share at least one of companyName, lastName, email that this lead has"))
        } else if shared.carriesPersonalData && lead.consent == nil {
            issues.append(FieldIssue("/sharedFields", SharedLeadFields.consentRequired))
        }
        let message = draft.message?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let message, message.count > 2000 { issues.append(FieldIssue("/message", "must be at most 2000 characters")) }
        let sla = draft.slaHours ?? LeadOfferDraft.defaultSLAHours
        if !LeadOfferDraft.slaHoursRange.contains(sla) {
            issues.append(FieldIssue("/slaHours", "must be from \(LeadOfferDraft.slaHoursRange.lowerBound) to \(LeadOfferDraft.slaHoursRange.upperBound) hours"))
        }
        guard issues.isEmpty, let partner = draft.toTenantID else { throw HubError.invalid(issues) }
        let partnership = try await PartnershipLookup.requireActive(connection, caller, with: partner, logger: database.logger)
        return OfferTerms(
            partner: partner, partnershipID: partnership, sharedFields: fields, message: message, slaHours: sla,
            exclusive: draft.exclusive ?? false
        )
    }
}

fileprivate extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

import Foundation
import HubCore
import Logging
import PostgresNIO

/// Deal registration: a partner registers a deal with a vendor it has an active partnership with; the
/// vendor sees conflicts in its own data and approves (with a protection period), returns or rejects.
/// Rows belong to the vendor; each side reads them through its own view type.
public struct DealRegistrations: Sendable {
    let database: HubDatabase
    /// How long a submitted (or returned) registration waits for the next step before it expires.
    public let reviewWindowDays: Int

    public init(database: HubDatabase, reviewWindowDays: Int = 30) {
        self.database = database
        self.reviewWindowDays = reviewWindowDays
    }

    /// Which side of a registration the caller is on.
    enum Side { case vendor, partner }

    /// What a vendor decision writes besides the status.
    private struct Decision {
        /// Shown to the partner.
        var reason: String?
        var protectionDays: Int?
        var expiresInDays: Int?
        var clearsExpiry = false
    }

    /// A registration found on the caller's side, locked for the rest of the transaction.
    struct Located {
        var side: Side
        var status: DealRegistrationStatus
        var vendor: TenantID
        var partner: TenantID
    }

    // MARK: - The partner's side

    /// Saves a draft registration with `vendor`, which must be an active partner of the caller.
    public func create(_ caller: Caller, vendor: TenantID?, _ fields: DealRegistrationFields) async throws -> PartnerDealRegistration {
        guard let vendor else { throw HubError.invalid("/vendorTenantID", "is required") }
        let fields = try fields.validated()
        let id = DealRegistrationID()
        let logger = database.logger
        return try await database.withTenant(caller.principal) { connection in
            guard try await Self.activePartnership(connection, caller, with: vendor, logger: logger) else {
                throw HubError.invalid("/vendorTenantID", "your company has no active partnership with this tenant")
            }
            let name = fields.customerName ?? ""
            let products = try DealRegistrationRows.productsJSON(fields.products ?? [])
            try await connection.query(
                """
                INSERT INTO hub.deal_registrations (tenant_id, id, partner_tenant_id, customer_name, customer_name_key, customer_domain,
                                                    country, products, amount, currency, expected_close_on, partner_ref)
                VALUES (\(vendor.uuid), \(id.uuid), \(caller.tenantID.uuid), \(name), \(CompanyName.key(name)), \(fields.customerDomain),
                        \(fields.country ?? ""), \(products)::jsonb,
                        \(fields.amount?.amount ?? "0")::numeric, \(fields.amount?.currency ?? ""),
                        \(fields.expectedCloseOn?.description ?? "")::date, \(fields.partnerRef))
                """,
                logger: logger
            )
            try await DealRegistrationLog.record(
                connection, caller, registration: id, vendor: vendor, partner: caller.tenantID, from: nil, to: .draft, reason: nil, logger: logger
            )
            try await AuditLog.record(
                connection, caller, action: "deal_registration.create", targetType: "deal_registration", targetID: id.description,
                details: ["vendor": vendor.description], logger: logger
            )
            // A draft is the partner's work in progress: the vendor hears of it on submission.
            try await Events.record(connection, caller, "deal.drafted", subject: EventSubject("deal_registration", id.uuid), logger: logger)
            return try await partnerView(connection, id: id)
        }
    }

    /// Edits the caller's draft or returned registration: fields left out stay, cleared ones are emptied.
    public func update(_ caller: Caller, id: DealRegistrationID, _ changes: DealRegistrationChanges) async throws -> PartnerDealRegistration {
        let logger = database.logger
        return try await database.withTenant(caller.principal) { connection in
            let found = try await locate(connection, caller, id: id)
            try Self.require(found, .partner, "only the partner that registered the deal can edit it")
            guard !changes.isEmpty else { throw HubError.invalid("/", "name at least one field to change") }
            let fields = try changes.applied(to: try await partnerView(connection, id: id)).validated()
            guard found.status.partnerMayEdit else {
                throw HubError.conflict("cannot edit a registration that is \(found.status.rawValue)")
            }
            guard let name = fields.customerName, let country = fields.country, let amount = fields.amount, let products = fields.products,
                let closeOn = fields.expectedCloseOn
            else { preconditionFailure("validated() guarantees every required field") }
            let productsJSON = try DealRegistrationRows.productsJSON(products)
            try await connection.query(
                """
                UPDATE hub.deal_registrations SET customer_name = \(name), customer_name_key = \(CompanyName.key(name)),
                       customer_domain = \(fields.customerDomain), country = \(country),
                       products = \(productsJSON)::jsonb, amount = \(amount.amount)::numeric,
                       currency = \(amount.currency), expected_close_on = \(closeOn.description)::date, partner_ref = \(fields.partnerRef),
                       updated_at = now()
                 WHERE id = \(id.uuid)
                """,
                logger: logger
            )
            try await Events.record(
                connection, caller, "deal.updated", subject: EventSubject("deal_registration", id.uuid),
                audit: AuditRecord(action: "deal_registration.update", targetType: "deal_registration", targetID: id.description),
                logger: logger
            )
            return try await partnerView(connection, id: id)
        }
    }

    /// Submits a draft or returned registration to the vendor and checks it for conflicts in the vendor's data;
    /// the partner learns only whether there is one.
    public func submit(_ caller: Caller, id: DealRegistrationID) async throws -> PartnerDealRegistration {
        let logger = database.logger
        return try await database.withTenant(caller.principal) { connection in
            let found = try await locate(connection, caller, id: id)
            try Self.require(found, .partner, "only the partner that registered the deal can submit it")
            guard found.status.partnerMayEdit else { throw HubError.conflict("cannot submit a registration that is \(found.status.rawValue)") }
            guard try await Self.activePartnership(connection, caller, with: found.vendor, logger: logger) else {
                throw HubError.conflict("your partnership with this vendor is not active")
            }
            if try await partnerView(connection, id: id).expectedCloseOn < Day.today() {
                throw HubError.invalid("/expectedCloseOn", "is in the past; edit the registration before submitting it")
            }
            // One submission per vendor at a time, stamped after the lock: two partners submitting the same
            // customer at once must see each other, and "earliest" must mean the order they got through.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended('deal_registration_submit:' || \(found.vendor.description), 0))", logger: logger
            )
            try await connection.query(
                """
                UPDATE hub.deal_registrations SET status = 'submitted', submitted_at = clock_timestamp(),
                       first_submitted_at = coalesce(first_submitted_at, clock_timestamp()),
                       expires_at = now() + make_interval(days => \(reviewWindowDays)::int),
                       decided_at = NULL, decision_reason = NULL, updated_at = now()
                 WHERE id = \(id.uuid)
                """,
                logger: logger
            )
            try await DealRegistrationLog.record(
                connection, caller, registration: id, vendor: found.vendor, partner: found.partner, from: found.status, to: .submitted,
                reason: nil, logger: logger
            )
            try await TenantScope.acting(as: found.vendor, on: connection, thenReturnTo: caller, logger: logger) {
                let conflicts = try await ConflictDetection.detect(connection, vendor: found.vendor, registration: id, logger: logger)
                if conflicts > 0 {
                    let vendorSystem = Caller(principal: Principal(tenantID: found.vendor, userID: nil, role: .member), requestID: caller.requestID)
                    try await Events.record(
                        connection, vendorSystem, "deal.conflicts_detected", subject: EventSubject("deal_registration", id.uuid),
                        data: ["conflicts": String(conflicts)], logger: logger
                    )
                }
            }
            try await Events.record(
                connection, caller, "deal.registered", subject: EventSubject("deal_registration", id.uuid), data: ["from": found.status.rawValue],
                alsoFor: [found.vendor],
                audit: AuditRecord(action: "deal_registration.submit", targetType: "deal_registration", targetID: id.description),
                logger: logger
            )
            return try await partnerView(connection, id: id)
        }
    }

    // MARK: - The vendor's side

    /// Marks a submitted registration as being reviewed, so the partner knows someone is looking.
    public func review(_ caller: Caller, id: DealRegistrationID) async throws -> VendorDealRegistration {
        try await decide(caller, id: id, to: .underReview, event: "deal.under_review") { found, _ in
            guard found.status == .submitted else { throw HubError.conflict("cannot put under review a registration that is \(found.status.rawValue)") }
            return Decision()
        }
    }

    /// Approves a pending registration for `protectionDays`; standing conflicts need an override reason.
    public func approve(_ caller: Caller, id: DealRegistrationID, _ approval: DealApproval) async throws -> VendorDealRegistration {
        let logger = database.logger
        return try await decide(caller, id: id, to: .approved, event: "deal.approved") { found, connection in
            guard let days = approval.protectionDays else { throw HubError.invalid("/protectionDays", "is required") }
            guard (1...730).contains(days) else { throw HubError.invalid("/protectionDays", "must be a whole number of days from 1 to 730") }
            let note = try Self.text(approval.note, "/note", required: false)
            let override = try Self.text(approval.overrideReason, "/overrideReason", required: false)
            guard found.status.awaitsDecision else { throw HubError.conflict("cannot approve a registration that is \(found.status.rawValue)") }
            let standing = try await ConflictDetection.standing(connection, registration: id, logger: logger)
            if standing > 0 {
                guard let override else {
                    throw HubError.invalid(
                        "/overrideReason", "the registration has \(standing) open conflict(s) with earlier claims; say why you approve it anyway"
                    )
                }
                try await ConflictDetection.override(connection, caller, registration: id, reason: override, logger: logger)
            }
            return Decision(reason: note, protectionDays: days, expiresInDays: days)
        } after: { registration, connection in
            guard approval.createOpportunity else { return }
            let opportunity = try await ApprovedDealOpportunity.create(for: registration, connection, caller, logger: logger)
            try await connection.query(
                "UPDATE hub.deal_registrations SET opportunity_id = \(opportunity.id.uuid) WHERE id = \(id.uuid)", logger: logger
            )
        }
    }

    /// Sends a pending registration back to the partner for more information.
    public func returnToPartner(_ caller: Caller, id: DealRegistrationID, reason: String?) async throws -> VendorDealRegistration {
        try await decide(caller, id: id, to: .returned, event: "deal.returned") { found, _ in
            let reason = try Self.text(reason, "/reason", required: true)
            guard found.status.awaitsDecision else { throw HubError.conflict("cannot return a registration that is \(found.status.rawValue)") }
            return Decision(reason: reason, expiresInDays: reviewWindowDays)
        }
    }

    /// Rejects a pending registration, with the reason the partner will read.
    public func reject(_ caller: Caller, id: DealRegistrationID, reason: String?) async throws -> VendorDealRegistration {
        try await decide(caller, id: id, to: .rejected, event: "deal.rejected") { found, _ in
            let reason = try Self.text(reason, "/reason", required: true)
            guard found.status.awaitsDecision else { throw HubError.conflict("cannot reject a registration that is \(found.status.rawValue)") }
            return Decision(reason: reason, clearsExpiry: true)
        }
    }

    // MARK: - Helpers

    /// A vendor decision: checks side and role, lets `check` validate the request against the registration and say
    /// what to write besides the status, then records the change and tells the partner.
    private func decide(
        _ caller: Caller, id: DealRegistrationID, to next: DealRegistrationStatus, event: String,
        _ check: (Located, PostgresConnection) async throws -> Decision,
        after: (VendorDealRegistration, PostgresConnection) async throws -> Void = { _, _ in }
    ) async throws -> VendorDealRegistration {
        let logger = database.logger
        return try await database.withTenant(caller.principal) { connection in
            let found = try await locate(connection, caller, id: id)
            try Self.require(found, .vendor, "only the vendor decides on a registration")
            try caller.principal.require(.channelManager, to: "deciding on a deal registration")
            let decision = try await check(found, connection)
            let reason = decision.reason
            try await connection.query(
                """
                UPDATE hub.deal_registrations SET status = \(next.rawValue)::hub.deal_registration_status, updated_at = now(),
                       decided_at = CASE WHEN \(next.rawValue) = 'under_review' THEN decided_at ELSE now() END,
                       decision_reason = CASE WHEN \(next.rawValue) = 'under_review' THEN decision_reason ELSE \(reason) END,
                       protection_until = CASE WHEN \(decision.protectionDays)::int IS NULL THEN protection_until
                                               ELSE now() + make_interval(days => \(decision.protectionDays)::int) END,
                       expires_at = CASE WHEN \(decision.expiresInDays)::int IS NOT NULL
                                              THEN now() + make_interval(days => \(decision.expiresInDays)::int)
                                         WHEN \(decision.clearsExpiry) THEN NULL ELSE expires_at END
                 WHERE id = \(id.uuid)
                """,
                logger: logger
            )
            try await after(try await vendorView(connection, id: id, withConflicts: false), connection)
            try await DealRegistrationLog.record(
                connection, caller, registration: id, vendor: found.vendor, partner: found.partner, from: found.status, to: next,
                reason: reason, logger: logger
            )
            try await AuditLog.record(
                connection, caller, action: "deal_registration.\(next.rawValue)", targetType: "deal_registration", targetID: id.description,
                details: ["from": found.status.rawValue], logger: logger
            )
            let registration = try await vendorView(connection, id: id, withConflicts: true)
            var data = ["from": found.status.rawValue]
            if let reason { data["reason"] = reason }
            if let until = registration.protectionUntil, next == .approved { data["protectionUntil"] = ISO8601DateFormatter().string(from: until) }
            try await Events.record(
                connection, caller, event, subject: EventSubject("deal_registration", id.uuid), data: data, alsoFor: [found.partner], logger: logger
            )
            return registration
        }
    }

    /// Finds the registration on the caller's side, expiring it first if its time ran out. The vendor does not see
    /// the partner's drafts; a third tenant sees nothing.
    func locate(_ connection: PostgresConnection, _ caller: Caller, id: DealRegistrationID) async throws -> Located {
        try await DealRegistrationLog.expireDue(connection, caller, only: id, logger: database.logger)
        let rows = try await connection.query(
            "SELECT tenant_id, partner_tenant_id, status::text FROM hub.deal_registrations WHERE id = \(id.uuid) FOR UPDATE",
            logger: database.logger
        )
        guard let (vendor, partner, status) = try await rows.decode((UUID, UUID, String).self).first(where: { _ in true }),
            let status = DealRegistrationStatus(rawValue: status)
        else { throw HubError.notFound("deal registration") }
        let side: Side = vendor == caller.tenantID.uuid ? .vendor : .partner
        if side == .vendor, status == .draft { throw HubError.notFound("deal registration") }
        return Located(side: side, status: status, vendor: TenantID(vendor), partner: TenantID(partner))
    }

    private static func require(_ found: Located, _ side: Side, _ message: String) throws(HubError) {
        guard found.side == side else { throw .forbidden(message) }
    }

    static func activePartnership(_ connection: PostgresConnection, _ caller: Caller, with other: TenantID, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT count(*) FROM hub.partnerships
             WHERE status = 'active'
               AND ((tenant_id = \(caller.tenantID.uuid) AND partner_tenant_id = \(other.uuid))
                    OR (tenant_id = \(other.uuid) AND partner_tenant_id = \(caller.tenantID.uuid)))
            """,
            logger: logger
        )
        return (try await rows.decode(Int.self).first { _ in true } ?? 0) > 0
    }

    private static func text(_ raw: String?, _ field: String, required: Bool) throws(HubError) -> String? {
        let text = raw?.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, text?.isEmpty ?? true { throw .invalid(field, "is required: say why") }
        if let text, text.count > 2000 { throw .invalid(field, "must be at most 2000 characters") }
        return text?.isEmpty == true ? nil : text
    }

}

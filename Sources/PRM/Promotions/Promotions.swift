import Foundation
import HubCore
import Logging
import PostgresNIO

/// Which side of promotions a list shows.
public enum PromotionRole: String, Sendable, Codable, CaseIterable {
    case owner, participant
}

/// What the owner may do to a promotion's lifecycle.
public enum PromotionAction: String, Sendable, CaseIterable {
    case schedule, activate, end, cancel
}

/// Joint promotions: created and run by their owner, read by the partners invited to them.
/// Time-driven changes (scheduled → active → ended) are applied when the owner reads or acts on
/// a promotion, and by `advanceDue`; everyone else sees the status as of today either way.
public struct Promotions: Sendable {
    let database: HubDatabase
    /// Today's date comes from here, so tests can move time.
    let clock: @Sendable () -> Date

    public init(database: HubDatabase, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    var today: Day { Day(utc: clock()) }

    /// Creates a draft promotion owned by the caller's tenant, with its first terms version if given.
    public func create(_ caller: Caller, _ draft: PromotionDraft) async throws -> Promotion {
        try caller.principal.require(.channelManager, to: "creating a promotion")
        let draft = try draft.validated()
        let id = PromotionID()
        let claimsClose = draft.claimsCloseOn?.text ?? Self.addingDays(60, to: draft.endsOn).text
        return try await database.withTenant(caller.principal) { connection in
            try await connection.query(
                """
                INSERT INTO hub.promotions (tenant_id, id, name, description, starts_on, ends_on, claims_close_on, currency,
                                            goal_leads, goal_revenue, goal_units)
                VALUES (\(caller.tenantID.uuid), \(id.uuid), \(draft.name), \(draft.description), \(draft.startsOn.text)::date,
                        \(draft.endsOn.text)::date, \(claimsClose)::date, \(draft.currency), \(draft.goals.leads),
                        \(draft.goals.revenue)::numeric, \(draft.goals.units)::numeric)
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "promotion.created", subject: EventSubject("promotion", id.uuid), data: ["name": draft.name],
                audit: AuditRecord(action: "promotion.create", targetType: "promotion", targetID: id.description, details: ["name": draft.name]),
                logger: database.logger
            )
            if let terms = draft.terms { _ = try await insertTerms(connection, caller, promotion: id, version: 1, terms, notify: []) }
            return try await fetch(connection, caller, id: id)
        }
    }

    /// The promotions the caller owns or is invited to, newest first.
    public func list(_ caller: Caller, role: PromotionRole?, status: PromotionStatus?, page: PageRequest) async throws -> Page<Promotion> {
        let afterID = try page.afterUUID()
        let today = today
        let promotions = try await database.withTenant(caller.principal) { connection in
            try await decode(
                connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM hub.promotions p
                     WHERE (\(role?.rawValue)::text IS NULL
                            OR (\(role?.rawValue) = 'owner') = (p.tenant_id = \(caller.tenantID.uuid)))
                       AND (\(status?.rawValue)::text IS NULL
                            OR hub.promotion_status_on(p.status, p.starts_on, p.ends_on, \(today.text)::date)::text = \(status?.rawValue))
                       AND (\(afterID)::uuid IS NULL
                            OR (p.created_at, p.id) < (SELECT created_at, id FROM hub.promotions WHERE id = \(afterID)))
                     ORDER BY p.created_at DESC, p.id DESC LIMIT \(page.limit + 1)
                    """,
                    logger: database.logger
                ),
                caller
            )
        }
        return Page(fetched: promotions, limit: page.limit) { [$0.id.description] }
    }

    /// One promotion the caller owns or is invited to; its owner's copy catches up with the calendar.
    public func get(_ caller: Caller, id: PromotionID) async throws -> Promotion {
        try await database.withTenant(caller.principal) { connection in
            let promotion = try await fetch(connection, caller, id: id)
            guard promotion.role == .owner else { return promotion }
            return try await catchUp(connection, caller, promotion)
        }
    }

    /// Edits a draft: name, description, dates, goals. Anything later is a new terms version or nothing.
    public func update(_ caller: Caller, id: PromotionID, _ change: (inout PromotionDraft) -> Void) async throws -> Promotion {
        try caller.principal.require(.channelManager, to: "editing a promotion")
        return try await database.withTenant(caller.principal) { connection in
            let current = try await fetchOwned(connection, caller, id: id)
            guard current.status == .draft else { throw HubError.conflict("only a draft promotion can be edited; this one is \(current.status.rawValue)") }
            var draft = PromotionDraft(
                name: current.name, description: current.description, startsOn: current.startsOn, endsOn: current.endsOn,
                claimsCloseOn: current.claimsCloseOn, currency: current.currency, goals: current.goals
            )
            // A deadline left as it was follows a moved end date: it was the default or must move anyway.
            let before = draft.claimsCloseOn
            change(&draft)
            if draft.claimsCloseOn == before, draft.endsOn != current.endsOn { draft.claimsCloseOn = nil }
            draft = try draft.validated()
            let claimsClose = draft.claimsCloseOn?.text ?? Self.addingDays(60, to: draft.endsOn).text
            try await connection.query(
                """
                UPDATE hub.promotions SET name = \(draft.name), description = \(draft.description), starts_on = \(draft.startsOn.text)::date,
                       ends_on = \(draft.endsOn.text)::date, claims_close_on = \(claimsClose)::date, goal_leads = \(draft.goals.leads),
                       goal_revenue = \(draft.goals.revenue)::numeric, goal_units = \(draft.goals.units)::numeric, updated_at = now()
                 WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "promotion.updated", subject: EventSubject("promotion", id.uuid),
                audit: AuditRecord(action: "promotion.update", targetType: "promotion", targetID: id.description),
                logger: database.logger
            )
            return try await fetch(connection, caller, id: id)
        }
    }

    /// Schedules, activates, ends or cancels the caller's promotion, if its status allows.
    public func perform(_ caller: Caller, _ action: PromotionAction, on id: PromotionID) async throws -> Promotion {
        try caller.principal.require(.channelManager, to: "changing a promotion")
        return try await database.withTenant(caller.principal) { connection in
            let current = try await catchUp(connection, caller, try await fetchOwned(connection, caller, id: id))
            let next: PromotionStatus
            switch (action, current.status) {
            case (.schedule, .draft): next = .scheduled
            case (.activate, .draft), (.activate, .scheduled): next = .active
            case (.end, .active): next = .ended
            case (.cancel, .draft), (.cancel, .scheduled): next = .cancelled
            default: throw HubError.conflict("cannot \(action.rawValue) a promotion that is \(current.status.rawValue)")
            }
            if next == .scheduled || next == .active {
                guard current.termsVersion >= 1 else { throw HubError.conflict("publish the promotion's terms before you \(action.rawValue) it") }
                guard today <= current.endsOn else { throw HubError.conflict("the promotion's last day, \(current.endsOn), has passed") }
            }
            try await setStatus(connection, caller, current, to: next, because: action.rawValue)
            if next == .cancelled {
                // Pending invitations die with the promotion; accepted participants keep their ledger.
                try await connection.query(
                    """
                    UPDATE hub.promotion_participants SET status = 'withdrawn', withdrawn_at = now()
                     WHERE promotion_id = \(id.uuid) AND status = 'invited'
                    """,
                    logger: database.logger
                )
            }
            return try await catchUp(connection, caller, try await fetch(connection, caller, id: id))
        }
    }

    /// Brings every promotion of the caller's tenant up to date with the calendar; returns how many changed.
    /// The server calls it periodically; reads and actions apply the same rule on their own.
    public func advanceDue(_ caller: Caller) async throws -> Int {
        let today = today
        return try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM hub.promotions p
                 WHERE p.tenant_id = \(caller.tenantID.uuid)
                   AND hub.promotion_status_on(p.status, p.starts_on, p.ends_on, \(today.text)::date) <> p.status
                 ORDER BY p.id FOR UPDATE
                """,
                logger: database.logger
            )
            let due = try await decode(rows, caller)
            for promotion in due { _ = try await catchUp(connection, caller, promotion) }
            return due.count
        }
    }

    /// Brings every tenant's promotions up to date with the calendar; returns how many changed.
    /// For the server to call periodically (e.g. hourly): each tenant is caught up in its own scope,
    /// with the change recorded as made by no particular user.
    public func advanceAllDue() async throws -> Int {
        let today = today
        let tenants = try await database.withoutTenant { connection in
            try await connection.query("SELECT hub.tenants_with_due_promotions(\(today.text)::date)", logger: database.logger)
                .decode(UUID.self).collect()
        }
        var changed = 0
        for tenant in tenants {
            let system = Caller(principal: Principal(tenantID: TenantID(tenant), userID: nil, role: .owner), requestID: "promotion-calendar")
            changed += try await advanceDue(system)
        }
        return changed
    }

    /// Publishes terms version n+1. Earlier versions stay as they were: a price change on an active
    /// promotion never rewrites the terms partners already priced against.
    public func publishTerms(_ caller: Caller, id: PromotionID, _ terms: TermsDraft) async throws -> PromotionTerms {
        try caller.principal.require(.channelManager, to: "publishing promotion terms")
        return try await database.withTenant(caller.principal) { connection in
            let current = try await catchUp(connection, caller, try await fetchOwned(connection, caller, id: id))
            guard [.draft, .scheduled, .active].contains(current.status) else {
                throw HubError.conflict("the terms of a promotion that is \(current.status.rawValue) cannot change")
            }
            let terms = try terms.validated(currency: current.currency, field: "")
            let notify = try await acceptedParticipants(connection, id: id)
            return try await insertTerms(connection, caller, promotion: id, version: current.termsVersion + 1, terms, notify: notify)
        }
    }

    /// Every terms version of the promotion, oldest first.
    public func terms(_ caller: Caller, id: PromotionID) async throws -> [PromotionTerms] {
        try await database.withTenant(caller.principal) { connection in
            let promotion = try await fetch(connection, caller, id: id)
            return try await Self.terms(connection, promotion: promotion, version: nil, logger: database.logger)
        }
    }

    /// What happened to the promotion, as the caller's tenant recorded it, oldest first.
    public func timeline(_ caller: Caller, id: PromotionID, page: PageRequest) async throws -> Page<HubEvent> {
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, caller, id: id)
            return try await Events.timeline(connection, subject: EventSubject("promotion", id.uuid), page: page, logger: database.logger)
        }
    }

    // MARK: - Shared with participants, budgets, codes, claims

    /// The promotion if the caller owns it or is invited to it (or has joined it); 404 otherwise.
    func fetch(_ connection: PostgresConnection, _ caller: Caller, id: PromotionID) async throws -> Promotion {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM hub.promotions p WHERE p.id = \(id.uuid)", logger: database.logger
        )
        guard let promotion = try await decode(rows, caller).first else { throw HubError.notFound("promotion") }
        return promotion
    }

    /// The caller's own promotion, locked for a change; a promotion it only takes part in is a 404 here.
    func fetchOwned(_ connection: PostgresConnection, _ caller: Caller, id: PromotionID) async throws -> Promotion {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM hub.promotions p
             WHERE p.id = \(id.uuid) AND p.tenant_id = \(caller.tenantID.uuid) FOR UPDATE
            """,
            logger: database.logger
        )
        guard let promotion = try await decode(rows, caller).first else { throw HubError.notFound("promotion") }
        return promotion
    }

    /// Stores the status the calendar says the owner's promotion has, with its events.
    func catchUp(_ connection: PostgresConnection, _ caller: Caller, _ promotion: Promotion) async throws -> Promotion {
        guard promotion.role == .owner, promotion.status != promotion.storedStatus else { return promotion }
        // Re-read under a row lock, so two readers catching up at once record each change once.
        var current = try await fetchOwned(connection, caller, id: promotion.id)
        guard current.status != current.storedStatus else { return current }
        if current.storedStatus == .scheduled {
            try await setStatus(connection, caller, current, to: .active, because: "starts_on")
            current.storedStatus = .active
        }
        if current.status == .ended {
            try await setStatus(connection, caller, current, to: .ended, because: "ends_on")
        }
        return try await fetch(connection, caller, id: promotion.id)
    }

    func acceptedParticipants(_ connection: PostgresConnection, id: PromotionID) async throws -> [TenantID] {
        try await connection.query(
            """
            SELECT participant_tenant_id FROM hub.promotion_participants
             WHERE promotion_id = \(id.uuid) AND status = 'accepted' ORDER BY participant_tenant_id
            """,
            logger: database.logger
        ).decode(UUID.self).collect().map { TenantID($0) }
    }

    static func terms(_ connection: PostgresConnection, promotion: Promotion, version: Int?, logger: Logger) async throws -> [PromotionTerms] {
        let rows = try await connection.query(
            """
            SELECT version, eligible_products, price_rules::text, note, published_at FROM hub.promotion_terms
             WHERE tenant_id = \(promotion.ownerTenantID.uuid) AND promotion_id = \(promotion.id.uuid)
               AND (\(version)::integer IS NULL OR version = \(version))
             ORDER BY version
            """,
            logger: logger
        )
        var versions: [PromotionTerms] = []
        for try await (version, products, rules, note, published) in rows.decode((Int, [String], String, String?, Date).self) {
            versions.append(
                PromotionTerms(
                    version: version, eligibleProducts: products,
                    priceRules: try JSONDecoder().decode([PriceRule].self, from: Data(rules.utf8)), note: note, publishedAt: published
                )
            )
        }
        return versions
    }

    private func insertTerms(
        _ connection: PostgresConnection, _ caller: Caller, promotion id: PromotionID, version: Int, _ terms: TermsDraft, notify: [TenantID]
    ) async throws -> PromotionTerms {
        let rules = String(decoding: try JSONEncoder().encode(terms.priceRules), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO hub.promotion_terms (tenant_id, promotion_id, version, eligible_products, price_rules, note, published_by)
            VALUES (\(caller.tenantID.uuid), \(id.uuid), \(version), \(terms.eligibleProducts), \(rules)::jsonb, \(terms.note),
                    \(caller.principal.userID?.uuid))
            """,
            logger: database.logger
        )
        try await connection.query(
            "UPDATE hub.promotions SET terms_version = \(version), updated_at = now() WHERE id = \(id.uuid)", logger: database.logger
        )
        try await Events.record(
            connection, caller, "promotion.terms_published", subject: EventSubject("promotion", id.uuid), data: ["version": String(version)],
            alsoFor: notify,
            audit: AuditRecord(
                action: "promotion.terms_published", targetType: "promotion", targetID: id.description, details: ["version": String(version)]
            ),
            logger: database.logger
        )
        let promotion = try await fetch(connection, caller, id: id)
        return try await Self.terms(connection, promotion: promotion, version: version, logger: database.logger)[0]
    }

    private func setStatus(
        _ connection: PostgresConnection, _ caller: Caller, _ promotion: Promotion, to next: PromotionStatus, because trigger: String
    ) async throws {
        try await connection.query(
            """
            UPDATE hub.promotions SET status = \(next.rawValue)::hub.promotion_status, updated_at = now(),
                   activated_at = CASE WHEN \(next.rawValue) = 'active' THEN now() ELSE activated_at END,
                   ended_at = CASE WHEN \(next.rawValue) = 'ended' THEN now() ELSE ended_at END,
                   cancelled_at = CASE WHEN \(next.rawValue) = 'cancelled' THEN now() ELSE cancelled_at END
             WHERE id = \(promotion.id.uuid)
            """,
            logger: database.logger
        )
        let details = ["from": promotion.storedStatus.rawValue, "to": next.rawValue, "trigger": trigger]
        let happened = next == .active ? "activated" : next.rawValue
        try await Events.record(
            connection, caller, "promotion.\(happened)", subject: EventSubject("promotion", promotion.id.uuid), data: details,
            alsoFor: try await acceptedParticipants(connection, id: promotion.id),
            audit: AuditRecord(action: "promotion.\(happened)", targetType: "promotion", targetID: promotion.id.description, details: details),
            logger: database.logger
        )
    }

    static func addingDays(_ days: Int, to day: Day) -> Day {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let date = formatter.date(from: day.text)!.addingTimeInterval(Double(days) * 86_400)
        return Day(utc: date)
    }

    static let columns = """
        p.id, p.tenant_id, p.name, p.description, p.status::text, p.starts_on::text, p.ends_on::text, p.claims_close_on::text,
        p.currency, p.goal_leads, p.goal_revenue::text, p.goal_units::text, p.terms_version, p.created_at, p.updated_at,
        p.activated_at, p.ended_at, p.cancelled_at
        """

    func decode(_ rows: PostgresRowSequence, _ caller: Caller) async throws -> [Promotion] {
        let today = today
        var promotions: [Promotion] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let currency = try columns[8].decode(String.self)
            let stored = PromotionStatus(rawValue: try columns[4].decode(String.self)) ?? .draft
            let startsOn = Day(try columns[5].decode(String.self))!
            let endsOn = Day(try columns[6].decode(String.self))!
            let owner = TenantID(try columns[1].decode(UUID.self))
            var promotion = Promotion(
                id: PromotionID(try columns[0].decode(UUID.self)), ownerTenantID: owner,
                role: owner == caller.tenantID ? .owner : .participant, name: try columns[2].decode(String.self),
                description: try columns[3].decode(String?.self), status: stored.on(today, startsOn: startsOn, endsOn: endsOn),
                startsOn: startsOn, endsOn: endsOn, claimsCloseOn: Day(try columns[7].decode(String.self))!, currency: currency,
                goals: PromotionGoals(
                    leads: try columns[9].decode(Int?.self),
                    revenue: try columns[10].decode(String?.self).map { Money.stored($0, currency).amount },
                    units: try columns[11].decode(String?.self).map(DecimalText.trimmed)
                ),
                termsVersion: try columns[12].decode(Int.self), createdAt: try columns[13].decode(Date.self),
                updatedAt: try columns[14].decode(Date.self), activatedAt: try columns[15].decode(Date?.self),
                endedAt: try columns[16].decode(Date?.self), cancelledAt: try columns[17].decode(Date?.self)
            )
            promotion.storedStatus = stored
            promotions.append(promotion)
        }
        return promotions
    }
}

extension PromotionStatus {
    /// The status as of `day`: the same rule as `hub.promotion_status_on` in the database.
    func on(_ day: Day, startsOn: Day, endsOn: Day) -> PromotionStatus {
        switch self {
        case .scheduled where day > endsOn, .active where day > endsOn: .ended
        case .scheduled where day >= startsOn: .active
        default: self
        }
    }
}

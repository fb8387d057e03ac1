import Foundation
import HubCore
import Logging
import PostgresNIO

/// Partner satisfaction (NPS) surveys: a channel manager sends a 0–10 question to partner
/// companies, their users answer once each before it closes, and the sender reads the score.
public struct Surveys: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Creates a survey and sends it to `recipients` (partners with an active partnership), if any.
    public func create(_ caller: Caller, question rawQuestion: String, closesAt: Date, recipients: [TenantID]) async throws -> Survey {
        try caller.principal.require(.channelManager, to: "running surveys")
        let question = rawQuestion.trimmingCharacters(in: .whitespacesAndNewlines)
        var issues: [FieldIssue] = []
        if !(1...500).contains(question.count) { issues.append(FieldIssue("/question", "must be 1 to 500 characters")) }
        if closesAt <= Date() { issues.append(FieldIssue("/closesAt", "must be in the future")) }
        if closesAt > Date().addingTimeInterval(366 * 86400) { issues.append(FieldIssue("/closesAt", "must be within a year")) }
        guard issues.isEmpty else { throw HubError.invalid(issues) }
        let id = SurveyID()
        return try await database.withTenant(caller.principal) { connection in
            try await connection.query(
                """
                INSERT INTO hub.surveys (tenant_id, id, question, closes_at, created_by)
                VALUES (\(caller.tenantID.uuid), \(id.uuid), \(question), \(closesAt), \(caller.principal.userID?.uuid))
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "survey.created", subject: EventSubject("survey", id.uuid),
                audit: AuditRecord(action: "survey.create", targetType: "survey", targetID: id.description, details: ["question": question]),
                logger: database.logger
            )
            try await sendInTransaction(connection, caller, id: id, recipients: recipients)
            return try await fetch(connection, caller, id: id)
        }
    }

    /// Sends an open survey to more partner companies; ones it already went to are skipped.
    public func send(_ caller: Caller, id: SurveyID, recipients: [TenantID]?) async throws -> Survey {
        try caller.principal.require(.channelManager, to: "running surveys")
        return try await database.withTenant(caller.principal) { connection in
            let survey = try await fetch(connection, caller, id: id)
            guard survey.owner.id == caller.tenantID else { throw HubError.forbidden("only the company that runs a survey sends it") }
            guard let recipients, !recipients.isEmpty else {
                throw HubError.invalid("/partnerTenantIDs", "name at least one partner company")
            }
            guard survey.open else { throw HubError.conflict("the survey closed at \(survey.closesAt)") }
            try await sendInTransaction(connection, caller, id: id, recipients: recipients)
            return try await fetch(connection, caller, id: id)
        }
    }

    /// The surveys the caller's company runs, newest first.
    public func list(_ caller: Caller, page: PageRequest) async throws -> Page<Survey> {
        let afterID = try page.afterUUID()
        let surveys = try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                """
                SELECT s.id FROM hub.surveys s
                 WHERE s.tenant_id = \(caller.tenantID.uuid)
                   AND (\(afterID)::uuid IS NULL
                        OR (s.created_at, s.id) < (SELECT created_at, id FROM hub.surveys WHERE id = \(afterID)))
                 ORDER BY s.created_at DESC, s.id DESC LIMIT \(page.limit + 1)
                """,
                logger: database.logger
            )
            var surveys: [Survey] = []
            for id in try await rows.decode(UUID.self).collect() { surveys.append(try await fetch(connection, caller, id: SurveyID(id))) }
            return surveys
        }
        return Page(fetched: surveys, limit: page.limit) { [$0.id.description] }
    }

    /// A survey the caller's company runs or was sent.
    public func get(_ caller: Caller, id: SurveyID) async throws -> Survey {
        try await database.withTenant(caller.principal) { connection in try await fetch(connection, caller, id: id) }
    }

    /// Open surveys sent to the caller's company that the calling user has not answered yet.
    public func invitations(_ caller: Caller) async throws -> [SurveyInvitation] {
        guard let userID = caller.principal.userID else { return [] }
        return try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                """
                SELECT r.survey_id, r.sent_at FROM hub.survey_recipients r
                  JOIN hub.surveys s ON s.tenant_id = r.tenant_id AND s.id = r.survey_id
                 WHERE r.recipient_tenant_id = \(caller.tenantID.uuid) AND s.closes_at > now()
                   AND NOT EXISTS (SELECT 1 FROM hub.survey_responses a
                                    WHERE a.tenant_id = r.tenant_id AND a.survey_id = r.survey_id
                                      AND a.respondent_tenant_id = r.recipient_tenant_id AND a.respondent_user_id = \(userID.uuid))
                 ORDER BY s.closes_at, s.id LIMIT 200
                """,
                logger: database.logger
            )
            var invitations: [SurveyInvitation] = []
            for (id, sentAt) in try await rows.decode((UUID, Date).self).collect() {
                invitations.append(SurveyInvitation(survey: try await fetch(connection, caller, id: SurveyID(id)), sentAt: sentAt))
            }
            return invitations
        }
    }

    /// Records the calling user's answer: once per user, before the survey closes, from a company it was sent to.
    public func answer(_ caller: Caller, id: SurveyID, score: Int?, comment rawComment: String?) async throws -> SurveyResponse {
        guard let userID = caller.principal.userID else { throw HubError.forbidden("surveys are answered by people, not the command line") }
        return try await database.withTenant(caller.principal) { connection in
            let survey = try await fetch(connection, caller, id: id)
            guard survey.owner.id != caller.tenantID else {
                throw HubError.forbidden("a survey is answered by the companies it was sent to, not the one that runs it")
            }
            var issues: [FieldIssue] = []
            if let score { if !(0...10).contains(score) { issues.append(FieldIssue("/score", "must be a whole number from 0 to 10")) } }
            else { issues.append(FieldIssue("/score", "is required")) }
            let comment = rawComment?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let comment, comment.count > 2000 { issues.append(FieldIssue("/comment", "must be at most 2000 characters")) }
            guard issues.isEmpty, let score else { throw HubError.invalid(issues) }
            guard survey.open else { throw HubError.conflict("the survey closed at \(survey.closesAt)") }
            let already = try await connection.query(
                "SELECT count(*) FROM hub.survey_responses WHERE survey_id = \(id.uuid) AND respondent_user_id = \(userID.uuid)",
                logger: database.logger
            ).decode(Int.self).first { _ in true }
            guard already == 0 else { throw HubError.conflict("you have already answered this survey") }
            let rows = try await connection.query(
                """
                INSERT INTO hub.survey_responses (tenant_id, survey_id, respondent_tenant_id, respondent_user_id, score, comment)
                VALUES (\(survey.owner.id.uuid), \(id.uuid), \(caller.tenantID.uuid), \(userID.uuid), \(Int16(score)),
                        \(comment?.isEmpty == false ? comment : nil))
                RETURNING answered_at
                """,
                logger: database.logger
            )
            let answeredAt = try await rows.decode(Date.self).first { _ in true } ?? Date()
            try await Events.record(
                connection, caller, "survey.answered", subject: EventSubject("survey", id.uuid), data: ["score": String(score)],
                alsoFor: [survey.owner.id],
                audit: AuditRecord(action: "survey.answer", targetType: "survey", targetID: id.description, details: ["score": String(score)]),
                logger: database.logger
            )
            return SurveyResponse(
                surveyID: id, respondentTenantID: caller.tenantID, respondentUserID: userID, score: score,
                comment: comment?.isEmpty == false ? comment : nil, answeredAt: answeredAt
            )
        }
    }

    /// The answers the caller may see: all of them for the owner, its own company's for a recipient.
    public func responses(_ caller: Caller, id: SurveyID) async throws -> [SurveyResponse] {
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, caller, id: id)
            let rows = try await connection.query(
                """
                SELECT respondent_tenant_id, respondent_user_id, score, comment, answered_at FROM hub.survey_responses
                 WHERE survey_id = \(id.uuid) ORDER BY answered_at, respondent_tenant_id, respondent_user_id
                """,
                logger: database.logger
            )
            return try await rows.decode((UUID, UUID, Int16, String?, Date).self).collect().map { tenant, user, score, comment, at in
                SurveyResponse(
                    surveyID: id, respondentTenantID: TenantID(tenant), respondentUserID: UserID(user), score: Int(score), comment: comment,
                    answeredAt: at
                )
            }
        }
    }

    /// The survey's NPS, overall and per partner company; for the company that runs it.
    public func results(_ caller: Caller, id: SurveyID) async throws -> NPSReport {
        try caller.principal.require(.channelManager, to: "reading survey results")
        return try await database.withTenant(caller.principal) { connection in
            let survey = try await fetch(connection, caller, id: id)
            guard survey.owner.id == caller.tenantID else { throw HubError.forbidden("survey results are for the company that runs the survey") }
            return try await report(connection, survey: id, partner: nil, from: nil, to: nil)
        }
    }

    /// NPS over every survey of the caller's company answered in `[from, to)`, overall and per partner.
    public func report(_ caller: Caller, from: Date, to: Date) async throws -> NPSReport {
        try caller.principal.require(.channelManager, to: "reading survey results")
        guard from < to else { throw HubError.invalid("to", "must be later than from") }
        return try await database.withTenant(caller.principal) { connection in
            try await report(connection, survey: nil, partner: nil, from: from, to: to)
        }
    }

    /// One partner company's NPS over the caller's surveys answered in `[from, to)`, for its scorecard.
    public func partnerNPS(_ caller: Caller, partner: TenantID, from: Date, to: Date) async throws -> NetPromoterScore {
        try caller.principal.require(.channelManager, to: "reading survey results")
        guard from < to else { throw HubError.invalid("to", "must be later than from") }
        return try await database.withTenant(caller.principal) { connection in
            try await report(connection, survey: nil, partner: partner, from: from, to: to).overall
        }
    }

    /// What happened to the survey, oldest first, as the caller's company recorded it.
    public func timeline(_ caller: Caller, id: SurveyID, page: PageRequest) async throws -> Page<HubEvent> {
        try await database.withTenant(caller.principal) { connection in
            _ = try await fetch(connection, caller, id: id)
            return try await Events.timeline(connection, subject: EventSubject("survey", id.uuid), page: page, logger: database.logger)
        }
    }

    // MARK: - Helpers

    private func sendInTransaction(_ connection: PostgresConnection, _ caller: Caller, id: SurveyID, recipients: [TenantID]) async throws {
        guard !recipients.isEmpty else { return }
        guard recipients.count <= 500 else { throw HubError.invalid("/partnerTenantIDs", "at most 500 companies at once") }
        let partners = try await Self.activePartners(connection, caller, logger: database.logger)
        for (index, recipient) in recipients.enumerated() where !partners.contains(recipient.uuid) {
            throw HubError.invalid("/partnerTenantIDs/\(index)", "is not a company your company has an active partnership with")
        }
        var seen = Set<UUID>()
        for recipient in recipients where seen.insert(recipient.uuid).inserted {
            let added = try await connection.query(
                """
                INSERT INTO hub.survey_recipients (tenant_id, survey_id, recipient_tenant_id, sent_by)
                VALUES (\(caller.tenantID.uuid), \(id.uuid), \(recipient.uuid), \(caller.principal.userID?.uuid))
                ON CONFLICT DO NOTHING RETURNING recipient_tenant_id
                """,
                logger: database.logger
            ).decode(UUID.self).collect()
            guard !added.isEmpty else { continue }
            try await AuditLog.record(
                connection, caller, action: "survey.send", targetType: "survey", targetID: id.description,
                details: ["recipientTenantID": recipient.description], logger: database.logger
            )
            // One event per recipient, so each partner's copy names only itself.
            try await Events.record(
                connection, caller, "survey.sent", subject: EventSubject("survey", id.uuid),
                data: ["recipientTenantID": recipient.description], alsoFor: [recipient], logger: database.logger
            )
        }
    }

    /// Tenants the caller's company has an active partnership with, either side.
    static func activePartners(_ connection: PostgresConnection, _ caller: Caller, logger: Logger) async throws -> Set<UUID> {
        let rows = try await connection.query(
            """
            SELECT CASE WHEN tenant_id = \(caller.tenantID.uuid) THEN partner_tenant_id ELSE tenant_id END
              FROM hub.partnerships WHERE status = 'active'
            """,
            logger: logger
        )
        return Set(try await rows.decode(UUID.self).collect())
    }

    private func report(_ connection: PostgresConnection, survey: SurveyID?, partner: TenantID?, from: Date?, to: Date?) async throws -> NPSReport {
        let rows = try await connection.query(
            """
            SELECT a.respondent_tenant_id, coalesce(t.name, ''),
                   count(*) FILTER (WHERE a.score >= 9)::int,
                   count(*) FILTER (WHERE a.score BETWEEN 7 AND 8)::int,
                   count(*) FILTER (WHERE a.score <= 6)::int
              FROM hub.survey_responses a
              LEFT JOIN hub.tenants t ON t.id = a.respondent_tenant_id
             WHERE a.tenant_id = hub.current_tenant()
               AND (\(survey?.uuid)::uuid IS NULL OR a.survey_id = \(survey?.uuid))
               AND (\(partner?.uuid)::uuid IS NULL OR a.respondent_tenant_id = \(partner?.uuid))
               AND (\(from)::timestamptz IS NULL OR a.answered_at >= \(from))
               AND (\(to)::timestamptz IS NULL OR a.answered_at < \(to))
             GROUP BY a.respondent_tenant_id, t.name
             ORDER BY t.name, a.respondent_tenant_id
            """,
            logger: database.logger
        )
        var partners: [PartnerNPS] = []
        var promoters = 0, passives = 0, detractors = 0
        for (tenant, name, p, m, d) in try await rows.decode((UUID, String, Int, Int, Int).self).collect() {
            partners.append(PartnerNPS(partner: PartnerCompany(id: TenantID(tenant), name: name), nps: NetPromoterScore(promoters: p, passives: m, detractors: d)))
            promoters += p
            passives += m
            detractors += d
        }
        return NPSReport(overall: NetPromoterScore(promoters: promoters, passives: passives, detractors: detractors), partners: partners)
    }

    private func fetch(_ connection: PostgresConnection, _ caller: Caller, id: SurveyID) async throws -> Survey {
        let rows = try await connection.query(
            """
            SELECT s.tenant_id, coalesce(t.name, ''), s.kind, s.question, s.closes_at, s.created_at, s.closes_at > now()
              FROM hub.surveys s LEFT JOIN hub.tenants t ON t.id = s.tenant_id
             WHERE s.id = \(id.uuid)
            """,
            logger: database.logger
        )
        guard let (owner, ownerName, kind, question, closesAt, createdAt, open) = try await rows.decode(
            (UUID, String, String, String, Date, Date, Bool).self
        ).first(where: { _ in true }) else { throw HubError.notFound("survey") }
        var recipients: [PartnerCompany]?
        if owner == caller.tenantID.uuid {
            let recipientRows = try await connection.query(
                """
                SELECT r.recipient_tenant_id, coalesce(t.name, '') FROM hub.survey_recipients r
                  LEFT JOIN hub.tenants t ON t.id = r.recipient_tenant_id
                 WHERE r.survey_id = \(id.uuid) ORDER BY t.name, r.recipient_tenant_id
                """,
                logger: database.logger
            )
            recipients = try await recipientRows.decode((UUID, String).self).collect().map { PartnerCompany(id: TenantID($0), name: $1) }
        }
        return Survey(
            id: id, owner: PartnerCompany(id: TenantID(owner), name: ownerName), kind: kind, question: question, scaleMinimum: 0,
            scaleMaximum: 10, closesAt: closesAt, createdAt: createdAt, open: open, recipients: recipients
        )
    }
}

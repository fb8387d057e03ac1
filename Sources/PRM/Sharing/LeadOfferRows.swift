import Foundation
import HubCore
import Logging
import PostgresNIO

/// Reading offers: one query shape for both sides, shown to each as it may see them.
enum LeadOfferRows {
    static let columns = """
        id, tenant_id, to_tenant_id, status::text, exclusive, shared_fields, payload::text, message, sla_hours, offered_at, due_at,
        responded_at, closed_at, decline_reason, decline_note, withdraw_reason, lead_id, rule_id, run_id, rerouted_from_offer_id,
        feedback_status::text, feedback_at, feedback_frozen_at, copy_lead_id
        """

    /// One offer the caller made or received; 404 otherwise.
    static func fetch(
        _ connection: PostgresConnection, _ caller: Caller, id: LeadOfferID, lock: Bool = false, logger: Logger
    ) async throws -> LeadOffer {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM hub.lead_offers WHERE id = \(id.uuid) \(unescaped: lock ? "FOR UPDATE" : "")",
            logger: logger
        )
        guard let offer = try await decode(rows, for: caller).first else { throw HubError.notFound("lead offer") }
        return offer
    }

    static func decode(_ rows: PostgresRowSequence, for caller: Caller) async throws -> [LeadOffer] {
        var offers: [LeadOffer] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let from = TenantID(try columns[1].decode(UUID.self))
            let isOrigin = from == caller.tenantID
            let status = LeadOfferStatus(rawValue: try columns[3].decode(String.self)) ?? .withdrawn
            let payload = try JSONDecoder().decode(SharedLeadFields.self, from: Data(try columns[6].decode(String.self).utf8))
            let feedbackStatus = try columns[20].decode(String?.self).flatMap(LeadStatus.init)
            let feedbackAt = try columns[21].decode(Date?.self)
            var offer = LeadOffer(
                id: LeadOfferID(try columns[0].decode(UUID.self)),
                direction: isOrigin ? .outgoing : .incoming,
                fromTenantID: from,
                toTenantID: TenantID(try columns[2].decode(UUID.self)),
                status: status,
                exclusive: try columns[4].decode(Bool.self),
                sharedFields: try columns[5].decode([String].self).compactMap(SharedLeadField.init),
                lead: payload,
                message: try columns[7].decode(String?.self),
                slaHours: try columns[8].decode(Int.self),
                offeredAt: try columns[9].decode(Date.self),
                dueAt: try columns[10].decode(Date.self),
                respondedAt: try columns[11].decode(Date?.self),
                closedAt: try columns[12].decode(Date?.self),
                declineReason: try columns[13].decode(String?.self).flatMap(DeclineReason.init),
                declineNote: try columns[14].decode(String?.self),
                withdrawReason: try columns[15].decode(String?.self).flatMap(WithdrawReason.init)
            )
            if isOrigin {
                offer.leadID = LeadID(try columns[16].decode(UUID.self))
                offer.ruleID = try columns[17].decode(UUID?.self)
                offer.runID = try columns[18].decode(UUID?.self)
                offer.reroutedFromOfferID = try columns[19].decode(UUID?.self).map { LeadOfferID($0) }
                if let feedbackStatus, let feedbackAt {
                    offer.feedback = LeadOfferFeedback(status: feedbackStatus, at: feedbackAt, frozenAt: try columns[22].decode(Date?.self))
                }
            } else {
                offer.copyLeadID = try columns[23].decode(UUID?.self).map { LeadID($0) }
                // A partner keeps the shared fields only while it may still act on them or holds the lead.
                if status != .offered && status != .accepted { offer.lead = nil }
            }
            offers.append(offer)
        }
        return offers
    }
}

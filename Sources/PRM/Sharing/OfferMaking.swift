import Foundation
import HubCore
import Logging
import PostgresNIO

/// A validated offer to make: what manual offers and distribution runs have in common.
struct OfferTerms: Sendable {
    var partner: TenantID
    var partnershipID: UUID
    var sharedFields: Set<SharedLeadField>
    var message: String?
    var slaHours: Int
    var exclusive: Bool
    var ruleID: UUID?
    var runID: UUID?
    var reroutedFrom: LeadOfferID?
}

/// Writes a new offer with its audit entry and events, inside the caller's transaction.
enum OfferMaking {
    /// The statuses of a lead still being worked: only those may be offered.
    static let offerable: Set<LeadStatus> = [.new, .contacted, .qualified]

    /// Why `lead` cannot be offered to `partner` right now, or `nil` when it can.
    static func refusal(
        _ connection: PostgresConnection, lead: Lead, partner: TenantID, exclusive: Bool, logger: Logger
    ) async throws -> String? {
        if !offerable.contains(lead.status) { return "a \(lead.status.rawValue) lead cannot be offered" }
        if lead.origin != nil { return "a lead received from a partner cannot be offered on" }
        let rows = try await connection.query(
            """
            SELECT count(*) FILTER (WHERE status = 'offered' AND to_tenant_id = \(partner.uuid))::int,
                   count(*) FILTER (WHERE status = 'accepted' AND exclusive)::int,
                   count(*) FILTER (WHERE status = 'accepted')::int
              FROM hub.lead_offers WHERE lead_id = \(lead.id.uuid)
            """,
            logger: logger
        )
        for try await (live, heldExclusively, accepted) in rows.decode((Int, Int, Int).self) {
            if live > 0 { return "this lead already has an open offer to this partner" }
            if heldExclusively > 0 { return "a partner holds this lead exclusively" }
            if exclusive && accepted > 0 { return "an exclusive offer needs a lead no partner has accepted yet" }
        }
        return nil
    }

    static func insert(
        _ connection: PostgresConnection, _ caller: Caller, lead: Lead, terms: OfferTerms, logger: Logger
    ) async throws -> LeadOfferID {
        let id = LeadOfferID()
        let payload = SharedLeadFields(lead, sharing: terms.sharedFields)
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        let fields = SharedLeadField.allCases.filter(terms.sharedFields.contains).map(\.rawValue)
        try await connection.query(
            """
            INSERT INTO hub.lead_offers (tenant_id, id, lead_id, to_tenant_id, partnership_id, rule_id, run_id, rerouted_from_offer_id,
                                         exclusive, shared_fields, payload, message, sla_hours, offered_by_user_id, offered_at, due_at)
            VALUES (\(caller.tenantID.uuid), \(id.uuid), \(lead.id.uuid), \(terms.partner.uuid), \(terms.partnershipID), \(terms.ruleID),
                    \(terms.runID), \(terms.reroutedFrom?.uuid), \(terms.exclusive), \(fields), \(json)::jsonb, \(terms.message),
                    \(terms.slaHours), \(caller.principal.userID?.uuid), now(), now() + \(terms.slaHours)::int * interval '1 hour')
            """,
            logger: logger
        )
        try await Events.record(
            connection, caller, "lead.offered", subject: EventSubject("lead_offer", id.uuid),
            data: ["toTenantID": terms.partner.description, "slaHours": String(terms.slaHours)], alsoFor: [terms.partner],
            audit: AuditRecord(
                action: "lead.offer", targetType: "lead_offer", targetID: id.description,
                details: ["lead": lead.id.description, "to": terms.partner.description]
            ),
            logger: logger
        )
        try await Events.record(
            connection, caller, "lead.offered", subject: EventSubject("lead", lead.id.uuid),
            data: ["offerID": id.description, "toTenantID": terms.partner.description], logger: logger
        )
        return id
    }
}

import Foundation
import HubCore
import PostgresNIO

extension Leads {
    /// Edits a lead's fields (a PATCH): validated like a new lead, every problem reported at once.
    public func update(_ caller: Caller, id: LeadID, changes: LeadChanges) async throws -> Lead {
        try await database.withTenant(caller.principal) { connection in
            let current = try await fetch(connection, id: id, lock: true)
            guard current.status != .merged else { throw HubError.conflict("a merged lead cannot be edited: edit the lead it was merged into") }
            let draft = try changes.applied(to: current).validated()
            let changed = draft.changedFields(from: current)
            guard !changed.isEmpty else { return current }
            if changed.contains("ownerUserID"), let owner = draft.ownerUserID { try await checkOwner(connection, owner) }
            try await write(connection, id: id, draft)
            let fields = changed.joined(separator: ",")
            try await Events.record(
                connection, caller, "lead.updated", subject: EventSubject("lead", id.uuid), data: ["fields": fields],
                audit: AuditRecord(action: "lead.update", targetType: "lead", targetID: id.description, details: ["fields": fields]),
                logger: database.logger
            )
            return try await fetch(connection, id: id, lock: false)
        }
    }

    /// Merges `duplicates` into `survivor`: the survivor keeps its values and takes each empty field from the
    /// duplicates in the order given, their notes are appended, and the duplicates become `merged`, pointing at the
    /// survivor, with their own history kept.
    public func merge(_ caller: Caller, into survivorID: LeadID, duplicates: [LeadID]) async throws -> Lead {
        try await database.withTenant(caller.principal) { connection in
            // An unknown survivor is a 404 before anything about the request body.
            _ = try await fetch(connection, id: survivorID, lock: false)
            guard !duplicates.isEmpty, duplicates.count <= 20 else { throw HubError.invalid("/duplicateIDs", "name 1 to 20 leads to merge") }
            guard Set(duplicates).count == duplicates.count else { throw HubError.invalid("/duplicateIDs", "names a lead twice") }
            guard !duplicates.contains(survivorID) else { throw HubError.invalid("/duplicateIDs", "cannot merge a lead into itself") }
            // Lock in id order so two merges over the same leads cannot deadlock.
            var locked: [LeadID: Lead] = [:]
            for id in ([survivorID] + duplicates).sorted(by: { $0.uuid.uuidString < $1.uuid.uuidString }) {
                locked[id] = try await fetch(connection, id: id, lock: true)
            }
            let survivor = locked[survivorID]!
            let others = duplicates.map { locked[$0]! }
            if survivor.status == .merged { throw HubError.conflict("the surviving lead was itself merged into another lead") }
            for other in others where [.merged, .converted].contains(other.status) {
                throw HubError.conflict("lead \(other.id) is \(other.status.rawValue) and cannot be merged away")
            }
            var draft = survivor.draft
            for other in others { draft = draft.filled(from: other) }
            let notes = ([survivor.notes] + others.map { other in other.notes.map { "Merged from lead \(other.id):\n\($0)" } })
                .compactMap { $0 }
            draft.notes = notes.isEmpty ? nil : notes.joined(separator: "\n\n")
            if (draft.notes?.count ?? 0) > 10_000 {
                throw HubError.conflict("the merged notes would exceed 10000 characters: shorten the leads' notes first")
            }
            try await write(connection, id: survivorID, try draft.validated())
            let duplicateUUIDs = duplicates.map(\.uuid)
            try await connection.query(
                """
                UPDATE hub.leads SET first_response_at = least(first_response_at,
                           (SELECT min(first_response_at) FROM hub.leads WHERE id = ANY(\(duplicateUUIDs))))
                 WHERE id = \(survivorID.uuid)
                """,
                logger: database.logger
            )
            try await connection.query(
                """
                UPDATE hub.leads SET status = 'merged', merged_into_lead_id = \(survivorID.uuid), updated_at = now(),
                       closed_at = coalesce(closed_at, now())
                 WHERE id = ANY(\(duplicateUUIDs))
                """,
                logger: database.logger
            )
            let mergedIDs = duplicates.map(\.description).joined(separator: ",")
            for other in others {
                try await Self.recordChange(
                    connection, caller, lead: other.id, from: other.status, to: .merged, reason: "merged into \(survivorID)", logger: database.logger
                )
                try await Events.record(
                    connection, caller, "lead.merged", subject: EventSubject("lead", other.id.uuid),
                    data: ["into": survivorID.description], logger: database.logger
                )
            }
            try await Events.record(
                connection, caller, "lead.merged", subject: EventSubject("lead", survivorID.uuid), data: ["from": mergedIDs],
                logger: database.logger
            )
            try await AuditLog.record(
                connection, caller, action: "lead.merge", targetType: "lead", targetID: survivorID.description, details: ["merged": mergedIDs],
                logger: database.logger
            )
            return try await fetch(connection, id: survivorID, lock: false)
        }
    }

    /// Writes a validated draft's fields over a lead's.
    private func write(_ connection: PostgresConnection, id: LeadID, _ draft: LeadDraft) async throws {
        try await connection.query(
            """
            UPDATE hub.leads SET
                company_name = \(draft.companyName), company_domain = \(draft.companyDomain), first_name = \(draft.firstName),
                last_name = \(draft.lastName), email = \(draft.email), phone = \(draft.phone), country = \(draft.country),
                region = \(draft.region), owner_user_id = \(draft.ownerUserID?.uuid),
                estimated_amount = \(draft.estimatedValue?.amount)::numeric, currency = \(draft.estimatedValue?.currency),
                notes = \(draft.notes), consent_basis = \(draft.consent?.basis.rawValue),
                consent_captured_at = \(draft.consent?.capturedAt), consent_ref = \(draft.consent?.reference), updated_at = now()
             WHERE id = \(id.uuid)
            """,
            logger: database.logger
        )
    }
}

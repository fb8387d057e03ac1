import Foundation
import HubCore
import PostgresNIO

extension Leads {
    /// Every lead created through the API runs it, so it is prepared once per connection rather than
    /// planned per request. One statement: the lead, its first status change, and the leads it may
    /// duplicate (read from the snapshot before the insert, so the new lead is not its own duplicate).
    struct InsertLead: PostgresPreparedStatement {
        static let sql = """
            WITH lead AS (
                INSERT INTO hub.leads (tenant_id, id, source, company_name, company_domain, first_name, last_name, email, phone,
                                       country, region, owner_user_id, estimated_amount, currency, notes, promotion_id,
                                       consent_basis, consent_captured_at, consent_ref)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::numeric, $14, $15, $16, $18, $19, $20)
                RETURNING \(Leads.columns)
            ), first_change AS (
                INSERT INTO hub.lead_status_changes (tenant_id, lead_id, seq, from_status, to_status, by_user_id)
                VALUES ($1, $2, 1, NULL, 'new', $17)
            )
            SELECT lead.*, ARRAY(
                SELECT id FROM hub.leads
                 WHERE merged_into_lead_id IS NULL
                   AND (($8::text IS NOT NULL AND email = $8)
                        OR ($5::text IS NOT NULL AND company_domain = $5 AND lower(company_name) = lower($4)))
                 ORDER BY created_at LIMIT 20)
              FROM lead
            """

        // Declared, not inferred: the amount travels as text and becomes numeric in the statement.
        static let bindingDataTypes: [PostgresDataType] = [
            .uuid, .uuid, .text, .text, .text, .text, .text, .text, .text, .text, .text, .uuid, .text, .text, .text, .uuid, .uuid,
            .text, .timestamptz, .text,
        ]

        let tenant: TenantID
        let id: LeadID
        let draft: LeadDraft
        let promotion: PromotionID?
        let by: UserID?

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 20)
            bindings.append(tenant.uuid)
            bindings.append(id.uuid)
            bindings.append(draft.source.rawValue)
            bindings.append(draft.companyName)
            bindings.append(draft.companyDomain)
            bindings.append(draft.firstName)
            bindings.append(draft.lastName)
            bindings.append(draft.email)
            bindings.append(draft.phone)
            bindings.append(draft.country)
            bindings.append(draft.region)
            bindings.append(draft.ownerUserID?.uuid)
            bindings.append(draft.estimatedValue?.amount)
            bindings.append(draft.estimatedValue?.currency)
            bindings.append(draft.notes)
            bindings.append(promotion?.uuid)
            bindings.append(by?.uuid)
            bindings.append(draft.consent?.basis.rawValue)
            bindings.append(draft.consent?.capturedAt)
            bindings.append(draft.consent?.reference)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> CreatedLead {
            let columns = row.makeRandomAccess()
            return CreatedLead(
                lead: try Leads.lead(from: columns),
                possibleDuplicates: try columns[Leads.columnCount].decode([UUID].self).map { LeadID($0) }
            )
        }
    }
}

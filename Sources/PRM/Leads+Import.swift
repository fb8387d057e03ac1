import Foundation
import HubCore
import PostgresNIO

/// How an import treats a row that looks like a lead the tenant already has (or an earlier row of the file).
public enum DuplicateHandling: String, Sendable, CaseIterable {
    /// Import it and report the possible duplicates, as creating a lead does.
    case `import`
    /// Leave it out and report it, with the leads it duplicates.
    case skip
}

/// The outcome of a CSV import, row by row: nothing the file held goes unaccounted for.
public struct LeadImportReport: Sendable, Encodable {
    public struct Rejected: Sendable, Encodable {
        public var line: Int
        /// The column (as the file's header names it) and what is wrong with its value.
        public var issues: [FieldIssue]
    }

    public struct Duplicate: Sendable, Encodable {
        public var line: Int
        /// The lead created from the row; absent when the row was skipped or in a dry run.
        public var leadID: LeadID?
        /// The tenant's existing leads with the same e-mail, or the same company domain and name.
        public var existingLeads: [LeadID]
        /// Earlier lines of this file with the same e-mail, or the same company domain and name.
        public var earlierLines: [Int]
        public var skipped: Bool
    }

    public struct Created: Sendable, Encodable {
        public var line: Int
        public var leadID: LeadID
    }

    public var dryRun: Bool
    public var rows: Int
    public var imported: Int
    public var rejected: [Rejected]
    public var duplicates: [Duplicate]
    /// Header columns the import accepted but does not read (an exported file's id, status, times).
    public var ignoredColumns: [String]
    public var created: [Created]
}

/// A file-level reason to refuse an import before reading any row.
public struct LeadImportError: Error, Sendable {
    public var issues: [FieldIssue]
}

extension Leads {
    public static let maximumImportRows = 50_000

    /// Imports leads from a CSV file: every valid row becomes a `new` lead with source `import`, every invalid row
    /// is reported with its line, column and reason, and possible duplicates are reported (or skipped, if asked).
    /// All of it happens in one transaction: an import is applied whole or not at all.
    public func importCSV(
        _ caller: Caller, bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), duplicates handling: DuplicateHandling = .import,
        dryRun: Bool = false
    ) async throws -> LeadImportReport {
        let table: CSVTable
        do {
            table = try CSVTable(bytes: bytes, delimiter: delimiter)
        } catch {
            throw HubError.invalid("file", error.description)
        }
        let layout = try Self.layout(of: table.header, delimiter: delimiter)
        guard table.rows.count <= Self.maximumImportRows else {
            throw HubError.invalid("file", "has \(table.rows.count) rows; import at most \(Self.maximumImportRows) at a time")
        }
        return try await database.withTenant(caller.principal) { connection in
            let owners = try await ownerIDsByEmail(connection)
            var rejected: [LeadImportReport.Rejected] = []
            var valid: [(line: Int, draft: LeadDraft)] = []
            for row in table.rows {
                switch Self.draft(from: row, layout: layout, header: table.header, owners: owners) {
                case .success(let draft): valid.append((row.line, draft))
                case .failure(let error): rejected.append(.init(line: row.line, issues: error.issues))
                }
            }
            let existing = try await existingDuplicates(connection, of: valid.map(\.draft))
            let earlier = Self.earlierDuplicates(valid)
            var duplicates: [LeadImportReport.Duplicate] = []
            var toInsert: [(line: Int, id: LeadID, draft: LeadDraft)] = []
            for (index, row) in valid.enumerated() {
                let isDuplicate = !(existing[index] ?? []).isEmpty || !(earlier[index] ?? []).isEmpty
                let skip = isDuplicate && handling == .skip
                let id = LeadID()
                if !skip { toInsert.append((row.line, id, row.draft)) }
                if isDuplicate {
                    duplicates.append(
                        .init(
                            line: row.line, leadID: skip || dryRun ? nil : id, existingLeads: existing[index] ?? [],
                            earlierLines: earlier[index] ?? [], skipped: skip
                        )
                    )
                }
            }
            if !dryRun, !toInsert.isEmpty {
                try await insert(connection, caller, toInsert.map { ($0.id, $0.draft) })
                try await AuditLog.record(
                    connection, caller, action: "lead.import", targetType: "lead", targetID: nil,
                    details: ["rows": String(table.rows.count), "imported": String(toInsert.count), "rejected": String(rejected.count)],
                    logger: database.logger
                )
            }
            return LeadImportReport(
                dryRun: dryRun, rows: table.rows.count, imported: dryRun ? 0 : toInsert.count, rejected: rejected, duplicates: duplicates,
                ignoredColumns: layout.compactMap { $0 }.filter { !$0.isImported }.map(\.header),
                created: dryRun ? [] : toInsert.map { .init(line: $0.line, leadID: $0.id) }
            )
        }
    }

    /// Which column each header position holds; refuses unknown, repeated or missing columns.
    private static func layout(of header: [String], delimiter: UInt8) throws(HubError) -> [HeaderColumn?] {
        if header.count == 1, let other = [";", "\t", ","].first(where: { header[0].contains($0) && $0 != String(UnicodeScalar(delimiter)) }) {
            let name = other == "\t" ? "tab" : "'\(other)'"
            throw .invalid("file", "the header is one column holding \(name): the file seems to use \(name) as delimiter; pass delimiter=\(other == "\t" ? "tab" : other)")
        }
        var issues: [FieldIssue] = []
        var seen: Set<LeadCSVColumn> = []
        var layout: [HeaderColumn?] = []
        for name in header {
            guard let column = LeadCSVColumn(header: name) else {
                issues.append(FieldIssue("file", "unknown column \"\(name)\"; the columns are \(LeadCSVColumn.allCases.map(\.rawValue).joined(separator: ", "))"))
                layout.append(nil)
                continue
            }
            if !seen.insert(column).inserted { issues.append(FieldIssue("file", "the column \"\(name)\" appears twice")) }
            layout.append(HeaderColumn(header: name, column: column, isImported: LeadCSVColumn.importable.contains(column)))
        }
        if seen.isDisjoint(with: [.companyName, .lastName, .email]) {
            issues.append(FieldIssue("file", "needs a company_name, last_name or email column: a lead needs at least one of them"))
        }
        if seen.contains(.estimatedAmount) != seen.contains(.currency) {
            issues.append(FieldIssue("file", "estimated_amount and currency come together"))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        return layout
    }

    struct HeaderColumn: Equatable {
        var header: String
        var column: LeadCSVColumn
        var isImported: Bool
    }

    /// A row as a validated draft, or every problem with it named by the file's own column headers.
    private static func draft(
        from row: CSVTable.Row, layout: [HeaderColumn?], header: [String], owners: [String: UserID]
    ) -> Result<LeadDraft, LeadImportError> {
        guard row.fields.count == layout.count else {
            return .failure(.init(issues: [FieldIssue("row", "has \(row.fields.count) fields; the header has \(layout.count)")]))
        }
        var values: [LeadCSVColumn: String] = [:]
        var headers: [LeadCSVColumn: String] = [:]
        for (position, column) in layout.enumerated() {
            guard let column, column.isImported else { continue }
            let value = SpreadsheetFormula.restored(row.fields[position].trimmingCharacters(in: .whitespaces))
            headers[column.column] = column.header
            if !value.isEmpty { values[column.column] = value }
        }
        var issues: [FieldIssue] = []
        var draft = LeadDraft(
            source: .import, companyName: values[.companyName], companyDomain: values[.companyDomain], firstName: values[.firstName],
            lastName: values[.lastName], email: values[.email], phone: values[.phone], country: values[.country], region: values[.region],
            notes: values[.notes]
        )
        if let owner = values[.ownerEmail] {
            if let id = owners[owner.lowercased()] { draft.ownerUserID = id } else {
                issues.append(FieldIssue(headers[.ownerEmail]!, "no user of your company has the e-mail \(owner)"))
            }
        }
        switch (values[.estimatedAmount], values[.currency]) {
        case (let amount?, let currency?):
            do { draft.estimatedValue = try Money(amount: amount, currency: currency, field: "/estimatedValue") } catch {
                if case .invalid(let found) = error { issues += found }
            }
        case (nil, nil): break
        case (nil, _): issues.append(FieldIssue(headers[.estimatedAmount]!, "is empty but currency is given"))
        case (_, nil): issues.append(FieldIssue(headers[.currency]!, "is empty but estimated_amount is given"))
        }
        if let raw = values[.consentBasis] {
            if let basis = ConsentBasis(rawValue: raw) {
                var consent = LeadConsent(basis: basis, reference: values[.consentRef])
                if let captured = values[.consentCapturedAt] {
                    consent.capturedAt = try? Date(captured, strategy: .iso8601)
                    if consent.capturedAt == nil {
                        issues.append(FieldIssue(headers[.consentCapturedAt]!, "must be an ISO 8601 time with zone, like 2026-01-31T09:00:00Z"))
                    }
                }
                draft.consent = consent
            } else {
                let bases = ConsentBasis.allCases.map(\.rawValue).joined(separator: ", ")
                issues.append(FieldIssue(headers[.consentBasis]!, "must be one of \(bases), not \(raw)"))
            }
        } else if let column = [LeadCSVColumn.consentCapturedAt, .consentRef].first(where: { values[$0] != nil }) {
            issues.append(FieldIssue(headers[column]!, "is given but consent_basis is empty"))
        }
        do { draft = try draft.validated() } catch {
            if case .invalid(let found) = error { issues += found }
        }
        guard issues.isEmpty else {
            // Name the file's column rather than the API's field.
            let byField = Dictionary(headers.compactMap { column, name in column.draftField.map { ($0, name) } }, uniquingKeysWith: { a, _ in a })
            return .failure(.init(issues: issues.map { FieldIssue(byField[$0.field] ?? ($0.field == "/" ? "row" : $0.field), $0.message) }))
        }
        return .success(draft)
    }

    /// Users of the tenant by e-mail, to resolve the owner column.
    private func ownerIDsByEmail(_ connection: PostgresConnection) async throws -> [String: UserID] {
        var owners: [String: UserID] = [:]
        for try await (id, email) in try await connection.query("SELECT id, email FROM hub.users", logger: database.logger)
            .decode((UUID, String).self)
        {
            owners[email] = UserID(id)
        }
        return owners
    }

    /// For each draft, the tenant's existing leads it may duplicate (keyed by the draft's index).
    private func existingDuplicates(_ connection: PostgresConnection, of drafts: [LeadDraft]) async throws -> [Int: [LeadID]] {
        struct Key: Encodable {
            var i: Int
            var email: String?
            var domain: String?
            var name: String?
        }
        let keys = drafts.enumerated().map { Key(i: $0.offset, email: $0.element.email, domain: $0.element.companyDomain, name: $0.element.companyName) }
        let json = String(decoding: try JSONEncoder().encode(keys), as: UTF8.self)
        var found: [Int: [LeadID]] = [:]
        let rows = try await connection.query(
            """
            SELECT k.i, l.id FROM jsonb_to_recordset(\(json)::jsonb) AS k(i int, email text, domain text, name text)
              JOIN hub.leads l ON l.merged_into_lead_id IS NULL
                   AND ((k.email IS NOT NULL AND l.email = k.email)
                        OR (k.domain IS NOT NULL AND l.company_domain = k.domain AND lower(l.company_name) = lower(k.name)))
             ORDER BY k.i, l.created_at
            """,
            logger: database.logger
        )
        for try await (index, id) in rows.decode((Int, UUID).self) { found[index, default: []].append(LeadID(id)) }
        return found
    }

    /// For each row, the earlier lines of the file with the same e-mail or the same domain and company name.
    private static func earlierDuplicates(_ rows: [(line: Int, draft: LeadDraft)]) -> [Int: [Int]] {
        var linesByKey: [String: [Int]] = [:]
        var found: [Int: [Int]] = [:]
        for (index, row) in rows.enumerated() {
            var keys: [String] = []
            if let email = row.draft.email { keys.append("e:" + email) }
            if let domain = row.draft.companyDomain, let name = row.draft.companyName { keys.append("d:\(domain)|\(name.lowercased())") }
            let earlier = Set(keys.flatMap { linesByKey[$0] ?? [] }).sorted()
            if !earlier.isEmpty { found[index] = earlier }
            for key in keys { linesByKey[key, default: []].append(row.line) }
        }
        return found
    }

    /// Inserts validated drafts in batches, with their first status change and `lead.created` event.
    private func insert(_ connection: PostgresConnection, _ caller: Caller, _ leads: [(id: LeadID, draft: LeadDraft)]) async throws {
        struct Row: Encodable {
            var id: UUID
            var source: String
            var company_name, company_domain, first_name, last_name, email, phone, country, region: String?
            var owner_user_id: UUID?
            var estimated_amount, currency, notes: String?
            var consent_basis, consent_captured_at, consent_ref: String?
        }
        for batch in stride(from: 0, to: leads.count, by: 1000).map({ leads[$0..<min($0 + 1000, leads.count)] }) {
            let rows = batch.map { id, draft in
                Row(
                    id: id.uuid, source: draft.source.rawValue, company_name: draft.companyName, company_domain: draft.companyDomain,
                    first_name: draft.firstName, last_name: draft.lastName, email: draft.email, phone: draft.phone, country: draft.country,
                    region: draft.region, owner_user_id: draft.ownerUserID?.uuid, estimated_amount: draft.estimatedValue?.amount,
                    currency: draft.estimatedValue?.currency, notes: draft.notes, consent_basis: draft.consent?.basis.rawValue,
                    consent_captured_at: draft.consent?.capturedAt?.formatted(.iso8601), consent_ref: draft.consent?.reference
                )
            }
            let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
            try await connection.query(
                """
                INSERT INTO hub.leads (tenant_id, id, source, company_name, company_domain, first_name, last_name, email, phone,
                                       country, region, owner_user_id, estimated_amount, currency, notes,
                                       consent_basis, consent_captured_at, consent_ref)
                SELECT \(caller.tenantID.uuid), r.id, r.source, r.company_name, r.company_domain, r.first_name, r.last_name, r.email,
                       r.phone, r.country, r.region, r.owner_user_id, r.estimated_amount::numeric, r.currency, r.notes,
                       r.consent_basis, r.consent_captured_at::timestamptz, r.consent_ref
                  FROM jsonb_to_recordset(\(json)::jsonb) AS r(id uuid, source text, company_name text, company_domain text,
                       first_name text, last_name text, email text, phone text, country text, region text, owner_user_id uuid,
                       estimated_amount text, currency text, notes text, consent_basis text, consent_captured_at text, consent_ref text)
                """,
                logger: database.logger
            )
            let ids = batch.map(\.id.uuid)
            try await connection.query(
                """
                INSERT INTO hub.lead_status_changes (tenant_id, lead_id, seq, from_status, to_status, by_user_id)
                SELECT \(caller.tenantID.uuid), id, 1, NULL, 'new', \(caller.principal.userID?.uuid) FROM unnest(\(ids)::uuid[]) AS id
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "lead.created", subjects: ids.map { EventSubject("lead", $0) }, data: ["source": "import"],
                logger: database.logger
            )
        }
    }
}

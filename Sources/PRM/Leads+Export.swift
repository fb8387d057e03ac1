import Foundation
import HubCore
import PostgresNIO

extension Leads {
    /// Writes the tenant's leads matching `filter` as CSV (RFC 4180, UTF-8, CRLF), newest first, in chunks,
    /// so an export of any size streams in bounded memory. An import reads the file back.
    public func exportCSV(_ caller: Caller, filter: LeadFilter, write: ([UInt8]) async throws -> Void) async throws {
        let owners = try await database.withTenant(caller.principal) { connection in
            var owners: [UUID: String] = [:]
            for try await (id, email) in try await connection.query("SELECT id, email FROM hub.users", logger: database.logger)
                .decode((UUID, String).self)
            {
                owners[id] = email
            }
            return owners
        }
        try await write(Self.csvLine(LeadCSVColumn.allCases.map(\.rawValue)))
        var after: [String]?
        repeat {
            let page = try await list(caller, filter: filter, page: PageRequest(limit: 1000, after: after))
            var chunk: [UInt8] = []
            for lead in page.items { chunk += Self.csvLine(Self.fields(of: lead, ownerEmail: lead.ownerUserID.flatMap { owners[$0.uuid] })) }
            try await write(chunk)
            after = page.nextCursor == nil ? nil : page.items.last.map { [$0.id.description] }
        } while after != nil
    }

    private static func fields(of lead: Lead, ownerEmail: String?) -> [String] {
        let time: (Date?) -> String = { $0.map { $0.formatted(.iso8601) } ?? "" }
        return LeadCSVColumn.allCases.map { column in
            switch column {
            case .id: lead.id.description
            case .status: lead.status.rawValue
            case .source: lead.source.rawValue
            case .companyName: lead.companyName ?? ""
            case .companyDomain: lead.companyDomain ?? ""
            case .firstName: lead.firstName ?? ""
            case .lastName: lead.lastName ?? ""
            case .email: lead.email ?? ""
            case .phone: lead.phone ?? ""
            case .country: lead.country ?? ""
            case .region: lead.region ?? ""
            case .ownerEmail: ownerEmail ?? ""
            case .estimatedAmount: lead.estimatedValue?.amount ?? ""
            case .currency: lead.estimatedValue?.currency ?? ""
            case .notes: lead.notes ?? ""
            case .consentBasis: lead.consent?.basis.rawValue ?? ""
            case .consentCapturedAt: time(lead.consent?.capturedAt)
            case .consentRef: lead.consent?.reference ?? ""
            case .createdAt: time(lead.createdAt)
            case .firstResponseAt: time(lead.firstResponseAt)
            case .qualifiedAt: time(lead.qualifiedAt)
            case .closedAt: time(lead.closedAt)
            case .lostReason: lead.lostReason ?? ""
            }
        }
    }

    /// One CSV record: fields quoted when they hold a delimiter, quote or line break; formulas neutralized.
    static func csvLine(_ fields: [String]) -> [UInt8] {
        var line: [UInt8] = []
        for (index, raw) in fields.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            let text = SpreadsheetFormula.neutralized(raw)
            if text.utf8.contains(where: { [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains($0) }) {
                line.append(UInt8(ascii: "\""))
                line += Array(text.replacingOccurrences(of: "\"", with: "\"\"").utf8)
                line.append(UInt8(ascii: "\""))
            } else {
                line += Array(text.utf8)
            }
        }
        line += [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
        return line
    }
}

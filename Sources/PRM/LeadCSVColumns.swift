/// The columns of a lead CSV file, as written by export and read by import.
enum LeadCSVColumn: String, CaseIterable, Sendable {
    case id, status, source
    case companyName = "company_name", companyDomain = "company_domain", firstName = "first_name", lastName = "last_name"
    case email, phone, country, region
    case ownerEmail = "owner_email", estimatedAmount = "estimated_amount", currency, notes
    case consentBasis = "consent_basis", consentCapturedAt = "consent_captured_at", consentRef = "consent_ref"
    case createdAt = "created_at", firstResponseAt = "first_response_at", qualifiedAt = "qualified_at", closedAt = "closed_at"
    case lostReason = "lost_reason"

    /// Columns an import reads into the new lead.
    static let importable: [LeadCSVColumn] = [
        .companyName, .companyDomain, .firstName, .lastName, .email, .phone, .country, .region, .ownerEmail, .estimatedAmount,
        .currency, .notes, .consentBasis, .consentCapturedAt, .consentRef,
    ]

    /// Columns an export writes that an import cannot set (a new lead starts `new`, with its own id and times):
    /// accepted so an exported file can be imported again, and listed in the report as ignored.
    static let exportOnly: [LeadCSVColumn] = [.id, .status, .source, .createdAt, .firstResponseAt, .qualifiedAt, .closedAt, .lostReason]

    /// The column a header names: case, spaces, dashes and underscores do not matter ("Company Name", "companyName").
    init?(header: String) {
        let key = Self.key(header)
        guard let column = Self.allCases.first(where: { Self.key($0.rawValue) == key }) ?? Self.aliases[key] else { return nil }
        self = column
    }

    private static let aliases: [String: LeadCSVColumn] = [
        "company": .companyName, "domain": .companyDomain, "emailaddress": .email, "owner": .ownerEmail, "amount": .estimatedAmount,
    ]

    private static func key(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { !" _-".unicodeScalars.contains($0) })
    }

    /// The JSON pointer of the lead field a column fills, to translate validation messages back to the column.
    var draftField: String? {
        switch self {
        case .companyName: "/companyName"
        case .companyDomain: "/companyDomain"
        case .firstName: "/firstName"
        case .lastName: "/lastName"
        case .email: "/email"
        case .phone: "/phone"
        case .country: "/country"
        case .region: "/region"
        case .ownerEmail: "/ownerUserID"
        case .estimatedAmount: "/estimatedValue/amount"
        case .currency: "/estimatedValue/currency"
        case .notes: "/notes"
        case .consentBasis: "/consent/basis"
        case .consentCapturedAt: "/consent/capturedAt"
        case .consentRef: "/consent/reference"
        default: nil
        }
    }
}

/// Spreadsheet formula injection: a cell starting with one of these runs as a formula when the file is opened.
/// Export prefixes such cells with an apostrophe, and import removes it again so a round trip keeps the value.
enum SpreadsheetFormula {
    static let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    static func neutralized(_ text: String) -> String {
        guard let first = text.first, triggers.contains(first) else { return text }
        return "'" + text
    }

    static func restored(_ text: String) -> String {
        guard text.hasPrefix("'"), let second = text.dropFirst().first, triggers.contains(second) else { return text }
        return String(text.dropFirst())
    }
}

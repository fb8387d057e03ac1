import Foundation
import HubCore

/// Internet domain names as accounts and registrations store them: lower case, no scheme, path or `www.`.
public enum DomainName {
    /// The normalized domain, or `invalid` naming `field`.
    public static func normalize(_ raw: String, field: String) throws(HubError) -> String {
        var domain = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }
        if domain.hasPrefix("www.") { domain.removeFirst(4) }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard domain.utf8.count <= 253, labels.count >= 2,
            labels.allSatisfy({ label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            })
        else {
            throw .invalid(field, "must be a domain name like example.com, without scheme, path or spaces")
        }
        return domain
    }
}

/// ISO 3166-1 alpha-2 country codes.
public enum CountryCode {
    /// The upper-cased code, or `invalid` naming `field` when it is not an assigned ISO 3166-1 code.
    public static func normalize(_ raw: String, field: String) throws(HubError) -> String {
        let code = raw.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        guard assigned.contains(code) else {
            throw .invalid(field, "must be an ISO 3166-1 alpha-2 country code like DE or US")
        }
        return code
    }

    static let assigned: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
        KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT \
        MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ \
        UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(separator: " ").map(String.init)
    )
}

/// Company names reduced to what identifies the company, so "ACME, Inc." and "Acme Inc" match.
public enum CompanyName {
    /// Legal-form words that do not tell two companies apart.
    static let legalForms: Set<String> = [
        "inc", "incorporated", "llc", "ltd", "limited", "plc", "corp", "corporation", "co", "company",
        "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab", "as", "oy", "pty",
    ]

    /// Lower-cased letters and digits, words separated by one space, trailing legal forms dropped.
    public static func key(_ name: String) -> String {
        var words = name.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map(String.init)
        while words.count > 1, let last = words.last, legalForms.contains(last) { words.removeLast() }
        return words.joined(separator: " ")
    }
}

/// Trims a text field, treats blank as absent, and reports it when too long.
func cleaned(_ value: String?, _ field: String, max: Int, into issues: inout [FieldIssue]) -> String? {
    guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
    if trimmed.count > max { issues.append(FieldIssue(field, "must be at most \(max) characters")) }
    return trimmed
}

/// Runs a throwing normalizer, collecting its issue instead of stopping at the first.
func collecting<Value>(_ issues: inout [FieldIssue], _ body: () throws(HubError) -> Value) -> Value? {
    do { return try body() } catch {
        if case .invalid(let found) = error { issues += found }
        return nil
    }
}

import Foundation
import HubCore

/// Decimal numbers as text, checked here and computed by PostgreSQL's `numeric`: never binary floating point.
public enum DecimalText {
    /// A non-negative decimal with at most `places` fraction digits, canonical (no leading zeros).
    public static func validate(_ raw: String, field: String, places: Int = 4, positive: Bool = false) throws(HubError) -> String {
        let parts = raw.split(separator: ".", omittingEmptySubsequences: false)
        let isDigits: (Substring) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
        guard (1...2).contains(parts.count), isDigits(parts[0]), parts[0].count <= 15, parts.count == 1 || isDigits(parts[1]) else {
            throw .invalid(field, "must be a non-negative decimal number written as a string, like \"12.5\"")
        }
        if parts.count == 2, parts[1].count > places {
            throw .invalid(field, "has at most \(places) decimal places; \(raw) has \(parts[1].count)")
        }
        let whole = String(parts[0].drop(while: { $0 == "0" }))
        let fraction = parts.count == 2 ? String(parts[1].reversed().drop(while: { $0 == "0" }).reversed()) : ""
        let canonical = (whole.isEmpty ? "0" : whole) + (fraction.isEmpty ? "" : "." + fraction)
        if positive, canonical == "0" { throw .invalid(field, "must be greater than zero") }
        return canonical
    }

    /// PostgreSQL's printing of a `numeric(19,4)` without trailing fraction zeros.
    static func trimmed(_ stored: String) -> String {
        guard stored.contains(".") else { return stored }
        let trimmed = String(stored.reversed().drop(while: { $0 == "0" }).reversed())
        return trimmed.hasSuffix(".") ? String(trimmed.dropLast()) : trimmed
    }
}

/// A product as trading partners name it: a SKU or a GTIN, compared upper-case.
public enum ProductCode {
    public static func validate(_ raw: String, field: String) throws(HubError) -> String {
        let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
        let allowed = code.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._/-".unicodeScalars.contains($0)) }
        guard (1...64).contains(code.count), allowed, code.first?.isLetter == true || code.first?.isNumber == true else {
            throw .invalid(field, "must be a SKU or GTIN of 1 to 64 letters, digits and . _ / -")
        }
        return code
    }
}

extension Money {
    /// A stored amount in its currency, for values PostgreSQL computed.
    static func stored(_ amount: String, _ currency: String) -> Money { Money(stored: amount, currency: currency) }

    /// Validates a bare amount in a currency already known, naming `field` itself in errors.
    static func amount(_ raw: String, in currency: String, field: String) throws(HubError) -> String {
        do {
            return try Money(amount: raw, currency: currency, field: "").amount
        } catch {
            guard case .invalid(let issues) = error else { throw error }
            throw .invalid(issues.map { FieldIssue(field, $0.message) })
        }
    }
}

import Foundation
import HubCore

/// An amount of money as decimal text and an ISO 4217 currency: never a binary floating-point number.
public struct Money: Sendable, Equatable, Codable {
    /// Decimal digits with at most the currency's minor units, e.g. "1250.00" EUR, "980" JPY.
    public var amount: String
    public var currency: String

    /// Validates an amount and currency from a request; `field` names them in errors.
    public init(amount rawAmount: String, currency rawCurrency: String, field: String) throws(HubError) {
        let currency = rawCurrency.uppercased()
        guard let minorUnits = Currency.minorUnits[currency] else {
            throw .invalid("\(field)/currency", "\(rawCurrency) is not an ISO 4217 currency code")
        }
        let parts = rawAmount.split(separator: ".", omittingEmptySubsequences: false)
        let isDigits: (Substring) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
        guard (1...2).contains(parts.count), isDigits(parts[0]), parts[0].count <= 15, parts.count == 1 || isDigits(parts[1]) else {
            throw .invalid("\(field)/amount", "must be a non-negative decimal number written as a string, like \"1250.00\"")
        }
        if parts.count == 2, parts[1].count > minorUnits {
            throw .invalid("\(field)/amount", "\(currency) has \(minorUnits) decimal places; \(rawAmount) has \(parts[1].count)")
        }
        self.amount = Money.canonical(rawAmount, minorUnits: minorUnits)
        self.currency = currency
    }

    /// The amount as PostgreSQL prints a `numeric`, shown with exactly the currency's minor units.
    init(stored: String, currency: String) {
        self.currency = currency
        self.amount = Money.canonical(stored, minorUnits: Currency.minorUnits[currency] ?? 2)
    }

    private static func canonical(_ text: String, minorUnits: Int) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0].drop(while: { $0 == "0" })).isEmpty ? "0" : String(parts[0].drop(while: { $0 == "0" }))
        guard minorUnits > 0 else { return whole }
        let fraction = parts.count > 1 ? String(parts[1].prefix(minorUnits)) : ""
        return whole + "." + fraction.padding(toLength: minorUnits, withPad: "0", startingAt: 0)
    }
}

/// ISO 4217 active currency codes and their minor units.
enum Currency {
    static let minorUnits: [String: Int] = {
        var table: [String: Int] = [:]
        let twoDecimals = """
            AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY \
            COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS \
            INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR \
            MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD \
            SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWG
            """
        let noDecimals = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
        let threeDecimals = "BHD IQD JOD KWD LYD OMR TND"
        for code in twoDecimals.split(whereSeparator: \.isWhitespace) { table[String(code)] = 2 }
        for code in noDecimals.split(separator: " ") { table[String(code)] = 0 }
        for code in threeDecimals.split(separator: " ") { table[String(code)] = 3 }
        return table
    }()
}

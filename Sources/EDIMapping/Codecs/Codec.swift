/// A named two-way conversion between a partner's text and a canonical JSON value.
public enum Codec: Sendable, Hashable {
    /// Text as it is.
    case text
    /// Text, lower-cased on read (written as given).
    case lowercase
    /// A whole number.
    case integer
    /// A decimal number (X12 `R`); `scale` fixes the written number of decimals.
    case decimal(scale: Int?)
    /// A number with an implied decimal point (X12 `N2` is `implied(2)`).
    case implied(Int)
    /// `CCYYMMDD` ↔ `YYYY-MM-DD`.
    case date8
    /// `YYMMDD` ↔ `YYYY-MM-DD` (years below 50 are 20xx).
    case date6
    /// `HHMM` or `HHMMSS` ↔ `HH:MM` or `HH:MM:SS`.
    case time
    /// ISO 8601 date-times read leniently and normalized to RFC 3339 (`T`, `Z` or offset).
    case dateTime
    /// A code table.
    case table(CodeTable)

    /// Converts partner text to its canonical value.
    func read(_ raw: String) -> Result<JSONValue, CodecFailure> {
        switch self {
        case .text: return .success(.string(raw))
        case .lowercase: return .success(.string(raw.lowercased()))
        case .integer:
            let trimmed = raw.trimmingWhitespace()
            guard let canonical = DecimalText.canonical(trimmed), !canonical.contains(".") else {
                return .failure(CodecFailure("\(raw) is not a whole number"))
            }
            return .success(.number(canonical))
        case .decimal:
            guard let number = JSONValue.number(canonicalizing: raw.trimmingWhitespace()) else {
                return .failure(CodecFailure("\(raw) is not a decimal number"))
            }
            return .success(number)
        case let .implied(scale):
            let trimmed = raw.trimmingWhitespace()
            let negative = trimmed.hasPrefix("-")
            let digits = negative ? String(trimmed.dropFirst()) : trimmed
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else {
                return .failure(CodecFailure("\(raw) is not a number with \(scale) implied decimals"))
            }
            let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
            let text = (negative ? "-" : "") + padded.dropLast(scale) + "." + padded.suffix(scale)
            guard let number = JSONValue.number(canonicalizing: text) else { return .failure(CodecFailure("bad number \(raw)")) }
            return .success(number)
        case .date8:
            guard raw.count == 8, raw.allSatisfy(\.isASCIIDigit) else { return .failure(CodecFailure("\(raw) is not CCYYMMDD")) }
            return DateText.iso(year: String(raw.prefix(4)), month: raw.dropFirst(4).prefix(2), day: raw.suffix(2))
        case .date6:
            guard raw.count == 6, raw.allSatisfy(\.isASCIIDigit), let yy = Int(raw.prefix(2)) else {
                return .failure(CodecFailure("\(raw) is not YYMMDD"))
            }
            return DateText.iso(year: (yy < 50 ? "20" : "19") + raw.prefix(2), month: raw.dropFirst(2).prefix(2), day: raw.suffix(2))
        case .time:
            guard [4, 6].contains(raw.count), raw.allSatisfy(\.isASCIIDigit),
                  let hours = Int(raw.prefix(2)), hours < 24, let minutes = Int(raw.dropFirst(2).prefix(2)), minutes < 60
            else { return .failure(CodecFailure("\(raw) is not HHMM or HHMMSS")) }
            var text = raw.prefix(2) + ":" + raw.dropFirst(2).prefix(2)
            if raw.count == 6 {
                guard let seconds = Int(raw.suffix(2)), seconds < 60 else { return .failure(CodecFailure("\(raw) has bad seconds")) }
                text += ":" + raw.suffix(2)
            }
            return .success(.string(String(text)))
        case .dateTime:
            guard let normalized = DateText.rfc3339(raw.trimmingWhitespace()) else {
                return .failure(CodecFailure("\(raw) is not an ISO 8601 date-time"))
            }
            return .success(.string(normalized))
        case let .table(table):
            guard let value = table.read(raw) else {
                return .failure(CodecFailure("code \(raw) is not in table \(table.name)"))
            }
            return .success(.string(value))
        }
    }

    /// Converts a canonical value back to partner text.
    func write(_ value: JSONValue) -> Result<String, CodecFailure> {
        guard let text = value.scalarText else {
            return .failure(CodecFailure("expected a scalar, found \(value.typeName)"))
        }
        switch self {
        case .text, .lowercase, .dateTime:
            return .success(text)
        case .integer:
            guard case .number = value, !text.contains(".") else { return .failure(CodecFailure("\(text) is not a whole number")) }
            return .success(text)
        case let .decimal(scale):
            guard case .number = value else { return .failure(CodecFailure("\(text) is not a number")) }
            guard let scale else { return .success(text) }
            return DecimalText.fixed(text, scale: scale).map(Result.success)
                ?? .failure(CodecFailure("\(text) has more than \(scale) decimals"))
        case let .implied(scale):
            guard case .number = value, let fixed = DecimalText.fixed(text, scale: scale) else {
                return .failure(CodecFailure("\(text) does not fit \(scale) implied decimals"))
            }
            let negative = fixed.hasPrefix("-")
            var digits = fixed.filter(\.isASCIIDigit)
            while digits.count > 1, digits.first == "0" { digits.removeFirst() }
            return .success((negative ? "-" : "") + digits)
        case .date8, .date6:
            guard text.count == 10, Array(text)[4] == "-", Array(text)[7] == "-",
                  case .success = DateText.iso(year: String(text.prefix(4)), month: text.dropFirst(5).prefix(2), day: text.suffix(2))
            else { return .failure(CodecFailure("\(text) is not YYYY-MM-DD")) }
            let compact = text.filter(\.isASCIIDigit)
            return .success(self == .date8 ? compact : String(compact.dropFirst(2)))
        case .time:
            let compact = text.filter(\.isASCIIDigit)
            guard [4, 6].contains(compact.count), text.count == compact.count + compact.count / 2 - 1 else {
                return .failure(CodecFailure("\(text) is not HH:MM or HH:MM:SS"))
            }
            return .success(compact)
        case let .table(table):
            guard let code = table.write(text) else {
                return .failure(CodecFailure("value \(text) has no code in table \(table.name)"))
            }
            return .success(code)
        }
    }
}

/// A value a codec cannot convert.
struct CodecFailure: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension DecimalText {
    /// `text` with exactly `scale` decimals, or `nil` if that would drop non-zero digits.
    static func fixed(_ text: String, scale: Int) -> String? {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let integer = parts.first else { return nil }
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        guard fraction.count <= scale else { return nil }
        fraction += String(repeating: "0", count: scale - fraction.count)
        return scale == 0 ? String(integer) : integer + "." + fraction
    }
}

enum DateText {
    static func iso(year: String, month: Substring, day: Substring) -> Result<JSONValue, CodecFailure> {
        guard let y = Int(year), let m = Int(month), let d = Int(day), (1...12).contains(m), d >= 1 else {
            return .failure(CodecFailure("\(year)\(month)\(day) is not a date"))
        }
        guard isCalendarDate(year: y, month: m, day: d) else { return .failure(CodecFailure("\(year)-\(month)-\(day) is not a calendar date")) }
        return .success(.string("\(year)-\(month)-\(day)"))
    }

    static func isCalendarDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Accepts `YYYY-MM-DD[T| ]HH:MM[:SS[.fff]][Z|±HH[:]MM]` and `YYYYMMDDTHHMMSS`; returns
    /// `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`.
    static func rfc3339(_ raw: String) -> String? {
        var chars = Array(raw)
        if chars.count >= 15, chars[8] == "T", chars[..<8].allSatisfy(\.isASCIIDigit) {
            // Basic format: insert the separators.
            let basic = chars
            var expanded: [Character] = Array(basic[0..<4])
            expanded.append("-")
            expanded += basic[4..<6]
            expanded.append("-")
            expanded += basic[6..<8]
            expanded.append("T")
            expanded += basic[9..<11]
            expanded.append(":")
            expanded += basic[11..<13]
            expanded.append(":")
            expanded += basic[13...]
            chars = expanded
        }
        guard chars.count >= 16, chars[4] == "-", chars[7] == "-", chars[10] == "T" || chars[10] == " ",
              chars[13] == ":", case .success = iso(year: String(chars[0..<4]), month: Substring(String(chars[5..<7])), day: Substring(String(chars[8..<10]))),
              let hour = Int(String(chars[11..<13])), hour < 24, let minute = Int(String(chars[14..<16])), minute < 60
        else { return nil }
        var out = String(chars[0..<10]) + "T" + String(chars[11..<16])
        var index = 16
        if index < chars.count, chars[index] == ":" {
            guard index + 3 <= chars.count, let second = Int(String(chars[(index + 1)..<(index + 3)])), second < 61 else { return nil }
            out += String(chars[index..<(index + 3)])
            index += 3
            if index < chars.count, chars[index] == "." {
                let digits = chars[(index + 1)...].prefix { $0.isASCIIDigit }
                guard !digits.isEmpty else { return nil }
                out += "." + String(digits)
                index += 1 + digits.count
            }
        } else {
            out += ":00"
        }
        let zone = String(chars[index...])
        switch zone {
        case "": return out
        case "Z", "z": return out + "Z"
        default:
            guard let sign = zone.first, sign == "+" || sign == "-" else { return nil }
            let digits = zone.dropFirst().filter(\.isASCIIDigit)
            guard digits.count == 4 || digits.count == 2, zone.count == digits.count + 1 || zone.count == 6 else { return nil }
            let padded = digits.count == 2 ? digits + "00" : digits
            guard let hours = Int(padded.prefix(2)), hours < 24, let minutes = Int(padded.suffix(2)), minutes < 60 else { return nil }
            return out + String(sign) + padded.prefix(2) + ":" + padded.suffix(2)
        }
    }
}

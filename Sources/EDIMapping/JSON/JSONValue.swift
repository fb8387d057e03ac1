/// A JSON value with exact numbers: `.number` holds canonical decimal text, so amounts from
/// EDI never pass through binary floating point.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number as canonical decimal text (see `JSONValue.number(canonicalizing:)`).
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; keys are written sorted.
    case object([String: JSONValue])

    /// A number from decimal text (`-12.50`, `1e3`), canonicalized so equal numbers compare
    /// equal; `nil` when the text is not a JSON number.
    public static func number(canonicalizing text: String) -> JSONValue? {
        DecimalText.canonical(text).map(JSONValue.number)
    }

    /// A number from an integer.
    public static func number(_ value: Int) -> JSONValue {
        .number(String(value))
    }

    /// The string, for `.string`.
    public var stringValue: String? {
        if case let .string(text) = self { text } else { nil }
    }

    /// The members, for `.object`.
    public var objectValue: [String: JSONValue]? {
        if case let .object(members) = self { members } else { nil }
    }

    /// The elements, for `.array`.
    public var arrayValue: [JSONValue]? {
        if case let .array(elements) = self { elements } else { nil }
    }

    /// The JSON Schema type name of the value.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case let .number(text): text.contains(".") ? "number" : "integer"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The value as scalar text: strings as they are, numbers and booleans as written.
    public var scalarText: String? {
        switch self {
        case let .string(text): text
        case let .number(text): text
        case let .bool(flag): flag ? "true" : "false"
        default: nil
        }
    }
}

/// Canonical decimal text: no exponent, no leading zeros, no trailing fractional zeros.
enum DecimalText {
    /// Largest exponent accepted, so `1e999999999` cannot allocate a huge string.
    static let maxExponent = 400

    static func canonical(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; bytes.removeFirst() }
        else if bytes[0] == UInt8(ascii: "+") { bytes.removeFirst() }
        var digits: [UInt8] = []
        var pointPosition: Int?
        var exponent = 0
        var index = 0
        var sawDigit = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits.append(byte); sawDigit = true
            } else if byte == UInt8(ascii: "."), pointPosition == nil {
                pointPosition = digits.count
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                let rest = String(decoding: bytes[(index + 1)...], as: UTF8.self)
                guard let value = Int(rest), abs(value) <= maxExponent else { return nil }
                exponent = value
                break
            } else {
                return nil
            }
            index += 1
        }
        guard sawDigit else { return nil }
        var intCount = (pointPosition ?? digits.count) + exponent
        while intCount < 0 { digits.insert(UInt8(ascii: "0"), at: 0); intCount += 1 }
        while intCount > digits.count { digits.append(UInt8(ascii: "0")) }
        var integer = Array(digits[..<intCount])
        var fraction = Array(digits[intCount...])
        while integer.count > 1, integer.first == UInt8(ascii: "0") { integer.removeFirst() }
        if integer.isEmpty { integer = [UInt8(ascii: "0")] }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        var result = String(decoding: integer, as: UTF8.self)
        if !fraction.isEmpty { result += "." + String(decoding: fraction, as: UTF8.self) }
        if negative, result != "0" { result = "-" + result }
        return result
    }
}

extension DecimalText {
    /// Exact sum of canonical decimal texts (for hash totals), canonical itself.
    static func sum(_ numbers: [String]) -> String {
        let scale = numbers.map { $0.split(separator: ".").dropFirst().first?.count ?? 0 }.max() ?? 0
        // Scaled integers in base 10^18 limbs would be exact for any size; Int128 covers every
        // realistic hash total (38 digits).
        var total: Int128 = 0
        for number in numbers {
            let negative = number.hasPrefix("-")
            let digits = negative ? number.dropFirst() : Substring(number)
            let parts = digits.split(separator: ".", maxSplits: 1)
            let fraction = parts.count > 1 ? String(parts[1]) : ""
            let scaled = String(parts.first ?? "0") + fraction + String(repeating: "0", count: scale - fraction.count)
            guard let value = Int128(scaled) else { continue }
            let (next, overflow) = negative ? total.subtractingReportingOverflow(value) : total.addingReportingOverflow(value)
            if overflow { return "0" }
            total = next
        }
        let negative = total < 0
        var digits = String(total.magnitude)
        if scale > 0 {
            digits = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return canonical((negative ? "-" : "") + digits) ?? "0"
    }
}

/// The two EDI standards the engine reads and writes.
public enum EDIStandard: String, Sendable, Hashable, Codable {
    /// ANSI ASC X12 (ISA/GS/ST envelopes).
    case x12
    /// UN/EDIFACT (UNA/UNB/UNG/UNH envelopes).
    case edifact
}

/// The service characters of one interchange, taken from its ISA header or UNA advice.
public struct Delimiters: Sendable, Hashable {
    /// Ends a segment (X12 ISA byte 106, EDIFACT UNA6).
    public var segment: UInt8
    /// Separates data elements.
    public var element: UInt8
    /// Separates components of a composite element.
    public var component: UInt8
    /// Separates repetitions of an element, when the release of the syntax has one.
    public var repetition: UInt8?
    /// Makes the next character literal (EDIFACT only).
    public var release: UInt8?
    /// Decimal mark (EDIFACT UNA3); X12 always uses a period.
    public var decimalMark: UInt8

    /// Creates a set of delimiters.
    public init(segment: UInt8, element: UInt8, component: UInt8, repetition: UInt8? = nil, release: UInt8? = nil, decimalMark: UInt8 = UInt8(ascii: ".")) {
        self.segment = segment
        self.element = element
        self.component = component
        self.repetition = repetition
        self.release = release
        self.decimalMark = decimalMark
    }

    /// The usual X12 choice: `~` `*` `>` and `^` from release 00402 on.
    public static let x12Default = Delimiters(segment: UInt8(ascii: "~"), element: UInt8(ascii: "*"), component: UInt8(ascii: ">"), repetition: UInt8(ascii: "^"))

    /// EDIFACT level A defaults (`UNA:+.? '`), used when there is no UNA.
    public static let edifactLevelA = Delimiters(segment: UInt8(ascii: "'"), element: UInt8(ascii: "+"), component: UInt8(ascii: ":"), repetition: nil, release: UInt8(ascii: "?"))

    /// EDIFACT level B defaults (IS4/IS3/IS1 control characters, no release character).
    public static let edifactLevelB = Delimiters(segment: 0x1C, element: 0x1D, component: 0x1F, repetition: nil, release: nil)

    /// Whether the delimiters are pairwise distinct and none is a letter or digit.
    public var areUsable: Bool {
        var seen: [UInt8] = [segment, element, component]
        if let repetition { seen.append(repetition) }
        if let release { seen.append(release) }
        for (i, a) in seen.enumerated() {
            if ByteClass.isAlphanumeric(a) { return false }
            for b in seen[(i + 1)...] where a == b { return false }
        }
        return true
    }
}

/// Byte classification helpers shared by the reader and the validators.
enum ByteClass {
    static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    /// Bytes tolerated between a terminator and the next segment.
    static func isLineBreak(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
}

/// Whether a segment, loop or element must, may or must not appear.
public enum GuideUsage: Sendable, Equatable {
    /// Mandatory (M, or R in guides).
    case mandatory
    /// Optional or conditional (O, C, S).
    case optional
    /// Not used in this guide (X, N).
    case notUsed
}

/// Data element types of X12 (N0–N9, R, ID, AN, DT, TM) and EDIFACT (a, n, an).
public enum GuideDataType: Sendable, Equatable {
    /// X12 Nn: digits with an implied decimal point.
    case implied(decimals: Int)
    /// X12 R: decimal number with an explicit point.
    case decimal
    /// X12 ID: a code.
    case identifier
    /// X12 AN: string.
    case string
    /// X12 DT: date.
    case date
    /// X12 TM: time.
    case time
    /// EDIFACT a: alphabetic.
    case alphabetic
    /// EDIFACT n: numeric.
    case numeric
    /// EDIFACT an: alphanumeric.
    case alphanumeric
    /// A composite; the components carry the types.
    case composite
}

/// The rule for one data element or one component.
public struct ElementRule: Sendable {
    /// M, O or X.
    public var usage: GuideUsage
    /// Data element reference (`373`, `C507`, `2380`), nil when the guide does not name it.
    public var reference: String?
    /// Type of the value.
    public var type: GuideDataType
    /// Minimum length.
    public var minLength: Int
    /// Maximum length.
    public var maxLength: Int
    /// Allowed codes, when the list is short enough to keep.
    public var codes: Set<String>?
    /// Components, for a composite.
    public var components: [ElementRule]
    /// Maximum repetitions (1 when the element does not repeat).
    public var maxRepeat: Int
    /// EDIFACT dates whose format is given by the sibling qualifier component (DTM C507: 2380 by 2379).
    public var dateFormatBySibling: Int?
    /// The codes as bytes, compared without building strings.
    var codeBytes: [[UInt8]] { codes.map { $0.map { Array($0.utf8) } } ?? [] }
}

/// The rule for one segment: its elements in order.
public struct SegmentRule: Sendable {
    /// Segment tag.
    public var tag: String
    /// Elements in order.
    public var elements: [ElementRule]
}

/// A node of a transaction set's structure: a segment, or a loop (segment group) of nodes.
public indirect enum GuideNode: Sendable {
    /// A segment with its usage and maximum use.
    case segment(tag: SegmentTag, usage: GuideUsage, maxUse: Int)
    /// A loop: its identifier (AK303 / segment group), usage, maximum iterations and children (the first is the trigger).
    case loop(id: String, usage: GuideUsage, maxUse: Int, children: [GuideNode])

    var trigger: SegmentTag {
        switch self {
        case let .segment(tag, _, _): tag
        case let .loop(_, _, _, children): children.first?.trigger ?? SegmentTag(rawValue: 0)
        }
    }

    var usage: GuideUsage {
        switch self {
        case let .segment(_, usage, _), let .loop(_, usage, _, _): usage
        }
    }

    var maxUse: Int {
        switch self {
        case let .segment(_, _, m), let .loop(_, _, m, _): m
        }
    }
}

/// An implementation guide for one transaction set or message, loaded from data files.
public struct Guide: Sendable {
    /// X12 or EDIFACT.
    public var standard: EDIStandard
    /// X12 GS08 prefix (`004010`) or EDIFACT version+release (`D96A`).
    public var version: String
    /// ST01 or UNH message type.
    public var identifier: String
    /// GS01 functional identifier (X12).
    public var functionalID: String
    /// Title.
    public var name: String
    /// The element whose value names the business document in 999 CTX (`BEG` element 3).
    public var businessIdentifier: (tag: String, position: Int)?
    /// The structure, header and trailer included.
    public var structure: [GuideNode]
    /// Segment rules by tag.
    public var segments: [SegmentTag: SegmentRule]
}

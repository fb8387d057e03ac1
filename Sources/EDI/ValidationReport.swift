/// A problem found in a data element.
public struct ElementIssue: Sendable, Equatable {
    /// 1-based position of the element in its segment.
    public var position: Int
    /// 1-based component position inside a composite, when the problem is in one component.
    public var component: Int?
    /// 1-based repetition, when the element repeats.
    public var repetition: Int?
    /// The data element reference number (`373`, `2380`), when the guide names it.
    public var reference: String?
    /// X12 code (AK403/IK403).
    public var x12Code: ElementErrorCode
    /// EDIFACT code (0085 in UCD).
    public var edifactCode: SyntaxErrorCode
    /// A copy of the bad value, when there is one.
    public var value: String?

    /// Creates an element issue.
    public init(position: Int, component: Int? = nil, repetition: Int? = nil, reference: String? = nil, x12Code: ElementErrorCode, edifactCode: SyntaxErrorCode, value: String? = nil) {
        self.position = position
        self.component = component
        self.repetition = repetition
        self.reference = reference
        self.x12Code = x12Code
        self.edifactCode = edifactCode
        self.value = value
    }
}

/// A problem found in a segment of a transaction set (segment position counts the header as 1).
public struct SegmentIssue: Sendable, Equatable {
    /// The segment tag as read (or the missing segment's tag).
    public var tag: String
    /// 1-based position in the transaction set or message.
    public var position: Int
    /// The loop the segment belongs to, when known (AK303/IK303).
    public var loopID: String?
    /// X12 code (AK304/IK304).
    public var x12Code: SegmentErrorCode
    /// EDIFACT code (0085 in UCS), nil when only the elements are in error.
    public var edifactCode: SyntaxErrorCode?
    /// Problems in the segment's elements.
    public var elements: [ElementIssue]
    /// Byte offset of the segment in the input (of the next segment, for a missing one).
    public var offset: Int

    /// Creates a segment issue.
    public init(tag: String, position: Int, loopID: String? = nil, x12Code: SegmentErrorCode, edifactCode: SyntaxErrorCode?, elements: [ElementIssue] = [], offset: Int) {
        self.tag = tag
        self.position = position
        self.loopID = loopID
        self.x12Code = x12Code
        self.edifactCode = edifactCode
        self.elements = elements
        self.offset = offset
    }
}

/// An envelope problem at the interchange level.
public struct InterchangeIssue: Sendable, Equatable {
    /// X12 TA1 note code.
    public var x12Code: InterchangeNoteCode
    /// EDIFACT code for UCI.
    public var edifactCode: SyntaxErrorCode
    /// Tag of the segment in error.
    public var tag: String
    /// 1-based element position, when one element is in error.
    public var elementPosition: Int?
    /// Byte offset of the segment.
    public var offset: Int
    /// What is wrong, for people.
    public var message: String
}

/// The outcome of one transaction set or message.
public struct TransactionSetReport: Sendable, Equatable {
    /// ST01 or the UNH message type (`850`, `ORDERS`).
    public var identifier: String
    /// ST02 or UNH 0062.
    public var controlNumber: String
    /// ST03 (X12 5010+), or the UNH S009 `type:version:release:agency[:association]` text.
    public var implementationReference: String
    /// Byte offset of the header segment.
    public var offset: Int
    /// Segments counted, header and trailer included.
    public var segmentCount: Int
    /// Envelope problems of the set (X12 codes; EDIFACT codes in `edifactErrors`).
    public var errors: [TransactionSetErrorCode] = []
    /// Envelope problems in EDIFACT terms, with the segment tag they concern.
    public var edifactErrors: [(code: SyntaxErrorCode, tag: String)] = []
    /// Segment and element problems (from the implementation guide).
    public var segmentIssues: [SegmentIssue] = []
    /// The guide's business identifier of the set (for 999 CTX), e.g. `BEG03` and its value.
    public var businessIdentifier: (name: String, value: String)?
    /// Whether the set was checked against a guide.
    public var guideChecked = false

    /// Whether the set is accepted (no envelope or guide error).
    public var isAccepted: Bool { errors.isEmpty && edifactErrors.isEmpty && segmentIssues.isEmpty }

    /// Equality ignoring tuple fields' labels.
    public static func == (a: TransactionSetReport, b: TransactionSetReport) -> Bool {
        a.identifier == b.identifier && a.controlNumber == b.controlNumber && a.offset == b.offset && a.errors == b.errors
            && a.segmentIssues == b.segmentIssues && a.edifactErrors.map { "\($0.code.rawValue)\($0.tag)" } == b.edifactErrors.map { "\($0.code.rawValue)\($0.tag)" }
    }
}

/// The outcome of one functional group.
public struct GroupReport: Sendable, Equatable {
    /// GS01 functional identifier, or UNG 0038.
    public var functionalID: String
    /// GS06 or UNG 0048.
    public var controlNumber: String
    /// GS08 version/release/industry code, or the UNG S008 text.
    public var version: String
    /// GS02 / UNG S006 application sender.
    public var applicationSender: String
    /// GS03 / UNG S007 application receiver.
    public var applicationReceiver: String
    /// Byte offset of the group header.
    public var offset: Int
    /// Transaction sets kept for acknowledgement (all, or only rejected ones when the validator is told to save memory).
    public var sets: [TransactionSetReport] = []
    /// Sets received.
    public var received = 0
    /// Sets accepted.
    public var accepted = 0
    /// Sets received, by identifier (`850`, `ORDERS`).
    public var setTypeCounts: [String: Int] = [:]
    /// GE01 / UNE 0060 as written, when present.
    public var declaredCount: Int?
    /// Group envelope problems.
    public var errors: [GroupErrorCode] = []
    /// Group envelope problems in EDIFACT terms.
    public var edifactErrors: [(code: SyntaxErrorCode, tag: String)] = []

    /// Equality on the fields that matter for acknowledgement.
    public static func == (a: GroupReport, b: GroupReport) -> Bool {
        a.functionalID == b.functionalID && a.controlNumber == b.controlNumber && a.sets == b.sets && a.received == b.received
            && a.accepted == b.accepted && a.errors == b.errors
    }
}

/// The outcome of one interchange: identities, envelope problems, groups and sets.
public struct InterchangeReport: Sendable {
    /// X12 or EDIFACT.
    public var standard: EDIStandard
    /// Delimiters of the interchange.
    public var delimiters: Delimiters
    /// The header segment's elements as read (ISA01…ISA16, or UNB's), for writing the answer in kind.
    public var headerValues: [String]
    /// Sender qualifier and identifier (ISA05/06, UNB S002).
    public var senderQualifier: String
    /// Sender identifier.
    public var senderID: String
    /// Receiver qualifier (ISA07, UNB S003 0007).
    public var receiverQualifier: String
    /// Receiver identifier.
    public var receiverID: String
    /// ISA13 or UNB 0020.
    public var controlNumber: String
    /// ISA12, or the UNB syntax identifier and version (`UNOC:3`).
    public var version: String
    /// ISA09/UNB date and ISA10/UNB time.
    public var date: String
    /// Interchange time.
    public var time: String
    /// ISA15 usage indicator or UNB 0035 test indicator.
    public var usage: String
    /// Whether the sender asked for an interchange acknowledgement (ISA14 = 1, UNB 0031 = 1).
    public var acknowledgmentRequested: Bool
    /// Byte offset of the header.
    public var offset: Int
    /// Interchange-level problems.
    public var issues: [InterchangeIssue] = []
    /// Functional groups.
    public var groups: [GroupReport] = []
    /// EDIFACT messages outside any group.
    public var ungroupedSets: [TransactionSetReport] = []
    /// Ungrouped sets received, by identifier.
    public var ungroupedSetTypeCounts: [String: Int] = [:]
    /// Sets received in the whole interchange.
    public var setsReceived = 0
    /// Sets accepted in the whole interchange.
    public var setsAccepted = 0

    /// Whether the interchange envelope is free of errors.
    public var envelopeAccepted: Bool { issues.isEmpty }

    /// Whether the whole interchange, down to every set, is free of errors.
    public var isValid: Bool {
        issues.isEmpty && setsAccepted == setsReceived
            && groups.allSatisfy { $0.errors.isEmpty && $0.edifactErrors.isEmpty }
    }
}

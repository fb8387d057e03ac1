/// Why an outbound interchange could not be written.
public enum EDIWriteError: Error, Sendable, Equatable {
    /// A value contains a delimiter and the standard has no release character to escape it (X12).
    case delimiterInValue(tag: String, value: String)
    /// A fixed-width ISA field is longer than its width.
    case fieldTooWide(field: String, value: String, width: Int)
}

/// One outbound segment: a tag and its elements, each a list of components.
public struct OutboundSegment: Sendable, Equatable {
    /// The segment tag.
    public var tag: String
    /// Elements, each as its components (one component for a simple element).
    public var elements: [[String]]

    /// Creates a segment from simple elements.
    public init(_ tag: String, _ elements: String...) {
        self.tag = tag
        self.elements = elements.map { [$0] }
    }

    /// Creates a segment from elements given as component lists.
    public init(_ tag: String, composites: [[String]]) {
        self.tag = tag
        elements = composites
    }
}

/// An outbound transaction set or message: its body without the ST/SE or UNH/UNT lines, which the builder adds.
public struct OutboundTransactionSet: Sendable {
    /// ST01, or the UNH S009 (`type`, `version`, `release`, `agency`[, `association`]).
    public var identifier: [String]
    /// ST02 or UNH 0062.
    public var controlNumber: String
    /// ST03 (X12 5010 and later), if any.
    public var implementationReference: String?
    /// The segments between header and trailer.
    public var body: [OutboundSegment]

    /// Creates an outbound set.
    public init(identifier: [String], controlNumber: String, implementationReference: String? = nil, body: [OutboundSegment]) {
        self.identifier = identifier
        self.controlNumber = controlNumber
        self.implementationReference = implementationReference
        self.body = body
    }
}

/// The parties and settings of an outbound interchange.
public struct OutboundEnvelope: Sendable {
    /// ISA05/UNB S002 0007 sender qualifier.
    public var senderQualifier: String
    /// ISA06/UNB S002 0004 sender.
    public var senderID: String
    /// ISA07/UNB S003 0007 receiver qualifier.
    public var receiverQualifier: String
    /// ISA08/UNB S003 0010 receiver.
    public var receiverID: String
    /// Date as `CCYYMMDD` (shortened to `YYMMDD` where the syntax wants it).
    public var date: String
    /// Time as `HHMM`.
    public var time: String
    /// Interchange control number (ISA13, UNB 0020), supplied by the caller.
    public var controlNumber: Int
    /// X12: ISA12 (`00401`); EDIFACT: syntax identifier and version (`UNOC`, `3`).
    public var version: [String]
    /// ISA15 `P`/`T`; EDIFACT test indicator `1` when testing.
    public var usage: String
    /// ISA14 / UNB 0031.
    public var acknowledgmentRequested: Bool
    /// Delimiters to write with.
    public var delimiters: Delimiters
    /// A line break after every segment terminator, for people reading the file (readers skip it).
    public var lineBreaks = false

    /// Creates an envelope description.
    public init(senderQualifier: String, senderID: String, receiverQualifier: String, receiverID: String, date: String, time: String,
                controlNumber: Int, version: [String], usage: String = "P", acknowledgmentRequested: Bool = false, delimiters: Delimiters) {
        self.senderQualifier = senderQualifier
        self.senderID = senderID
        self.receiverQualifier = receiverQualifier
        self.receiverID = receiverID
        self.date = date
        self.time = time
        self.controlNumber = controlNumber
        self.version = version
        self.usage = usage
        self.acknowledgmentRequested = acknowledgmentRequested
        self.delimiters = delimiters
    }
}

/// A functional group to write: its header fields and its sets.
public struct OutboundGroup: Sendable {
    /// GS01 functional identifier (or UNG 0038).
    public var functionalID: String
    /// GS02 application sender.
    public var applicationSender: String
    /// GS03 application receiver.
    public var applicationReceiver: String
    /// GS06 group control number, supplied by the caller.
    public var controlNumber: Int
    /// GS08 version/release/industry identifier.
    public var version: String
    /// The sets of the group.
    public var sets: [OutboundTransactionSet]

    /// Creates a group.
    public init(functionalID: String, applicationSender: String, applicationReceiver: String, controlNumber: Int, version: String, sets: [OutboundTransactionSet]) {
        self.functionalID = functionalID
        self.applicationSender = applicationSender
        self.applicationReceiver = applicationReceiver
        self.controlNumber = controlNumber
        self.version = version
        self.sets = sets
    }
}

/// Writes outbound interchanges: envelopes, counts and escaping are computed here.
public struct EnvelopeBuilder {
    private var out: [UInt8] = []
    private let d: Delimiters
    private let lineBreaks: Bool

    private init(_ envelope: OutboundEnvelope) {
        d = envelope.delimiters
        lineBreaks = envelope.lineBreaks
    }

    /// An X12 interchange: ISA, GS/GE groups with ST/SE sets, IEA; `extraSegments` go between ISA and the first GS (TA1).
    public static func x12(_ envelope: OutboundEnvelope, groups: [OutboundGroup], extraSegments: [OutboundSegment] = []) throws(EDIWriteError) -> [UInt8] {
        var b = EnvelopeBuilder(envelope)
        try b.writeISA(envelope)
        for s in extraSegments { try b.write(s) }
        for g in groups {
            try b.writeGS(g, envelope)
            for set in g.sets {
                var header = OutboundSegment("ST", set.identifier.first ?? "", set.controlNumber)
                if let r = set.implementationReference { header.elements.append([r]) }
                try b.write(header)
                for s in set.body { try b.write(s) }
                try b.write(OutboundSegment("SE", String(set.body.count + 2), set.controlNumber))
            }
            try b.write(OutboundSegment("GE", String(g.sets.count), String(g.controlNumber)))
        }
        try b.write(OutboundSegment("IEA", String(groups.count), Self.pad(envelope.controlNumber, 9)))
        return b.out
    }

    /// The start of an X12 interchange of one group whose sets are written by the caller in between: ISA and GS
    /// (`group.sets` is not read).
    public static func x12Opening(_ envelope: OutboundEnvelope, group: OutboundGroup) throws(EDIWriteError) -> [UInt8] {
        var b = EnvelopeBuilder(envelope)
        try b.writeISA(envelope)
        try b.writeGS(group, envelope)
        return b.out
    }

    /// The end of the interchange `x12Opening` began, once `setCount` sets were written: GE and IEA.
    public static func x12Closing(_ envelope: OutboundEnvelope, group: OutboundGroup, setCount: Int) throws(EDIWriteError) -> [UInt8] {
        var b = EnvelopeBuilder(envelope)
        try b.write(OutboundSegment("GE", String(setCount), String(group.controlNumber)))
        try b.write(OutboundSegment("IEA", "1", Self.pad(envelope.controlNumber, 9)))
        return b.out
    }

    /// An EDIFACT interchange: optional UNA, UNB, messages (grouped in UNG/UNE when `groups` is used), UNZ.
    public static func edifact(_ envelope: OutboundEnvelope, messages: [OutboundTransactionSet], serviceStringAdvice: Bool = true) throws(EDIWriteError) -> [UInt8] {
        var b = EnvelopeBuilder(envelope)
        try b.writeUNAAndUNB(envelope, serviceStringAdvice: serviceStringAdvice)
        for m in messages {
            try b.write(OutboundSegment("UNH", composites: [[m.controlNumber], m.identifier]))
            for s in m.body { try b.write(s) }
            try b.write(OutboundSegment("UNT", String(m.body.count + 2), m.controlNumber))
        }
        try b.write(OutboundSegment("UNZ", String(messages.count), String(envelope.controlNumber)))
        return b.out
    }

    /// The start of an EDIFACT interchange whose messages are written by the caller in between: UNA and UNB.
    public static func edifactOpening(_ envelope: OutboundEnvelope, serviceStringAdvice: Bool = true) throws(EDIWriteError) -> [UInt8] {
        var b = EnvelopeBuilder(envelope)
        try b.writeUNAAndUNB(envelope, serviceStringAdvice: serviceStringAdvice)
        return b.out
    }

    /// The end of the interchange `edifactOpening` began, once `messageCount` messages were written: UNZ.
    public static func edifactClosing(_ envelope: OutboundEnvelope, messageCount: Int) throws(EDIWriteError) -> [UInt8] {
        var b = EnvelopeBuilder(envelope)
        try b.write(OutboundSegment("UNZ", String(messageCount), String(envelope.controlNumber)))
        return b.out
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private mutating func writeGS(_ g: OutboundGroup, _ envelope: OutboundEnvelope) throws(EDIWriteError) {
        try write(OutboundSegment("GS", g.functionalID, g.applicationSender, g.applicationReceiver, envelope.date, envelope.time,
                                  String(g.controlNumber), "X", g.version))
    }

    private mutating func writeUNAAndUNB(_ envelope: OutboundEnvelope, serviceStringAdvice: Bool) throws(EDIWriteError) {
        if serviceStringAdvice {
            out += Array("UNA".utf8) + [d.component, d.element, d.decimalMark, d.release ?? 0x20, d.repetition ?? 0x20, d.segment]
            endSegment()
        }
        let syntax4 = envelope.version.count > 1 && envelope.version[1] == "4"
        let date = syntax4 ? envelope.date : String(envelope.date.suffix(6))
        var unb = OutboundSegment("UNB", composites: [
            envelope.version, [envelope.senderID, envelope.senderQualifier], [envelope.receiverID, envelope.receiverQualifier],
            [date, envelope.time], [String(envelope.controlNumber)],
        ])
        if envelope.acknowledgmentRequested || envelope.usage == "1" {
            unb.elements += [[""], [""], [""], [envelope.acknowledgmentRequested ? "1" : ""], [""], [envelope.usage == "1" ? "1" : ""]]
        }
        try write(unb)
    }

    private mutating func endSegment() {
        if lineBreaks { out.append(0x0A) }
    }

    private mutating func writeISA(_ e: OutboundEnvelope) throws(EDIWriteError) {
        func field(_ name: String, _ v: String, _ width: Int) throws(EDIWriteError) -> String {
            guard v.utf8.count <= width else { throw .fieldTooWide(field: name, value: v, width: width) }
            return v + String(repeating: " ", count: width - v.utf8.count)
        }
        let isa11 = e.delimiters.repetition.map { String(UnicodeScalar($0)) } ?? "U"
        let fields = [
            "00", String(repeating: " ", count: 10), "00", String(repeating: " ", count: 10),
            try field("ISA05", e.senderQualifier, 2), try field("ISA06", e.senderID, 15),
            try field("ISA07", e.receiverQualifier, 2), try field("ISA08", e.receiverID, 15),
            String(e.date.suffix(6)), try field("ISA10", e.time, 4), isa11, try field("ISA12", e.version.first ?? "00401", 5),
            Self.pad(e.controlNumber, 9), e.acknowledgmentRequested ? "1" : "0", e.usage,
        ]
        out += Array("ISA".utf8)
        for f in fields {
            out.append(d.element)
            out += Array(f.utf8)
        }
        out.append(d.element)
        out.append(d.component)
        out.append(d.segment)
        endSegment()
    }

    private mutating func write(_ s: OutboundSegment) throws(EDIWriteError) {
        out += Array(s.tag.utf8)
        var elements = s.elements
        while let last = elements.last, last.allSatisfy(\.isEmpty) { elements.removeLast() }
        for e in elements {
            out.append(d.element)
            var comps = e
            while comps.count > 1, comps.last!.isEmpty { comps.removeLast() }
            for (i, c) in comps.enumerated() {
                if i > 0 { out.append(d.component) }
                try writeValue(c, tag: s.tag)
            }
        }
        out.append(d.segment)
        endSegment()
    }

    private mutating func writeValue(_ v: String, tag: String) throws(EDIWriteError) {
        for b in v.utf8 {
            if b == d.element || b == d.segment || b == d.component || b == d.release || (d.repetition != nil && b == d.repetition) {
                guard let r = d.release else { throw .delimiterInValue(tag: tag, value: v) }
                out.append(r)
            }
            out.append(b)
        }
    }
}

import EDI
import Foundation

/// An interchange party: ID code qualifier (ISA05/07, UNB 0007) and ID (ISA06/08, UNB 0004/0010).
public struct PartyID: Sendable, Hashable, CustomStringConvertible {
    public var qualifier: String
    public var id: String

    /// Creates a party.
    public init(qualifier: String, id: String) {
        self.qualifier = qualifier
        self.id = id
    }

    /// Reads `QUALIFIER:ID` (`ZZ:ACMEDIST`, `14:5412345000013`); nil when either part is empty.
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let qualifier = String(text[..<colon]), id = String(text[text.index(after: colon)...])
        guard !qualifier.isEmpty, !id.isEmpty else { return nil }
        self.init(qualifier: qualifier, id: id)
    }

    public var description: String { "\(qualifier):\(id)" }
}

/// Who an interchange written from canonical JSON comes from and goes to, and its control number.
public struct InterchangeParties: Sendable {
    public var sender: PartyID
    public var receiver: PartyID
    /// ISA13 / UNB 0020, and GS06 for X12's one group: 1 to 999,999,999.
    public var controlNumber: Int
    /// Marks the interchange as a test (ISA15 `T`, UNB 0035 `1`).
    public var isTest: Bool
    /// Date and time of preparation (written in UTC).
    public var prepared: Date

    /// Creates the parties of an interchange.
    public init(sender: PartyID, receiver: PartyID, controlNumber: Int, isTest: Bool = false, prepared: Date = Date()) {
        self.sender = sender
        self.receiver = receiver
        self.controlNumber = controlNumber
        self.isTest = isTest
        self.prepared = prepared
    }
}

/// The envelope around the sets a mapping writes: ISA/GS…GE/IEA for X12 (one group), UNA/UNB…UNZ for EDIFACT
/// (syntax UNOC 3, so messages are encoded as ISO 8859-1).
struct OutboundInterchange {
    private let syntax: MappingSyntax
    private var envelope: OutboundEnvelope
    private let group: OutboundGroup?
    let file: String

    init(_ parties: InterchangeParties, mapping: MappingDefinition) throws(MappingError) {
        file = mapping.file
        syntax = mapping.syntax
        guard let settings = mapping.edi, syntax != .xml else {
            throw .input(file: file, message: "an XML mapping writes no EDI interchange")
        }
        guard (1...999_999_999).contains(parties.controlNumber) else {
            throw .input(file: file, message: "the interchange control number must be 1 to 999999999, not \(parties.controlNumber)")
        }
        let (date, time) = OutboundEnvelope.dateAndTime(of: parties.prepared)
        let written = syntax == .x12 ? EDIDelimiters.x12 : EDIDelimiters.edifact
        func byte(_ character: Character) -> UInt8 { character.asciiValue! }
        let delimiters = Delimiters(
            segment: byte(written.segment), element: byte(written.element), component: byte(written.component),
            release: written.release.map(byte))
        if syntax == .x12 {
            guard let functionalGroup = settings.functionalGroup else {
                throw .definition(file: file, line: nil, message: "writing an interchange needs `functional_group:` (GS01, e.g. PT for an 867)")
            }
            let release = settings.release ?? "004010"
            envelope = OutboundEnvelope(
                senderQualifier: parties.sender.qualifier, senderID: parties.sender.id,
                receiverQualifier: parties.receiver.qualifier, receiverID: parties.receiver.id, date: date, time: time,
                controlNumber: parties.controlNumber, version: [String(release.prefix(5))], usage: parties.isTest ? "T" : "P",
                delimiters: delimiters)
            group = OutboundGroup(
                functionalID: functionalGroup, applicationSender: parties.sender.id, applicationReceiver: parties.receiver.id,
                controlNumber: parties.controlNumber, version: release, sets: [])
        } else {
            envelope = OutboundEnvelope(
                senderQualifier: parties.sender.qualifier, senderID: parties.sender.id,
                receiverQualifier: parties.receiver.qualifier, receiverID: parties.receiver.id, date: date, time: time,
                controlNumber: parties.controlNumber, version: ["UNOC", "3"], usage: parties.isTest ? "1" : "",
                delimiters: delimiters)
            group = nil
        }
        envelope.lineBreaks = true
    }

    func opening() throws(MappingError) -> [UInt8] {
        try written { () throws(EDIWriteError) in
            if let group { try EnvelopeBuilder.x12Opening(envelope, group: group) } else { try EnvelopeBuilder.edifactOpening(envelope) }
        }
    }

    func closing(count: Int) throws(MappingError) -> [UInt8] {
        try written { () throws(EDIWriteError) in
            if let group {
                try EnvelopeBuilder.x12Closing(envelope, group: group, setCount: count)
            } else {
                try EnvelopeBuilder.edifactClosing(envelope, messageCount: count)
            }
        }
    }

    /// The set's bytes as the interchange's character set has them: EDIFACT UNOC is ISO 8859-1.
    func encoded(_ set: [UInt8]) throws(MappingError) -> [UInt8] {
        guard syntax == .edifact, set.contains(where: { $0 >= 0x80 }) else { return set }
        var latin1: [UInt8] = []
        latin1.reserveCapacity(set.count)
        for scalar in String(decoding: set, as: UTF8.self).unicodeScalars {
            guard scalar.value <= 0xFF else {
                throw .input(file: file, message: "U+\(String(scalar.value, radix: 16, uppercase: true)) (\(scalar)) has no place in UNOC (ISO 8859-1)")
            }
            latin1.append(UInt8(scalar.value))
        }
        return latin1
    }

    private func written(_ body: () throws(EDIWriteError) -> [UInt8]) throws(MappingError) -> [UInt8] {
        do throws(EDIWriteError) { return try body() } catch {
            switch error {
            case let .fieldTooWide(field, value, width):
                throw .input(file: file, message: "\(field) `\(value)` is longer than its \(width) characters")
            case let .delimiterInValue(tag, value):
                throw .input(file: file, message: "\(tag): `\(value)` contains a delimiter and X12 has no release character")
            }
        }
    }
}

/// Control numbers and time stamp of an acknowledgement, supplied by the caller (the hub keeps per-partner counters).
public struct AcknowledgmentSettings: Sendable {
    /// ISA13 / UNB 0020 of the acknowledgement interchange.
    public var interchangeControlNumber: Int
    /// GS06 of the acknowledgement group (X12).
    public var groupControlNumber: Int
    /// ST02 / UNH 0062 of the first acknowledgement set; later sets count up from it.
    public var firstSetControlNumber: Int
    /// Date `CCYYMMDD`.
    public var date: String
    /// Time `HHMM`.
    public var time: String

    /// Creates settings.
    public init(interchangeControlNumber: Int, groupControlNumber: Int, firstSetControlNumber: Int, date: String, time: String) {
        self.interchangeControlNumber = interchangeControlNumber
        self.groupControlNumber = groupControlNumber
        self.firstSetControlNumber = firstSetControlNumber
        self.date = date
        self.time = time
    }
}

/// The functional acknowledgement flavours of X12.
public enum FunctionalAcknowledgmentKind: String, Sendable, CaseIterable {
    /// 997 Functional Acknowledgment (AK1…AK9 with AK3/AK4).
    case ack997 = "997"
    /// 999 Implementation Acknowledgment (IK3/IK4/IK5 with CTX).
    case ack999 = "999"
}

/// Writes TA1, 997, 999 and CONTRL answers to a validated interchange, in its release, with the parties reversed.
public enum Acknowledgment {
    /// The reversed envelope of an answer to `report`.
    static func replyEnvelope(_ r: InterchangeReport, _ s: AcknowledgmentSettings) -> OutboundEnvelope {
        let version: [String]
        if r.standard == .x12 {
            version = [r.version]
        } else {
            version = r.version.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }
        return OutboundEnvelope(
            senderQualifier: r.receiverQualifier.trimmingTrailingSpaces, senderID: r.receiverID.trimmingTrailingSpaces,
            receiverQualifier: r.senderQualifier.trimmingTrailingSpaces, receiverID: r.senderID.trimmingTrailingSpaces,
            date: s.date, time: s.time, controlNumber: s.interchangeControlNumber, version: version,
            usage: r.standard == .x12 ? (r.usage.isEmpty ? "P" : r.usage) : r.usage, acknowledgmentRequested: false, delimiters: r.delimiters)
    }

    /// The TA1 interchange acknowledgement: accepted, accepted with errors, or rejected, with the first note code.
    public static func ta1(for r: InterchangeReport, settings: AcknowledgmentSettings) throws(EDIWriteError) -> [UInt8] {
        let code = r.issues.first?.x12Code ?? .noError
        let status: String
        switch code {
        case .noError: status = "A"
        case .controlNumberMismatch, .invalidGroupCount: status = "E"
        default: status = "R"
        }
        let ta1 = OutboundSegment("TA1", r.controlNumber, r.date, r.time, status, code.rawValue)
        return try EnvelopeBuilder.x12(replyEnvelope(r, settings), groups: [], extraSegments: [ta1])
    }

    /// The 997 or 999 for every functional group except acknowledgements themselves; nil when there is nothing to answer.
    public static func functional(_ kind: FunctionalAcknowledgmentKind, for r: InterchangeReport, settings: AcknowledgmentSettings) throws(EDIWriteError) -> [UInt8]? {
        let groups = r.groups.filter { $0.functionalID != "FA" }
        guard !groups.isEmpty else { return nil }
        var sets: [OutboundTransactionSet] = []
        for (i, g) in groups.enumerated() {
            let number = EnvelopeBuilder.pad(settings.firstSetControlNumber + i, 4)
            sets.append(OutboundTransactionSet(
                identifier: [kind.rawValue], controlNumber: number,
                implementationReference: kind == .ack999 ? "005010X231A1" : nil,
                body: body(kind, g, r.delimiters)))
        }
        let version = kind == .ack999 ? "005010X231A1" : (groups[0].version.isEmpty ? "004010" : groups[0].version)
        let group = OutboundGroup(functionalID: "FA", applicationSender: groups[0].applicationReceiver, applicationReceiver: groups[0].applicationSender,
                                  controlNumber: settings.groupControlNumber, version: version, sets: sets)
        return try EnvelopeBuilder.x12(replyEnvelope(r, settings), groups: [group])
    }

    static func body(_ kind: FunctionalAcknowledgmentKind, _ g: GroupReport, _ d: Delimiters) -> [OutboundSegment] {
        var out: [OutboundSegment] = []
        var ak1 = OutboundSegment("AK1", g.functionalID, g.controlNumber)
        if kind == .ack999 || g.version.hasPrefix("005") || g.version.hasPrefix("006") || g.version.hasPrefix("007") || g.version.hasPrefix("008") {
            ak1.elements.append([g.version])
        }
        out.append(ak1)
        for set in g.sets {
            var ak2 = OutboundSegment("AK2", set.identifier, set.controlNumber)
            if kind == .ack999, !set.implementationReference.isEmpty { ak2.elements.append([set.implementationReference]) }
            out.append(ak2)
            for issue in set.segmentIssues {
                out.append(OutboundSegment(kind == .ack999 ? "IK3" : "AK3", issue.tag, String(issue.position), issue.loopID ?? "", issue.x12Code.rawValue))
                if kind == .ack999, let id = set.businessIdentifier {
                    out.append(OutboundSegment("CTX", composites: [[id.name, id.value]]))
                }
                for e in issue.elements {
                    var position = [String(e.position)]
                    if let c = e.component { position.append(String(c)) }
                    if kind == .ack999, let rep = e.repetition {
                        if position.count == 1 { position.append("") }
                        position.append(String(rep))
                    }
                    let value = (e.value ?? "").filter { ch in
                        !ch.utf8.contains { $0 == d.element || $0 == d.segment || $0 == d.component || $0 == d.repetition }
                    }
                    out.append(OutboundSegment(kind == .ack999 ? "IK4" : "AK4", composites: [position, [e.reference ?? ""], [e.x12Code.rawValue], [String(value.prefix(99))]]))
                }
            }
            var codes = set.errors.map(\.rawValue)
            if !set.segmentIssues.isEmpty, !codes.contains("5") { codes.append("5") }
            let ak5 = OutboundSegment(kind == .ack999 ? "IK5" : "AK5", composites: [[set.isAccepted ? "A" : "R"]] + codes.prefix(5).map { [$0] })
            out.append(ak5)
        }
        let status: String
        if !g.errors.isEmpty || (g.received > 0 && g.accepted == 0) {
            status = "R"
        } else if g.accepted == g.received {
            status = "A"
        } else {
            status = "P"
        }
        let declared = g.declaredCount ?? g.received
        let ak9 = OutboundSegment("AK9", composites: [[status], [String(declared)], [String(g.received)], [String(g.accepted)]] + g.errors.prefix(5).map { [$0.rawValue] })
        out.append(ak9)
        return out
    }

    /// The EDIFACT CONTRL syntax and service report (UCI, UCF, UCM, UCS, UCD); nil when the interchange only holds CONTRL or APERAK messages.
    public static func contrl(for r: InterchangeReport, settings: AcknowledgmentSettings) throws(EDIWriteError) -> [UInt8]? {
        let allSets = r.ungroupedSets + r.groups.flatMap(\.sets)
        if !allSets.isEmpty, allSets.allSatisfy({ $0.identifier == "CONTRL" || $0.identifier == "APERAK" }) { return nil }
        var body: [OutboundSegment] = []
        var uci = OutboundSegment("UCI", composites: [[r.controlNumber], [r.senderID, r.senderQualifier], [r.receiverID, r.receiverQualifier],
                                                      [r.issues.isEmpty ? "7" : "4"]])
        if let first = r.issues.first {
            uci.elements += [[first.edifactCode.rawValue], [first.tag], first.elementPosition.map { [String($0)] } ?? [""]]
        }
        body.append(uci)
        for set in r.ungroupedSets { body += ucm(set) }
        for g in r.groups {
            var ucf = OutboundSegment("UCF", composites: [[g.controlNumber], [g.applicationSender], [g.applicationReceiver],
                                                          [g.edifactErrors.isEmpty && g.accepted == g.received ? "7" : "4"]])
            if let e = g.edifactErrors.first { ucf.elements += [[e.code.rawValue], [e.tag]] }
            body.append(ucf)
            for set in g.sets { body += ucm(set) }
        }
        let syntax4 = r.version.hasSuffix(":4")
        let message = OutboundTransactionSet(identifier: syntax4 ? ["CONTRL", "4", "1", "UN"] : ["CONTRL", "D", "3", "UN"],
                                             controlNumber: String(settings.firstSetControlNumber), body: body)
        return try EnvelopeBuilder.edifact(replyEnvelope(r, settings), messages: [message], serviceStringAdvice: true)
    }

    static func ucm(_ set: TransactionSetReport) -> [OutboundSegment] {
        let s009 = set.implementationReference.split(separator: ":", omittingEmptySubsequences: false).prefix(5).map(String.init)
        var ucm = OutboundSegment("UCM", composites: [[set.controlNumber], s009, [set.isAccepted ? "7" : "4"]])
        if let e = set.edifactErrors.first { ucm.elements += [[e.code.rawValue], [e.tag]] }
        var out = [ucm]
        for issue in set.segmentIssues {
            out.append(OutboundSegment("UCS", composites: [[String(issue.position)], [issue.edifactCode?.rawValue ?? ""]]))
            for e in issue.elements {
                var position = [String(e.position)]
                if let c = e.component { position.append(String(c)) }
                out.append(OutboundSegment("UCD", composites: [[e.edifactCode.rawValue], position]))
            }
        }
        return out
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

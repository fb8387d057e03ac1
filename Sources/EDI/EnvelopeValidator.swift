/// Checks one transaction set against an implementation guide (the guide catalogue conforms).
public protocol TransactionSetChecker: Sendable {
    /// Adds guide problems of `set` to `report`; `version` is GS08 or the UNH S009 version.
    func check(_ set: TransactionSet, standard: EDIStandard, version: String, report: inout TransactionSetReport)
}

/// Validates envelopes while events stream by, keeping only per-set summaries.
public struct EnvelopeValidator {
    private let checker: (any TransactionSetChecker)?
    private let keepAcceptedSets: Bool
    private var current: InterchangeReport?
    private var group: GroupReport?
    private var groupCount = 0
    private var ungroupedCount = 0
    private var groupNumbers: Set<String> = []
    private var setNumbers: Set<String> = []

    /// Creates a validator; with `keepAcceptedSets` false only rejected sets are kept (for huge inputs).
    public init(checker: (any TransactionSetChecker)? = nil, keepAcceptedSets: Bool = true) {
        self.checker = checker
        self.keepAcceptedSets = keepAcceptedSets
    }

    /// Feeds one event; returns the report of an interchange that this event completed.
    public mutating func consume(_ event: EDIEvent) -> InterchangeReport? {
        switch event {
        case let .interchangeHeader(h):
            let finished = closeInterchange(trailer: nil, at: h.segment.offset)
            startInterchange(h)
            return finished
        case let .groupHeader(s):
            guard current != nil else { return nil }
            startGroup(s)
        case let .transactionSet(t):
            guard current != nil else { return nil }
            addSet(t)
        case let .groupTrailer(s):
            guard current != nil else { return nil }
            closeGroup(trailer: s, at: s.offset)
        case let .interchangeTrailer(s):
            return closeInterchange(trailer: s, at: s.offset)
        case let .straySegment(s):
            guard current != nil else { return nil }
            stray(s)
        }
        return nil
    }

    /// Ends the input: reports the last interchange (with a missing-trailer error if it was not closed).
    public mutating func finish(at offset: Int) -> InterchangeReport? {
        closeInterchange(trailer: nil, at: offset)
    }

    // MARK: Interchange

    private mutating func startInterchange(_ h: InterchangeHeader) {
        let s = h.segment
        groupCount = 0
        ungroupedCount = 0
        groupNumbers = []
        setNumbers = []
        let values = (1...max(s.elementCount, 1)).map { s.value($0) }
        switch h.standard {
        case .x12:
            var r = InterchangeReport(
                standard: .x12, delimiters: h.delimiters, headerValues: values,
                senderQualifier: s.value(5), senderID: s.value(6), receiverQualifier: s.value(7), receiverID: s.value(8),
                controlNumber: s.value(13), version: s.value(12), date: s.value(9), time: s.value(10), usage: s.value(15),
                acknowledgmentRequested: s.value(14) == "1", offset: s.offset)
            r.issues = X12HeaderRules.check(s)
            current = r
        case .edifact:
            var r = InterchangeReport(
                standard: .edifact, delimiters: h.delimiters, headerValues: values,
                senderQualifier: s.value(2, 2), senderID: s.value(2, 1), receiverQualifier: s.value(3, 2), receiverID: s.value(3, 1),
                controlNumber: s.value(5), version: s.value(1, 1) + ":" + s.value(1, 2), date: s.value(4, 1), time: s.value(4, 2),
                usage: s.value(11), acknowledgmentRequested: s.value(9) == "1", offset: s.offset)
            r.issues = EdifactHeaderRules.check(s)
            current = r
        }
    }

    private mutating func closeInterchange(trailer: Segment?, at offset: Int) -> InterchangeReport? {
        guard current != nil else { return nil }
        // Closing an open group first records its missing trailer in `current`.
        if group != nil { closeGroup(trailer: nil, at: offset) }
        guard var r = current else { return nil }
        let x12 = r.standard == .x12
        if let t = trailer {
            let declared = t.value(1)
            let actual = x12 || groupCount > 0 ? groupCount : ungroupedCount
            if Int(declared) != actual {
                r.issues.append(issue(x12, .invalidGroupCount, .controlCountMismatch, t, 1,
                                      "\(t.tagText)01 says \(declared) \(x12 || groupCount > 0 ? "groups" : "messages"), found \(actual)"))
            }
            if t.value(2) != r.controlNumber {
                r.issues.append(issue(x12, .controlNumberMismatch, .referencesDoNotMatch, t, 2,
                                      "\(t.tagText)02 \(t.value(2)) does not match the header's control number \(r.controlNumber)"))
            }
            if !t.isTerminated {
                r.issues.append(issue(x12, .prematureEndOfFile, .missing, t, nil, "the input ends inside \(t.tagText)"))
            }
        } else {
            let tag = x12 ? "IEA" : "UNZ"
            r.issues.append(InterchangeIssue(x12Code: .prematureEndOfFile, edifactCode: .missing, tag: tag, elementPosition: nil,
                                             offset: offset, message: "interchange trailer \(tag) missing (truncated input?)"))
        }
        if !x12, groupCount == 0, ungroupedCount == 0 {
            r.issues.append(InterchangeIssue(x12Code: .invalidContent, edifactCode: .lowerLevelEmpty, tag: "UNB", elementPosition: nil,
                                             offset: r.offset, message: "the interchange holds no message"))
        }
        current = nil
        return r
    }

    private func issue(_ x12: Bool, _ x: InterchangeNoteCode, _ e: SyntaxErrorCode, _ s: Segment, _ pos: Int?, _ message: String) -> InterchangeIssue {
        InterchangeIssue(x12Code: x, edifactCode: e, tag: s.tagText, elementPosition: pos, offset: s.offset, message: message)
    }

    private mutating func stray(_ s: Segment) {
        let x12 = current!.standard == .x12
        if s.tag.rawValue == 0 { return }  // only white space left at the end
        if x12 && s.tag == .TA1 && group == nil { return }
        if !s.isTerminated {
            current!.issues.append(issue(x12, .prematureEndOfFile, .missing, s, nil, "the input ends inside segment \(s.tagText)"))
            return
        }
        current!.issues.append(issue(x12, .invalidContent, .invalidOccurrenceOutside, s, nil,
                                     "segment \(s.tagText) is outside any \(x12 ? "transaction set" : "message")"))
    }

    // MARK: Group

    private mutating func startGroup(_ s: Segment) {
        if group != nil { closeGroup(trailer: nil, at: s.offset) }
        let x12 = current!.standard == .x12
        var g: GroupReport
        if x12 {
            g = GroupReport(functionalID: s.value(1), controlNumber: s.value(6), version: s.value(8),
                            applicationSender: s.value(2), applicationReceiver: s.value(3), offset: s.offset)
            let n = s.value(6)
            if n.isEmpty || n.count > 9 || !n.utf8.allSatisfy(ByteClass.isDigit) { g.errors.append(.controlNumberInvalid) }
            if s.value(8).isEmpty { g.errors.append(.versionNotSupported) }
        } else {
            g = GroupReport(functionalID: s.value(1), controlNumber: s.value(5), version: s.value(7, 1) + ":" + s.value(7, 2),
                            applicationSender: s.value(2, 1), applicationReceiver: s.value(3, 1), offset: s.offset)
            if s.value(5).isEmpty { g.edifactErrors.append((.missing, "UNG")) }
            if ungroupedCount > 0 { current!.issues.append(issue(false, .invalidContent, .groupsAndMessagesMixed, s, nil, "groups and ungrouped messages are mixed")) }
        }
        if !groupNumbers.insert(g.controlNumber).inserted {
            if x12 { g.errors.append(.controlNumberNotUnique) } else { g.edifactErrors.append((.duplicateDetected, "UNG")) }
        }
        setNumbers = []
        groupCount += 1
        group = g
    }

    private mutating func closeGroup(trailer: Segment?, at offset: Int) {
        let x12 = current!.standard == .x12
        guard var g = group else {
            if let t = trailer {
                current!.issues.append(issue(x12, .invalidContent, .invalidOccurrenceOutside, t, nil, "\(t.tagText) without a group header"))
            }
            return
        }
        if let t = trailer {
            g.declaredCount = Int(t.value(1))
            if Int(t.value(1)) != g.received {
                if x12 { g.errors.append(.setCountMismatch) } else { g.edifactErrors.append((.controlCountMismatch, "UNE")) }
            }
            if t.value(2) != g.controlNumber {
                if x12 { g.errors.append(.controlNumberMismatch) } else { g.edifactErrors.append((.referencesDoNotMatch, "UNE")) }
            }
        } else {
            if x12 { g.errors.append(.trailerMissing) } else { g.edifactErrors.append((.missing, "UNE")) }
        }
        current!.groups.append(g)
        group = nil
    }

    // MARK: Transaction set

    private mutating func addSet(_ t: TransactionSet) {
        let x12 = current!.standard == .x12
        let h = t.header
        var r: TransactionSetReport
        // GS08, or the UNH S009 version and release (`D96A`): what selects the guide.
        let version: String
        if x12 {
            version = group?.version ?? ""
            r = TransactionSetReport(identifier: h.value(1), controlNumber: h.value(2), implementationReference: h.value(3),
                                     offset: t.offset, segmentCount: t.segmentCount)
            let id = h.value(1)
            if id.count != 3 || !id.utf8.allSatisfy(ByteClass.isDigit) { r.errors.append(.invalidSetIdentifier) }
            let n = h.value(2)
            if n.count < 4 || n.count > 9 { r.errors.append(.invalidControlNumber) }
            if group == nil { r.errors.append(.setNotInGroup) }
            if let tr = t.trailer {
                if tr.value(2) != n { r.errors.append(.controlNumberMismatch) }
                if Int(tr.value(1)) != t.segmentCount { r.errors.append(.segmentCountMismatch) }
            } else {
                r.errors.append(.trailerMissing)
            }
            if !setNumbers.insert(n).inserted { r.errors.append(.controlNumberNotUnique) }
        } else {
            // Each value read once: splitting S009 and building its strings again for every use cost more than the rest of the set.
            let s009 = h.element(2)?.components.map(\.text) ?? []
            let reference = h.value(1)
            r = TransactionSetReport(identifier: s009.first ?? "", controlNumber: reference, implementationReference: s009.joined(separator: ":"),
                                     offset: t.offset, segmentCount: t.segmentCount)
            if reference.isEmpty { r.edifactErrors.append((.missing, "UNH")) }
            if s009.count < 4 || s009[0...3].contains(where: \.isEmpty) { r.edifactErrors.append((.missing, "UNH")) }
            if let tr = t.trailer {
                if tr.value(2) != reference { r.edifactErrors.append((.referencesDoNotMatch, "UNT")) }
                if Int(tr.value(1)) != t.segmentCount { r.edifactErrors.append((.controlCountMismatch, "UNT")) }
            } else {
                r.edifactErrors.append((.missing, "UNT"))
            }
            if !setNumbers.insert(reference).inserted { r.edifactErrors.append((.duplicateDetected, "UNH")) }
            version = (s009.count > 1 ? s009[1] : "") + (s009.count > 2 ? s009[2] : "")
            if group == nil {
                if groupCount > 0 { current!.issues.append(issue(false, .invalidContent, .groupsAndMessagesMixed, h, nil, "groups and ungrouped messages are mixed")) }
                ungroupedCount += 1
            }
        }
        if let checker {
            checker.check(t, standard: current!.standard, version: version, report: &r)
        }
        if x12, !r.segmentIssues.isEmpty, !r.errors.contains(.segmentsInError) { r.errors.append(.segmentsInError) }
        let accepted = r.isAccepted
        current!.setsReceived += 1
        if accepted { current!.setsAccepted += 1 }
        if group != nil {
            group!.setTypeCounts[r.identifier, default: 0] += 1
            group!.received += 1
            if accepted { group!.accepted += 1 }
            if keepAcceptedSets || !accepted { group!.sets.append(r) }
        } else {
            current!.ungroupedSetTypeCounts[r.identifier, default: 0] += 1
        }
        if group == nil, keepAcceptedSets || !accepted {
            if x12 {
                current!.issues.append(issue(true, .invalidContent, .invalidOccurrenceOutside, h, nil, "transaction set outside a functional group"))
            }
            current!.ungroupedSets.append(r)
        }
    }
}

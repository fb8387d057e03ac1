/// Checks one transaction set's segment order, loops, usage, repeats and elements against a guide.
struct GuideValidator {
    let guide: Guide
    let knownTags: Set<SegmentTag>

    private struct Frame {
        var nodes: [GuideNode]
        var index: Int
        var counts: [Int]
        var loopID: String?
    }

    func validate(_ set: TransactionSet, report: inout TransactionSetReport) {
        let x12 = guide.standard == .x12
        var stack = [Frame(nodes: guide.structure, index: 0, counts: Array(repeating: 0, count: guide.structure.count), loopID: nil)]
        var issues: [SegmentIssue] = []
        let count = set.store.count
        let hasTrailer = set.trailer != nil
        for i in 0..<count {
            let seg = set.store[i]
            let position = i + 1
            let tag = seg.tag
            if place(tag, &stack, position: position, offset: seg.offset, issues: &issues) {
                if let rule = guide.segments[tag] {
                    let elementIssues = checkElements(seg, rule)
                    if !elementIssues.isEmpty {
                        issues.append(SegmentIssue(tag: seg.tagText, position: position, loopID: stack.last?.loopID, x12Code: .segmentHasElementErrors,
                                                   edifactCode: nil, elements: elementIssues, offset: seg.offset))
                    }
                }
            } else {
                let known = knownTags.contains(tag)
                issues.append(SegmentIssue(tag: seg.tagText, position: position, loopID: stack.last?.loopID,
                                           x12Code: known ? .segmentOutOfSequence : .unrecognizedSegment,
                                           edifactCode: .notSupportedInPosition, offset: seg.offset))
            }
        }
        // End of the set: whatever mandatory node is still unseen is missing (the trailer is the envelope's business).
        let endOffset = set.store.count > 0 ? set.store[count - 1].offset : set.offset
        while let frame = stack.popLast() {
            missing(in: frame, from: frame.index, to: frame.nodes.count, position: count, offset: endOffset, issues: &issues,
                    skipTrailer: !hasTrailer)
        }
        if let (tag, pos) = guide.businessIdentifier {
            let t = SegmentTag(tag)
            for i in 0..<count where set.store[i].tag == t {
                report.businessIdentifier = (tag + (pos < 10 ? "0" : "") + String(pos), set.store[i].value(pos))
                break
            }
        }
        report.segmentIssues += issues
        report.guideChecked = true
        _ = x12
    }

    /// Finds where `tag` fits, moving through loops; false when it fits nowhere from here.
    private func place(_ tag: SegmentTag, _ stack: inout [Frame], position: Int, offset: Int, issues: inout [SegmentIssue]) -> Bool {
        var level = stack.count - 1
        while level >= 0 {
            let frame = stack[level]
            // Inside a loop its trigger (node 0) only matches through the parent: a second one starts a new iteration.
            var k = level > 0 && frame.index == 0 ? 1 : frame.index
            while k < frame.nodes.count {
                let node = frame.nodes[k]
                if node.trigger == tag {
                    // Leave deeper loops first: their unseen mandatory nodes are missing.
                    while stack.count - 1 > level {
                        let f = stack.removeLast()
                        missing(in: f, from: f.index, to: f.nodes.count, position: position, offset: offset, issues: &issues, skipTrailer: false)
                    }
                    let from = stack[level].counts[stack[level].index] > 0 ? stack[level].index + 1 : stack[level].index
                    missing(in: stack[level], from: from, to: k, position: position, offset: offset, issues: &issues, skipTrailer: false)
                    stack[level].index = k
                    stack[level].counts[k] += 1
                    let uses = stack[level].counts[k]
                    switch node {
                    case .segment:
                        if uses > node.maxUse {
                            issues.append(SegmentIssue(tag: tag.description, position: position, loopID: stack[level].loopID, x12Code: .segmentOverMaximumUse,
                                                       edifactCode: .tooManySegmentRepetitions, offset: offset))
                        }
                    case let .loop(id, _, _, children):
                        if uses > node.maxUse {
                            issues.append(SegmentIssue(tag: tag.description, position: position, loopID: id, x12Code: .loopOverMaximum,
                                                       edifactCode: .tooManyGroupRepetitions, offset: offset))
                        }
                        var inner = Frame(nodes: children, index: 0, counts: Array(repeating: 0, count: children.count), loopID: id)
                        inner.counts[0] = 1
                        stack.append(inner)
                        // A loop whose trigger is itself a loop (rare) is entered one level at a time.
                        if case let .loop(innerID, _, _, innerChildren) = children[0] {
                            var deeper = Frame(nodes: innerChildren, index: 0, counts: Array(repeating: 0, count: innerChildren.count), loopID: innerID)
                            deeper.counts[0] = 1
                            stack.append(deeper)
                        }
                    }
                    return true
                }
                k += 1
            }
            level -= 1
        }
        return false
    }

    private func missing(in frame: Frame, from: Int, to: Int, position: Int, offset: Int, issues: inout [SegmentIssue], skipTrailer: Bool) {
        guard from < to else { return }
        for k in from..<to where frame.counts[k] == 0 && frame.nodes[k].usage == .mandatory {
            let trig = frame.nodes[k].trigger
            if trig == .SE || trig == .UNT || trig == .ST || trig == .UNH { continue }
            issues.append(SegmentIssue(tag: trig.description, position: position, loopID: frame.loopID, x12Code: .mandatorySegmentMissing,
                                       edifactCode: .missing, offset: offset))
        }
    }

    // MARK: Elements

    private func checkElements(_ seg: Segment, _ rule: SegmentRule) -> [ElementIssue] {
        var out: [ElementIssue] = []
        let x12 = guide.standard == .x12
        let n = seg.elementCount
        if n > rule.elements.count {
            out.append(ElementIssue(position: rule.elements.count + 1, x12Code: .tooManyElements, edifactCode: .tooManyConstituents,
                                    value: seg.element(rule.elements.count + 1)?.text))
        }
        for (i, r) in rule.elements.enumerated() {
            let position = i + 1
            guard let e = seg.element(position), !e.isEmpty else {
                if r.usage == .mandatory {
                    out.append(ElementIssue(position: position, reference: r.reference, x12Code: .mandatoryElementMissing, edifactCode: .missing))
                }
                continue
            }
            let reps = e.repetitions
            if reps.count > r.maxRepeat {
                out.append(ElementIssue(position: position, reference: r.reference, x12Code: .tooManyRepetitions, edifactCode: .tooManyConstituents))
                continue
            }
            for (ri, rep) in reps.enumerated() {
                let repetition = reps.count > 1 ? ri + 1 : nil
                let comps = rep.components
                if r.type == .composite {
                    if comps.count > r.components.count {
                        out.append(ElementIssue(position: position, component: r.components.count + 1, repetition: repetition, reference: r.reference,
                                                x12Code: .tooManyComponents, edifactCode: .tooManyConstituents))
                    }
                    for (ci, cr) in r.components.enumerated() {
                        let c = ci < comps.count ? comps[ci] : nil
                        let sibling = cr.dateFormatBySibling.flatMap { $0 - 1 < comps.count && $0 >= 1 ? comps[$0 - 1].text : nil }
                        if let issue = checkValue(c?.valueBytes ?? [], cr, position: position, component: ci + 1, repetition: repetition,
                                                  x12: x12, dateFormat: sibling) {
                            out.append(issue)
                        }
                    }
                } else {
                    if comps.count > 1 && !(x12 && seg.tag == .ISA) {
                        out.append(ElementIssue(position: position, repetition: repetition, reference: r.reference, x12Code: .tooManyComponents,
                                                edifactCode: .tooManyConstituents, value: rep.text))
                        continue
                    }
                    if let issue = checkValue(comps[0].valueBytes, r, position: position, component: nil, repetition: repetition, x12: x12, dateFormat: nil) {
                        out.append(issue)
                    }
                }
            }
        }
        return out
    }

    private func checkValue(_ v: ArraySlice<UInt8>, _ r: ElementRule, position: Int, component: Int?, repetition: Int?, x12: Bool, dateFormat: String?) -> ElementIssue? {
        func issue(_ x: ElementErrorCode, _ e: SyntaxErrorCode) -> ElementIssue {
            ElementIssue(position: position, component: component, repetition: repetition, reference: r.reference, x12Code: x, edifactCode: e,
                         value: String(decoding: v, as: UTF8.self))
        }
        if v.isEmpty {
            return r.usage == .mandatory ? ElementIssue(position: position, component: component, repetition: repetition, reference: r.reference,
                                                        x12Code: .mandatoryElementMissing, edifactCode: .missing) : nil
        }
        // Length excludes a minus sign, and for decimal types the decimal point.
        var length = v.count
        var digitsOnly = true
        var points = 0
        for (i, b) in zip(v.indices, v) {
            if b == UInt8(ascii: "-"), i == v.startIndex { length -= 1; continue }
            if b == UInt8(ascii: ".") || (!x12 && b == UInt8(ascii: ",")) { points += 1; continue }
            if !ByteClass.isDigit(b) { digitsOnly = false }
        }
        switch r.type {
        case .implied:
            if !digitsOnly || points > 0 { return issue(.invalidCharacter, .invalidTypeOfCharacters) }
        case .decimal, .numeric:
            if !digitsOnly || points > 1 || length == 0 { return issue(.invalidCharacter, .invalidTypeOfCharacters) }
            length -= points
            if length == 0 { return issue(.invalidCharacter, .invalidTypeOfCharacters) }
        case .alphabetic:
            length = v.count
            if v.contains(where: ByteClass.isDigit) { return issue(.invalidCharacter, .invalidTypeOfCharacters) }
        case .date:
            length = v.count
            if !CalendarCheck.isValidDate(Array(v)) { return issue(.invalidDate, .invalidValue) }
        case .time:
            length = v.count
            if !CalendarCheck.isValidTime(Array(v)) { return issue(.invalidTime, .invalidValue) }
        case .string, .identifier, .alphanumeric, .composite:
            length = v.count
            if v.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return issue(.invalidCharacter, .invalidCharacters) }
        }
        if length < r.minLength { return issue(.tooShort, .elementTooShort) }
        if length > r.maxLength { return issue(.tooLong, .elementTooLong) }
        if let codes = r.codes, !codes.contains(String(decoding: v, as: UTF8.self)) { return issue(.invalidCode, .invalidValue) }
        if let fmt = dateFormat, !Self.edifactDateOK(Array(v), format: fmt) { return issue(.invalidDate, .invalidValue) }
        return nil
    }

    /// EDIFACT date/time formats of data element 2379 that the guides use.
    static func edifactDateOK(_ v: [UInt8], format: String) -> Bool {
        switch format {
        case "102": return v.count == 8 && CalendarCheck.isValidDate(v)
        case "101": return v.count == 6 && CalendarCheck.isValidDate(v)
        case "203": return CalendarCheck.isValidDateTime(v)
        case "718":
            guard v.count == 17, v[8] == UInt8(ascii: "-") else { return false }
            return CalendarCheck.isValidDate(Array(v[0..<8])) && CalendarCheck.isValidDate(Array(v[9..<17]))
        default: return true
        }
    }
}

/// All guides of a folder tree, selected per set by standard, version and identifier.
public struct GuideCatalog: TransactionSetChecker {
    /// The guides by key (`x12 004010 850`).
    public let guides: [String: Guide]
    private let knownTags: [String: Set<SegmentTag>]

    /// Builds a catalogue from parsed guides.
    public init(guides: [Guide]) {
        var byKey: [String: Guide] = [:]
        var tags: [String: Set<SegmentTag>] = [:]
        for g in guides {
            byKey[Self.key(g.standard, g.version, g.identifier)] = g
            tags[g.standard.rawValue + g.version, default: []].formUnion(g.segments.keys)
        }
        self.guides = byKey
        knownTags = tags
    }

    static func key(_ s: EDIStandard, _ version: String, _ id: String) -> String { "\(s.rawValue) \(version) \(id)" }

    /// The guide for a set, if the catalogue has one.
    public func guide(standard: EDIStandard, version: String, identifier: String) -> Guide? {
        // X12 GS08 may carry an industry suffix (`004010X098A1`): the release is its first six characters.
        let v = standard == .x12 ? String(version.prefix(6)) : version
        return guides[Self.key(standard, v, identifier)]
    }

    /// Checks a set against its guide; sets without a guide are left alone.
    public func check(_ set: TransactionSet, standard: EDIStandard, version: String, report: inout TransactionSetReport) {
        guard let g = guide(standard: standard, version: version, identifier: report.identifier) else { return }
        GuideValidator(guide: g, knownTags: knownTags[standard.rawValue + g.version] ?? []).validate(set, report: &report)
    }

    /// Parses a folder's dictionary and guide texts (name → text).
    public static func parse(dictionary: String, guides: [(name: String, text: String)]) throws(GuideError) -> [Guide] {
        let dict = try GuideParser.dictionary(dictionary, file: "segments.guide")
        var out: [Guide] = []
        for g in guides { out.append(try GuideParser.guide(g.text, file: g.name, dictionary: dict)) }
        return out
    }
}

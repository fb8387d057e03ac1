/// Checks one transaction set's segment order, loops, usage, repeats and elements against a compiled guide.
///
/// Works on the set's raw bytes and separator table; it allocates only per set and when reporting an error.
struct GuideValidator {
    let guide: Guide
    let compiled: CompiledGuide
    let knownTags: Set<SegmentTag>
    /// The business identifier's segment tag and its name in reports (`BEG03`), worked out once rather than per set.
    private let business: (tag: SegmentTag, name: String, position: Int)?

    init(guide: Guide, compiled: CompiledGuide, knownTags: Set<SegmentTag>) {
        self.guide = guide
        self.compiled = compiled
        self.knownTags = knownTags
        business = guide.businessIdentifier.map { (tag, pos) in (SegmentTag(tag), tag + (pos < 10 ? "0" : "") + String(pos), pos) }
    }

    private struct Frame {
        var loop: Int
        var index: Int
    }

    /// The loops entered, innermost last, starting with the whole set's; room for the guide's deepest nesting,
    /// so pushing neither checks nor grows.
    private struct Stack {
        private let frames: UnsafeMutablePointer<Frame>
        private(set) var count = 1

        init(capacity: Int) {
            frames = .allocate(capacity: capacity)
            frames.initialize(to: Frame(loop: 0, index: 0))
        }

        var top: Frame { frames[count - 1] }

        subscript(i: Int) -> Frame {
            get { frames[i] }
            nonmutating set { frames[i] = newValue }
        }

        mutating func push(_ f: Frame) {
            frames[count] = f
            count += 1
        }

        mutating func pop() -> Frame? {
            guard count > 0 else { return nil }
            count -= 1
            return frames[count]
        }

        func free() { frames.deallocate() }
    }

    func validate(_ set: TransactionSet, report: inout TransactionSetReport) {
        var counts = [Int](repeating: 0, count: compiled.nodes.count)
        var stack = Stack(capacity: compiled.maxDepth)
        defer { stack.free() }
        var issues: [SegmentIssue] = []
        var scratch = Scratch(set.store.delimiters)
        defer { scratch.free() }
        var elementIssues: [ElementIssue] = []
        let store = set.store
        let count = store.count
        let delimiters = store.delimiters
        counts.withUnsafeMutableBufferPointer { counts in
        store.records.withUnsafeBufferPointer { records in
        compiled.nodes.withUnsafeBufferPointer { nodes in
        compiled.triggers.withUnsafeBufferPointer { triggers in
        compiled.values.withUnsafeBufferPointer { values in
        store.bytes.withUnsafeBufferPointer { buf in
            store.separators.withUnsafeBufferPointer { seps in
                for i in 0..<count {
                    let r = records[i]
                    let position = i + 1
                    let rule = place(r.tag, &stack, counts, nodes, triggers, position: position, offset: r.offset, issues: &issues)
                    if rule == Int.min {
                        let known = knownTags.contains(r.tag)
                        issues.append(SegmentIssue(tag: r.tag.description, position: position, loopID: compiled.loopIDs[compiled.nodes[stack.top.loop].loopIDIndex],
                                                   x12Code: known ? .segmentOutOfSequence : .unrecognizedSegment,
                                                   edifactCode: .notSupportedInPosition, offset: r.offset))
                    } else if rule >= 0, let base = values.baseAddress {
                        checkElements(buf, seps, r, compiled.rules[rule], delimiters, &scratch, base, &elementIssues)
                        if !elementIssues.isEmpty {
                            issues.append(SegmentIssue(tag: r.tag.description, position: position, loopID: compiled.loopIDs[compiled.nodes[stack.top.loop].loopIDIndex],
                                                       x12Code: .segmentHasElementErrors, edifactCode: nil, elements: elementIssues, offset: r.offset))
                            elementIssues = []
                        }
                    }
                }
            }
        }
        }
        }
        // End of the set: whatever mandatory node is still unseen is missing (the trailer is the envelope's business).
        let endOffset = count > 0 ? store.records[count - 1].offset : set.offset
        while let f = stack.pop() {
            missing(f, counts, position: count, offset: endOffset, issues: &issues)
        }
        }
        }
        }
        if let business {
            for i in 0..<count where store.records[i].tag == business.tag {
                report.businessIdentifier = (business.name, store[i].value(business.position))
                break
            }
        }
        report.segmentIssues += issues
        report.guideChecked = true
    }

    /// Finds where `tag` fits, moving through loops. Returns the segment's rule index, -1 when it has no rules, `Int.min` when it fits nowhere.
    private func place(_ tag: SegmentTag, _ stack: inout Stack, _ counts: UnsafeMutableBufferPointer<Int>, _ nodes: UnsafeBufferPointer<CompiledGuide.Node>,
                       _ triggers: UnsafeBufferPointer<SegmentTag>, position: Int, offset: Int, issues: inout [SegmentIssue]) -> Int {
        var level = stack.count - 1
        while level >= 0 {
            let loop = nodes[stack[level].loop]
            // Inside a loop its trigger (child 0) only matches through the parent: a second one starts a new iteration.
            var k = level > 0 && stack[level].index == 0 ? 1 : stack[level].index
            while k < loop.childCount {
                let ci = loop.firstChild &+ k
                if triggers[ci] == tag {
                    while stack.count - 1 > level {
                        missing(stack.pop()!, counts, position: position, offset: offset, issues: &issues)
                    }
                    missing(stack[level], counts, upTo: k, position: position, offset: offset, issues: &issues)
                    stack[level].index = k
                    counts[ci] += 1
                    var node = nodes[ci]
                    if !node.isLoop {
                        if counts[ci] > node.maxUse {
                            issues.append(SegmentIssue(tag: tag.description, position: position, loopID: compiled.loopIDs[loop.loopIDIndex], x12Code: .segmentOverMaximumUse,
                                                       edifactCode: .tooManySegmentRepetitions, offset: offset))
                        }
                        return node.rule
                    }
                    if counts[ci] > node.maxUse {
                        issues.append(SegmentIssue(tag: tag.description, position: position, loopID: compiled.loopIDs[node.loopIDIndex], x12Code: .loopOverMaximum,
                                                   edifactCode: .tooManyGroupRepetitions, offset: offset))
                    }
                    // Enter the loop (and a loop that is its trigger), starting a fresh iteration.
                    var current = ci
                    while true {
                        for j in node.firstChild..<(node.firstChild + node.childCount) { counts[j] = 0 }
                        counts[node.firstChild] = 1
                        stack.push(Frame(loop: current, index: 0))
                        current = node.firstChild
                        node = nodes[current]
                        if !node.isLoop { return node.rule }
                    }
                }
                k &+= 1
            }
            level -= 1
        }
        return Int.min
    }

    private func missing(_ f: Frame, _ counts: UnsafeMutableBufferPointer<Int>, upTo end: Int? = nil, position: Int, offset: Int, issues: inout [SegmentIssue]) {
        let loop = compiled.nodes[f.loop]
        let to = end ?? loop.childCount
        guard f.index < to else { return }
        // Only the mandatory children, found through `nextMandatory`.
        var k = compiled.nodes[loop.firstChild + f.index].nextMandatory
        while k < to {
            let n = compiled.nodes[loop.firstChild + k]
            if counts[loop.firstChild + k] == 0 {
                let trig = n.trigger
                if !(trig == .SE || trig == .UNT || trig == .ST || trig == .UNH) {
                    issues.append(SegmentIssue(tag: trig.description, position: position, loopID: compiled.loopIDs[loop.loopIDIndex], x12Code: .mandatorySegmentMissing,
                                               edifactCode: .missing, offset: offset))
                }
            }
            k = k + 1 < loop.childCount ? compiled.nodes[loop.firstChild + k + 1].nextMandatory : loop.childCount
        }
    }

    // MARK: Elements

    /// Per-byte facts for the element checks, so one pass over an element both splits it and learns what its values hold.
    /// The delimiter bits say which delimiter a byte is; the value bits say what kind of character it is.
    enum ByteBits {
        static var component: UInt8 { 1 }
        static var release: UInt8 { 2 }
        static var repetition: UInt8 { 4 }
        static var control: UInt8 { 8 }
        static var digit: UInt8 { 16 }
        static var nonDigit: UInt8 { 32 }
    }

    /// Scratch memory of one set's element checks: the byte classes of its delimiters, and the boundaries and value bits
    /// of the components of the element being checked, as (start, end, bits) triples, grown only when a composite is
    /// longer than any before.
    private struct Scratch {
        let classes: UnsafeMutablePointer<UInt8>
        private(set) var base: UnsafeMutablePointer<Int>
        private var capacity: Int

        /// The value bits of every byte.
        private static let valueBits: [UInt8] = (0..<256).map { b in
            let byte = UInt8(b)
            let kind = ByteClass.isDigit(byte) ? ByteBits.digit : ByteBits.nonDigit
            return byte < 0x20 || byte == 0x7F ? kind | ByteBits.control : kind
        }

        init(_ d: Delimiters) {
            classes = .allocate(capacity: 256)
            classes.initialize(from: Self.valueBits, count: 256)
            classes[Int(d.component)] |= ByteBits.component
            if let r = d.release { classes[Int(r)] |= ByteBits.release }
            if let r = d.repetition { classes[Int(r)] |= ByteBits.repetition }
            capacity = 48
            base = .allocate(capacity: capacity)
        }

        /// Stores the triple `(a, b, bits)` at `base[used]...`.
        @inline(__always)
        mutating func set(_ used: Int, _ a: Int, _ b: Int, _ bits: UInt8) {
            if used + 3 > capacity { grow(keeping: used) }
            base[used] = a
            base[used + 1] = b
            base[used + 2] = Int(bits)
        }

        private mutating func grow(keeping used: Int) {
            let bigger = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
            bigger.update(from: base, count: used)
            base.deallocate()
            base = bigger
            capacity *= 2
        }

        func free() {
            classes.deallocate()
            base.deallocate()
        }
    }

    /// What one pass over an occurrence found: components in the scratch triples up to `used`, the last one open from `start`
    /// with `bits`; whether a release character occurs; whether a repetition separator does (the pass stops there).
    private struct Split {
        var used = 0
        var start: Int
        var bits: UInt8 = 0
        var escaped = false
        var repeated = false
    }

    /// Splits `buf[from..<to]` into components, honouring the release character; `delimiters` masks the delimiter bits
    /// that count (a repetition separator only where the element may repeat).
    @inline(__always)
    private func split(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, delimiters: UInt8, _ scratch: inout Scratch) -> Split {
        let classes = scratch.classes
        var s = Split(start: from)
        var j = from
        while j < to {
            // Data bytes, the usual case, in a loop of their own that needs few registers.
            var bits = s.bits
            var c = classes[Int(buf[j])]
            while c & delimiters == 0 {
                bits |= c
                j &+= 1
                if j == to { break }
                c = classes[Int(buf[j])]
            }
            s.bits = bits
            if j == to { break }
            if c & delimiters & ByteBits.repetition != 0 {
                s.repeated = true
                break
            }
            if c & ByteBits.release != 0 {
                s.escaped = true
                // A repetition separator stops the pass even when escaped (the occurrence is then checked as written).
                if j &+ 1 < to && classes[Int(buf[j &+ 1])] & delimiters & ByteBits.repetition != 0 {
                    s.repeated = true
                    break
                }
                j &+= 2
                continue
            }
            scratch.set(s.used, s.start, j, s.bits)
            s.used &+= 3
            s.bits = 0
            s.start = j &+ 1
            j &+= 1
        }
        return s
    }

    /// Appends the issues of one segment's elements to `out` (left empty when all is well).
    private func checkElements(_ buf: UnsafeBufferPointer<UInt8>, _ seps: UnsafeBufferPointer<Int32>, _ r: SegmentRecord, _ rule: CompiledGuide.Rule,
                               _ d: Delimiters, _ scratch: inout Scratch, _ values: UnsafePointer<CompiledGuide.Value>, _ out: inout [ElementIssue]) {
        let x12 = guide.standard == .x12
        let n = Int(r.separatorCount)
        let firstSep = Int(r.firstSeparator)
        func range(_ p: Int) -> (Int, Int) {
            let from = Int(seps[firstSep &+ p &- 1]) &+ 1
            let to = p < n ? Int(seps[firstSep &+ p]) : Int(r.contentEnd)
            return (from, to)
        }
        if n > rule.count {
            let (f, t) = range(rule.count + 1)
            out.append(ElementIssue(position: rule.count + 1, x12Code: .tooManyElements, edifactCode: .tooManyConstituents,
                                    value: String(decoding: UnsafeBufferPointer(rebasing: buf[f..<t]), as: UTF8.self)))
        }
        let isISA = r.tag == .ISA
        // The ISA is never split into repetitions (ISA11 is the repetition separator itself).
        let delimiters = isISA ? ByteBits.component | ByteBits.release : ByteBits.component | ByteBits.release | ByteBits.repetition
        // Elements absent from the segment matter only up to the last mandatory one.
        let end = min(rule.count, max(n, rule.mandatoryEnd))
        var i = 0
        while i < end {
            let position = i &+ 1
            // A pointer, not a copy: only the fields used are loaded.
            let v = values + (rule.first &+ i)
            i = position
            if position > n {
                if v.pointee.mandatory { out.append(ElementIssue(position: position, reference: compiled.references[v.pointee.referenceIndex], x12Code: .mandatoryElementMissing, edifactCode: .missing)) }
                continue
            }
            let (from, to) = range(position)
            if from >= to {
                if v.pointee.mandatory { out.append(ElementIssue(position: position, reference: compiled.references[v.pointee.referenceIndex], x12Code: .mandatoryElementMissing, edifactCode: .missing)) }
                continue
            }
            let s = split(buf, from, to, delimiters: delimiters, &scratch)
            if s.repeated {
                let reps = Element(bytes: ArraySlice(buf[from..<to]), delimiters: d).repetitions
                if reps.count > v.pointee.maxRepeat {
                    out.append(ElementIssue(position: position, reference: compiled.references[v.pointee.referenceIndex], x12Code: .tooManyRepetitions, edifactCode: .tooManyConstituents))
                    continue
                }
                for (ri, e) in reps.enumerated() {
                    e.bytes.withUnsafeBufferPointer { rb in
                        let o = split(rb, 0, rb.count, delimiters: ByteBits.component | ByteBits.release, &scratch)
                        checkComponents(rb, 0, rb.count, o, v, position: position, repetition: ri + 1, d: d, x12: x12, scratch: &scratch, out: &out, values: values)
                    }
                }
                continue
            }
            if s.used == 0 && v.pointee.type != .composite {
                // The common case, a simple element without components: checked here rather than through `checkComponents`.
                checkValue(buf, from, to, s.escaped, s.bits, v, position: position, component: nil, repetition: nil, x12: x12 && !isISA, dateFormat: nil, release: d.release, out: &out)
                continue
            }
            checkComponents(buf, from, to, s, v, position: position, repetition: nil, d: d, x12: x12 && !isISA, scratch: &scratch, out: &out, values: values)
        }
    }

    /// Checks an occurrence split by `split`: closes its last component, then checks each.
    @inline(__always)
    private func checkComponents(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ s: Split, _ v: UnsafePointer<CompiledGuide.Value>,
                                 position: Int, repetition: Int?, d: Delimiters, x12: Bool, scratch: inout Scratch, out: inout [ElementIssue], values: UnsafePointer<CompiledGuide.Value>) {
        scratch.set(s.used, s.start, max(s.start, to), s.bits)
        let componentCount = s.used / 3 + 1
        let escaped = s.escaped
        if v.pointee.type != .composite {
            if componentCount > 1 && x12 {
                out.append(ElementIssue(position: position, repetition: repetition, reference: compiled.references[v.pointee.referenceIndex], x12Code: .tooManyComponents, edifactCode: .tooManyConstituents,
                                        value: String(decoding: UnsafeBufferPointer(rebasing: buf[from..<to]), as: UTF8.self)))
                return
            }
            if componentCount > 1 {
                out.append(ElementIssue(position: position, repetition: repetition, reference: compiled.references[v.pointee.referenceIndex], x12Code: .tooManyComponents, edifactCode: .tooManyConstituents))
                return
            }
            checkValue(buf, from, to, escaped, s.bits, v, position: position, component: nil, repetition: repetition, x12: x12, dateFormat: nil, release: d.release, out: &out)
            return
        }
        if componentCount > v.pointee.componentCount {
            out.append(ElementIssue(position: position, component: v.pointee.componentCount + 1, repetition: repetition, reference: compiled.references[v.pointee.referenceIndex],
                                    x12Code: .tooManyComponents, edifactCode: .tooManyConstituents))
        }
        let b = scratch.base
        // Components absent from the value matter only up to the last mandatory one.
        let checked = min(v.pointee.componentCount, max(componentCount, v.pointee.mandatoryComponentEnd))
        for c in 0..<checked {
            let cv = values + (v.pointee.firstComponent &+ c)
            let present = c < componentCount
            let cf = present ? b[3 &* c] : to
            let ct = present ? b[3 &* c &+ 1] : to
            let bits = present ? UInt8(truncatingIfNeeded: b[3 &* c &+ 2]) : 0
            var fmt: Int?
            if let s = cv.pointee.dateFormatBySibling, s >= 1, s <= componentCount {
                fmt = Self.dateFormatCode(buf, b[3 * (s - 1)], b[3 * (s - 1) + 1])
            }
            checkValue(buf, cf, ct, escaped, bits, cv, position: position, component: c + 1, repetition: repetition, x12: x12, dateFormat: fmt, release: d.release, out: &out)
        }
    }

    /// The date/time format qualifier in `buf[from..<to]` as a number when it is one `edifactDateOK` knows (101, 102, 203, 718), else 0.
    static func dateFormatCode(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        guard to - from == 3 else { return 0 }
        let a = buf[from], b = buf[from + 1], c = buf[from + 2]
        guard ByteClass.isDigit(a), ByteClass.isDigit(b), ByteClass.isDigit(c) else { return 0 }
        let code = Int(a - 0x30) * 100 + Int(b - 0x30) * 10 + Int(c - 0x30)
        switch code {
        case 101, 102, 203, 718: return code
        default: return 0
        }
    }

    /// What is wrong with one value; `none` when nothing. Kept apart from building the issue so the check stays small and inlined.
    private enum Fault: UInt8 {
        case none, missing, invalidTypeOfCharacters, invalidCharacters, invalidDate, invalidTime, tooShort, tooLong, invalidCode
    }

    /// `bits` are the value bits of the value's bytes, as `split` gathered them.
    @inline(__always)
    private func checkValue(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ escaped: Bool, _ bits: UInt8, _ v: UnsafePointer<CompiledGuide.Value>, position: Int,
                            component: Int?, repetition: Int?, x12: Bool, dateFormat: Int?, release: UInt8?, out: inout [ElementIssue]) {
        // Most values are settled by their bits and length alone, without the call to `fault`.
        let length = to &- from
        if length <= 0 {
            if v.pointee.mandatory { report(.missing, buf, from, to, v, position: position, component: component, repetition: repetition, out: &out) }
            return
        }
        if !escaped && bits & v.pointee.fullCheckBits == 0 && length >= v.pointee.minLength && length <= v.pointee.maxLength { return }
        if escaped, let release, UnsafeBufferPointer(rebasing: buf[from..<to]).contains(release) {
            checkEscapedValue(buf, from, to, v, position: position, component: component, repetition: repetition, x12: x12, dateFormat: dateFormat, release: release, out: &out)
            return
        }
        let fault = self.fault(buf, from, to, bits, v, x12: x12, dateFormat: dateFormat)
        if fault != .none { report(fault, buf, from, to, v, position: position, component: component, repetition: repetition, out: &out) }
    }

    /// Rare: resolves escapes into a copy and checks that.
    @inline(never)
    private func checkEscapedValue(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ v: UnsafePointer<CompiledGuide.Value>, position: Int,
                                   component: Int?, repetition: Int?, x12: Bool, dateFormat: Int?, release: UInt8, out: inout [ElementIssue]) {
        let plain = Array(Element.unescape(ArraySlice(UnsafeBufferPointer(rebasing: buf[from..<to])), release: release))
        var bits: UInt8 = 0
        for b in plain { bits |= ByteClass.isDigit(b) ? ByteBits.digit : ByteBits.nonDigit | (b < 0x20 || b == 0x7F ? ByteBits.control : 0) }
        plain.withUnsafeBufferPointer { p in
            checkValue(p, 0, p.count, false, bits, v, position: position, component: component, repetition: repetition, x12: x12, dateFormat: dateFormat, release: nil, out: &out)
        }
    }

    @inline(never)
    private func report(_ fault: Fault, _ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ v: UnsafePointer<CompiledGuide.Value>, position: Int,
                        component: Int?, repetition: Int?, out: inout [ElementIssue]) {
        let x: ElementErrorCode
        let e: SyntaxErrorCode
        switch fault {
        case .none: return
        case .missing:
            out.append(ElementIssue(position: position, component: component, repetition: repetition, reference: compiled.references[v.pointee.referenceIndex],
                                    x12Code: .mandatoryElementMissing, edifactCode: .missing))
            return
        case .invalidTypeOfCharacters: (x, e) = (.invalidCharacter, .invalidTypeOfCharacters)
        case .invalidCharacters: (x, e) = (.invalidCharacter, .invalidCharacters)
        case .invalidDate: (x, e) = (.invalidDate, .invalidValue)
        case .invalidTime: (x, e) = (.invalidTime, .invalidValue)
        case .tooShort: (x, e) = (.tooShort, .elementTooShort)
        case .tooLong: (x, e) = (.tooLong, .elementTooLong)
        case .invalidCode: (x, e) = (.invalidCode, .invalidValue)
        }
        out.append(ElementIssue(position: position, component: component, repetition: repetition, reference: compiled.references[v.pointee.referenceIndex], x12Code: x, edifactCode: e,
                                value: String(decoding: UnsafeBufferPointer(rebasing: buf[from..<to]), as: UTF8.self)))
    }

    /// The first fault of the value in `buf[from..<to]` (release characters already resolved).
    @inline(__always)
    private func fault(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ bits: UInt8, _ v: UnsafePointer<CompiledGuide.Value>, x12: Bool, dateFormat: Int?) -> Fault {
        if from >= to { return v.pointee.mandatory ? .missing : .none }
        let value = buf[from..<to]
        // Length excludes a minus sign, and for decimal types the decimal point.
        var length = to - from
        switch v.pointee.type {
        case .implied, .decimal, .numeric:
            // Only digits: nothing to count.
            if bits & ByteBits.nonDigit == 0 { break }
            var digits = 0
            var points = 0
            var bad = false
            for idx in from..<to {
                let b = buf[idx]
                if ByteClass.isDigit(b) {
                    digits += 1
                } else if b == UInt8(ascii: "-") && idx == from {
                    continue
                } else if b == UInt8(ascii: ".") || (!x12 && b == UInt8(ascii: ",")) {
                    points += 1
                } else {
                    bad = true
                }
            }
            if case .implied = v.pointee.type, points > 0 { bad = true }
            if bad || points > 1 || digits == 0 { return .invalidTypeOfCharacters }
            length = digits
        case .alphabetic:
            if bits & ByteBits.digit != 0 { return .invalidTypeOfCharacters }
        case .date:
            if !CalendarCheck.isValidDate(value) { return .invalidDate }
        case .time:
            if !CalendarCheck.isValidTime(value) { return .invalidTime }
        case .string, .identifier, .alphanumeric, .composite:
            if bits & ByteBits.control != 0 { return .invalidCharacters }
        }
        if length < v.pointee.minLength { return .tooShort }
        if length > v.pointee.maxLength { return .tooLong }
        if v.pointee.codesIndex >= 0 {
            var found = false
            for code in compiled.codeLists[v.pointee.codesIndex] where code.count == to - from {
                if code.withUnsafeBufferPointer({ c in memcmpEqual(c, buf, from, to) }) {
                    found = true
                    break
                }
            }
            if !found { return .invalidCode }
        }
        // Only the formats `edifactDateOK` checks (code 0 = any other format, always accepted).
        if let fmt = dateFormat, fmt != 0, !Self.edifactDateOK(UnsafeBufferPointer(rebasing: value), code: fmt) { return .invalidDate }
        return .none
    }

    /// `edifactDateOK(_:format:)` for a format given as its number (see `dateFormatCode`), on bytes in place.
    static func edifactDateOK(_ v: UnsafeBufferPointer<UInt8>, code: Int) -> Bool {
        switch code {
        case 102: return v.count == 8 && CalendarCheck.isValidDate(v)
        case 101: return v.count == 6 && CalendarCheck.isValidDate(v)
        case 203: return CalendarCheck.isValidDateTime(v)
        case 718:
            guard v.count == 17, v[8] == UInt8(ascii: "-") else { return false }
            return CalendarCheck.isValidDate(v[0..<8]) && CalendarCheck.isValidDate(v[9..<17])
        default: return true
        }
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

private func memcmpEqual(_ code: UnsafeBufferPointer<UInt8>, _ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
    var i = 0
    while i < code.count {
        if code[i] != buf[from + i] { return false }
        i += 1
    }
    return true
}

/// All guides of a folder tree, selected per set by standard, version and identifier.
public struct GuideCatalog: TransactionSetChecker {
    /// The guides by key (`x12 004010 850`).
    public let guides: [String: Guide]
    /// The validator of each guide, ready to use: one look-up per set, no key text built.
    private let validators: [Selector: GuideValidator]

    private struct Selector: Hashable {
        var standard: EDIStandard
        var version: String
        var identifier: String
    }

    /// Builds a catalogue from parsed guides.
    public init(guides: [Guide]) {
        var byKey: [String: Guide] = [:]
        var tags: [String: Set<SegmentTag>] = [:]
        for g in guides {
            byKey[Self.key(g.standard, g.version, g.identifier)] = g
            tags[g.standard.rawValue + g.version, default: []].formUnion(g.segments.keys)
        }
        self.guides = byKey
        var validators: [Selector: GuideValidator] = [:]
        for g in byKey.values {
            validators[Selector(standard: g.standard, version: g.version, identifier: g.identifier)] =
                GuideValidator(guide: g, compiled: CompiledGuide(g), knownTags: tags[g.standard.rawValue + g.version] ?? [])
        }
        self.validators = validators
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
        let v = standard == .x12 ? String(version.prefix(6)) : version
        validators[Selector(standard: standard, version: v, identifier: report.identifier)]?.validate(set, report: &report)
    }

    /// Parses a folder's dictionary and guide texts (name → text).
    public static func parse(dictionary: String, guides: [(name: String, text: String)]) throws(GuideError) -> [Guide] {
        let dict = try GuideParser.dictionary(dictionary, file: "segments.guide")
        var out: [Guide] = []
        for g in guides { out.append(try GuideParser.guide(g.text, file: g.name, dictionary: dict)) }
        return out
    }
}

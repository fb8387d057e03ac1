import EDI

extension CompiledReader {
    /// A group or loop instance found by partitioning (see `EDIScope` for the rules): a range
    /// of segments (store indices), its own segments in `own`, its instances in `scopes`.
    struct Scope {
        var level: Int32
        /// The segment that started the instance, -1 for the transaction set.
        var start: Int32
        var lower: Int32
        var upper: Int32
        /// The segment whose HL01 names the enclosing hierarchical level, -1 for none.
        var hierarchy: Int32
        var ownLower: Int32 = 0
        var ownUpper: Int32 = 0
        var childLower: Int32 = 0
        var childUpper: Int32 = 0
    }

    /// Partitions the body breadth first, so each scope's own segments and instances are
    /// contiguous in `own` and `scopes`.
    mutating func partition(body: Range<Int>) throws(Deferred) {
        scopes.truncate(to: 0)
        own.truncate(to: 0)
        scopes.append(Scope(level: 0, start: -1, lower: Int32(body.lowerBound), upper: Int32(body.upperBound), hierarchy: -1))
        var index = 0
        while index < scopes.count {
            try partition(scope: index)
            index += 1
        }
    }

    private mutating func partition(scope index: Int) throws(Deferred) {
        var scope = scopes[index]
        let level = plan.levels[Int(scope.level)]
        let start = Int(scope.start)
        if level.hierarchical, start >= 0 {
            // HL02 must name the enclosing level's HL01 (both absent counts as equal).
            let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            let parent = Array(scope.hierarchy >= 0 ? text(Int(scope.hierarchy), 1, 0) ?? empty : empty)
            let pointer = text(start, 2, 0) ?? empty
            guard pointer.elementsEqual(parent) || String(decoding: pointer, as: UTF8.self) == String(decoding: parent, as: UTF8.self) else {
                throw Deferred()
            }
            scope.hierarchy = scope.start
        }
        scope.ownLower = Int32(own.count)
        if start >= 0 { own.append(OwnSegment(segment: scope.start, tag: tag(of: start))) }
        scope.childLower = Int32(scopes.count)
        var openLevel = -1
        var openStart = 0
        func close(_ reader: inout CompiledReader, at end: Int) {
            guard openLevel >= 0 else { return }
            reader.scopes.append(Scope(level: Int32(openLevel), start: Int32(openStart), lower: Int32(openStart), upper: Int32(end), hierarchy: scope.hierarchy))
            openLevel = -1
        }
        let trailer = index == 0 ? plan.trailer : Span(0, 0)
        for segment in Int(scope.lower)..<Int(scope.upper) where segment != start {
            let tag = tag(of: segment)
            if level.filter & PartitionLevel.bit(of: tag) == 0 {
                // Neither a trailer, a matcher nor a value tag of this level: the last branch below.
                if openLevel < 0 { own.append(OwnSegment(segment: Int32(segment), tag: tag)) }
                continue
            }
            if trailer.upper > trailer.lower, matchesAny(segment, trailer) {
                close(&self, at: segment)
                own.append(OwnSegment(segment: Int32(segment), tag: tag))
            } else if let matcher = firstMatcher(segment, tag: tag, level.matchers) {
                close(&self, at: segment)
                openLevel = matcher
                openStart = segment
            } else if openLevel >= 0, !contains(plan.levels[openLevel].ownedTags, tag), contains(level.valueTags, tag) {
                // A segment this level maps and the open instance does not: the instance has ended.
                close(&self, at: segment)
                own.append(OwnSegment(segment: Int32(segment), tag: tag))
            } else if openLevel < 0 {
                own.append(OwnSegment(segment: Int32(segment), tag: tag))
            }
        }
        close(&self, at: Int(scope.upper))
        scope.ownUpper = Int32(own.count)
        scope.childUpper = Int32(scopes.count)
        scopes[index] = scope
    }

    private mutating func contains(_ tags: Span, _ tag: UInt32) -> Bool {
        for index in Int(tags.lower)..<Int(tags.upper) where plan.tags[index] == tag { return true }
        return false
    }

    private mutating func matchesAny(_ segment: Int, _ matches: Span) -> Bool {
        for index in Int(matches.lower)..<Int(matches.upper) where self.matches(segment, plan.matches + index) { return true }
        return false
    }

    /// The level the first matching child matcher opens, if any.
    private mutating func firstMatcher(_ segment: Int, tag: UInt32, _ matchers: Span) -> Int? {
        for index in Int(matchers.lower)..<Int(matchers.upper) {
            let matcher = plan.levelMatchers[index]
            let match = plan.matches + Int(matcher.match)
            if match.pointee.tag == tag, matches(segment, match) { return Int(matcher.level) }
        }
        return nil
    }

    /// A packed predicate decided on the element's raw bytes, without `text`; nil when
    /// release characters or non-ASCII bytes leave it to the full check.
    @inline(__always)
    private mutating func quickly(_ segment: Int, _ predicate: UnsafeMutablePointer<BytePredicate>) -> Bool? {
        let span = records[segment]
        let element = Int(predicate.pointee.element)
        guard element > 0, element <= Int(span.separatorCount) else { return nil }
        let separator = Int(span.firstSeparator) + element - 1
        var lower = Int(separators[separator]) + 1
        let upper = element < Int(span.separatorCount) ? Int(separators[separator + 1]) : Int(span.contentEnd)
        // Later components start after as many separators, unless a release character intervenes.
        for _ in 1..<max(Int(predicate.pointee.component), 1) {
            let found = nextSpecial(from: lower, upper: upper)
            // No such component: the text is absent, which no packed (non-empty) value equals.
            guard found < upper else { return false }
            guard Int(bytes[found]) != release else { return nil }
            lower = found + 1
        }
        guard lower + 8 <= byteCount else { return nil }
        let length = Int(predicate.pointee.packedCount)
        let mask: UInt64 = length == 8 ? ~0 : (1 << (UInt64(length) &* 8)) &- 1
        let expected = predicate.pointee.packed
        // A value holding a delimiter byte would need the full rules.
        if ByteScan.zeros(expected ^ components) & mask != 0 { return nil }
        if releases != 0, ByteScan.zeros(expected ^ releases) & mask != 0 { return nil }
        let raw = ByteScan.word(bytes + lower) & mask
        let available = upper - lower
        if available >= length, raw == expected {
            // The text is exactly the value when the component ends right after it.
            return available == length || bytes[lower + length] == delimiters.component
        }
        // Without release characters or non-ASCII bytes among them, the text's first bytes are
        // these raw bytes (or it ends sooner), so it differs from the value.
        if raw & ByteScan.highs != 0 { return nil }
        if releases != 0, ByteScan.zeros(raw ^ releases) & mask != 0 { return nil }
        return false
    }

    mutating func instances(of level: Int, in scope: Int) -> Int {
        let parent = scopes[scope]
        var count = 0
        for child in Int(parent.childLower)..<Int(parent.childUpper) where scopes[child].level == Int32(level) { count += 1 }
        return count
    }

    mutating func firstInstance(of level: Int, in scope: Int) -> Int? {
        let parent = scopes[scope]
        for child in Int(parent.childLower)..<Int(parent.childUpper) where scopes[child].level == Int32(level) { return child }
        return nil
    }

    /// The first own segment of the scope matching `matches[match]`, or for -1 the scope's
    /// start segment.
    mutating func find(_ match: Int32, in scope: Int) -> Int? {
        let found = scopes[scope]
        guard match >= 0 else { return found.start >= 0 ? Int(found.start) : nil }
        let segmentMatch = plan.matches + Int(match)
        let tag = segmentMatch.pointee.tag
        for position in Int(found.ownLower)..<Int(found.ownUpper) where own[position].tag == tag {
            let segment = Int(own[position].segment)
            if matches(segment, segmentMatch) { return segment }
        }
        return nil
    }

    /// The first own segment of the scope with a pair whose qualifier matches (`matches`, one per pair position
    /// from element `start` on), and the element after that qualifier. Like `EDISourceReader`, the pairs of a segment are
    /// tried until its elements end; one with more pairs than the plan tries goes to the reference engine.
    mutating func findPair(_ matches: Span, from start: Int, in scope: Int) throws(Deferred) -> (segment: Int, element: Int)? {
        let found = scopes[scope]
        let first = plan.matches + Int(matches.lower)
        for position in Int(found.ownLower)..<Int(found.ownUpper) where own[position].tag == first.pointee.tag {
            let segment = Int(own[position].segment)
            let elements = Int(records[segment].separatorCount)
            let present = elements >= start ? (elements - start) / 2 + 1 : 0  // pairs whose qualifier position exists
            for pair in 0..<min(matches.count, present) {
                if self.matches(segment, plan.matches + Int(matches.lower) + pair) { return (segment, start + 2 * pair + 1) }
            }
            if elements >= start + 2 * matches.count { throw Deferred() }
        }
        return nil
    }

    mutating func matches(_ segment: Int, _ match: UnsafeMutablePointer<SegmentMatch>) -> Bool {
        guard tag(of: segment) == match.pointee.tag else { return false }
        let predicates = match.pointee.predicates
        for index in Int(predicates.lower)..<Int(predicates.upper) where !passes(segment, plan.predicates + index) { return false }
        return true
    }

    private mutating func passes(_ segment: Int, _ predicate: UnsafeMutablePointer<BytePredicate>) -> Bool {
        if predicate.pointee.packedCount > 0,
           let verdict = quickly(segment, predicate) { return verdict }
        let value = text(segment, Int(predicate.pointee.element), Int(predicate.pointee.component)) ?? UnsafeBufferPointer(start: nil, count: 0)
        if predicate.pointee.packedCount >= 0, value.count <= 8 {
            let candidate = BytePredicate.pack(value)
            // Both ASCII: byte equality is String equality.
            if candidate & 0x8080_8080_8080_8080 == 0 {
                return value.count == Int(predicate.pointee.packedCount) && candidate == predicate.pointee.packed
            }
        }
        guard predicate.pointee.ascii, Self.isASCII(value) else {
            return source.rare.predicateTexts[Int(predicate.pointee.textsIndex)].contains(String(decoding: value, as: UTF8.self))
        }
        let values = predicate.pointee.values
        for index in Int(values.lower)..<Int(values.upper) where ByteScan.equal(plan.text(plan.texts[index]), value) { return true }
        return false
    }
}

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
        let levels = plan.levels
        let level = levels[Int(scope.level)]
        let start = Int(scope.start)
        if level.hierarchical, start >= 0 {
            // HL02 must name the enclosing level's HL01 (both absent counts as equal).
            let parent = Array(scope.hierarchy >= 0 ? text(Int(scope.hierarchy), 1, 0) ?? UnsafeBufferPointer(start: nil, count: 0) : UnsafeBufferPointer(start: nil, count: 0))
            let pointer = text(start, 2, 0) ?? UnsafeBufferPointer(start: nil, count: 0)
            guard pointer.elementsEqual(parent) || String(decoding: pointer, as: UTF8.self) == String(decoding: parent, as: UTF8.self) else {
                throw Deferred()
            }
            scope.hierarchy = scope.start
        }
        scope.ownLower = Int32(own.count)
        if start >= 0 { own.append(scope.start) }
        scope.childLower = Int32(scopes.count)
        var openLevel = -1
        var openStart = 0
        func close(_ reader: inout CompiledReader, at end: Int) {
            guard openLevel >= 0 else { return }
            reader.scopes.append(Scope(level: Int32(openLevel), start: Int32(openStart), lower: Int32(openStart), upper: Int32(end), hierarchy: scope.hierarchy))
            openLevel = -1
        }
        let trailer = index == 0 ? plan.trailer : []
        for segment in Int(scope.lower)..<Int(scope.upper) where segment != start {
            let tag = tags[segment]
            if !trailer.isEmpty, trailer.contains(where: { matches(segment, $0) }) {
                close(&self, at: segment)
                own.append(Int32(segment))
            } else if let matcher = level.matchers.first(where: { $0.match.tag == tag && matches(segment, $0.match) }) {
                close(&self, at: segment)
                openLevel = matcher.level
                openStart = segment
            } else if openLevel >= 0, !levels[openLevel].ownedTags.contains(tag), level.valueTags.contains(tag) {
                // A segment this level maps and the open instance does not: the instance has ended.
                close(&self, at: segment)
                own.append(Int32(segment))
            } else if openLevel < 0 {
                own.append(Int32(segment))
            }
        }
        close(&self, at: Int(scope.upper))
        scope.ownUpper = Int32(own.count)
        scope.childUpper = Int32(scopes.count)
        scopes[index] = scope
    }

    func instances(of level: Int, in scope: Int) -> Int {
        let parent = scopes[scope]
        var count = 0
        for child in Int(parent.childLower)..<Int(parent.childUpper) where scopes[child].level == Int32(level) { count += 1 }
        return count
    }

    func firstInstance(of level: Int, in scope: Int) -> Int? {
        let parent = scopes[scope]
        return (Int(parent.childLower)..<Int(parent.childUpper)).first { scopes[$0].level == Int32(level) }
    }

    /// The first own segment of the scope matching `match`, or the scope's start segment.
    mutating func find(_ match: SegmentMatch?, in scope: Int) -> Int? {
        let found = scopes[scope]
        guard let match else { return found.start >= 0 ? Int(found.start) : nil }
        for position in Int(found.ownLower)..<Int(found.ownUpper) {
            let segment = Int(own[position])
            if tags[segment] == match.tag, matches(segment, match) { return segment }
        }
        return nil
    }

    mutating func matches(_ segment: Int, _ match: SegmentMatch) -> Bool {
        guard tags[segment] == match.tag else { return false }
        // Through the buffer, predicates are borrowed rather than retained one by one.
        return match.predicates.withUnsafeBufferPointer { predicates in
            for index in predicates.indices where !passes(segment, predicates[index]) { return false }
            return true
        }
    }

    private mutating func passes(_ segment: Int, _ predicate: BytePredicate) -> Bool {
        let value = text(segment, predicate.element, predicate.component) ?? UnsafeBufferPointer(start: nil, count: 0)
        if let packed = predicate.packed, value.count <= 8 {
            let candidate = BytePredicate.pack(value, EmptyCollection())
            // Both ASCII: byte equality is String equality.
            if candidate & 0x8080_8080_8080_8080 == 0 { return value.count == packed.count && candidate == packed.value }
        }
        guard predicate.ascii, value.allSatisfy({ $0 < 0x80 }) else {
            return predicate.texts.contains(String(decoding: value, as: UTF8.self))
        }
        return predicate.values.contains { $0.elementsEqual(value) }
    }
}

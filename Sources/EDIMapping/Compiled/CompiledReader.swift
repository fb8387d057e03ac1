import EDI

/// Signals that the reference engine must handle the current transaction set: a binding
/// error, a schema violation, or a case the compiled path only detects. The reference engine
/// then produces the exact document or error.
struct Deferred: Error {}

/// Runs a `ReadPlan` over transaction sets: partitions each set's segments once, reads
/// elements in place and writes compact JSON straight into `line`, checking the schema as it
/// writes. Its tables are reused from set to set, so memory is that of the largest set.
///
/// Its methods that only read are `mutating` all the same: called from a mutating method, a
/// non-mutating one gets a copy of the reader (some 400 bytes, a `memcpy` per call).
struct CompiledReader: ~Copyable {
    /// Owns the tables `plan` points into; its rare parts serve the slow paths.
    let source: ReadPlan
    let plan: PlanView
    /// The JSON of the last set read.
    private(set) var line = PlainStorage<UInt8>(capacity: 1 << 16)
    /// Encoded values of the frames being written, used as a stack.
    var values = PlainStorage<UInt8>(capacity: 1 << 12)
    /// Unescaped element text and codec output.
    var scratch = PlainStorage<UInt8>(capacity: 256)
    var slots: PlainStorage<SlotValue>
    /// Whether each output node was written in the object being closed (for `required`).
    var presence: PlainStorage<Bool>
    var scopes = PlainStorage<Scope>(capacity: 256)
    /// Each scope's own segments with their tags, so look-ups scan one run of memory.
    var own = PlainStorage<OwnSegment>(capacity: 1024)

    struct OwnSegment {
        var segment: Int32
        var tag: UInt32
    }

    /// Where each segment's tag and elements lie in `bytes` (the set store's own records).
    var records = UnsafePointer<SegmentRecord>(bitPattern: 8)!
    var bytes = UnsafePointer<UInt8>(bitPattern: 1)!
    /// How many bytes `bytes` holds: words are read whole up to there.
    var byteCount = 0
    /// The component separator and the release character in every byte of a word (see
    /// `ByteScan`); `releases` is 0 without a release character.
    var components: UInt64 = 0
    var releases: UInt64 = 0
    /// The set store's element separator offsets (see `SegmentStore.withElementSeparators`).
    var separators = UnsafePointer<Int32>(bitPattern: 4)!
    var delimiters = Delimiters.x12Default
    /// The release character, or 0x100 (no byte) when the syntax has none.
    var release = 0x100

    /// A slot's encoded value in `values` (`lower` < 0: absent); for a loop, the scope whose
    /// instances are the items and their count.
    struct SlotValue {
        var lower: Int32
        var upper: Int32
    }

    init(plan: ReadPlan) {
        source = plan
        self.plan = PlanView(plan)
        slots = PlainStorage(capacity: plan.slotCount)
        for _ in 0..<plan.slotCount { slots.append(SlotValue(lower: -1, upper: 0)) }
        presence = PlainStorage(capacity: plan.nodes.count)
        for _ in 0..<plan.nodes.count { presence.append(false) }
    }

    deinit {
        for storage in [line, values, scratch] { storage.free() }
        slots.free()
        presence.free()
        scopes.free()
        own.free()
    }

    /// Reads one set into `line`; false when the reference engine must read it instead.
    mutating func read(_ set: TransactionSet) -> Bool {
        let store = set.store
        delimiters = store.delimiters
        release = delimiters.release.map(Int.init) ?? 0x100
        components = ByteScan.ones &* UInt64(delimiters.component)
        releases = delimiters.release.map { ByteScan.ones &* UInt64($0) } ?? 0
        let bodyEnd = store.count - (set.trailer == nil ? 0 : 1)
        return store.bytes.withUnsafeBufferPointer { buffer in
            store.withElementSeparators { table in
                store.withSegmentRecords { segments in
                    bytes = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    byteCount = buffer.count
                    separators = table.baseAddress ?? UnsafePointer(bitPattern: 4)!
                    records = segments.baseAddress ?? UnsafePointer(bitPattern: 8)!
                    do throws(Deferred) {
                        try read(bodyEnd: bodyEnd)
                        return true
                    } catch {
                        return false
                    }
                }
            }
        }
    }

    @inline(__always) func tag(of segment: Int) -> UInt32 { records[segment].tag.rawValue }

    private mutating func read(bodyEnd: Int) throws(Deferred) {
        guard let type = text(0, source.typeElement.element, source.typeElement.component),
              equals(type, source.document) else { throw Deferred() }
        try partition(body: 1..<max(1, bodyEnd))
        line.truncate(to: 0)
        values.truncate(to: 0)
        try write(frame: Int(source.root), scope: 0)
    }

    /// Evaluates a frame for one scope and writes its object (always, even when empty).
    mutating func write(frame index: Int, scope: Int) throws(Deferred) {
        let frame = plan.frames[index]
        let mark = values.count
        let base = Int(frame.slotBase)
        for slot in base..<(base + Int(frame.slotCount)) { slots[slot].lower = -1 }
        var found = false
        try evaluate(frame.ops, scope: scope, base: base, found: &found)
        _ = try writeObject(Int(frame.root), base: base)
        try check(Int(frame.root))
        values.truncate(to: mark)
    }

    private mutating func evaluate(_ ops: Span, scope: Int, base: Int, found: inout Bool) throws(Deferred) {
        for index in Int(ops.lower)..<Int(ops.upper) { try evaluate(op: index, scope: scope, base: base, found: &found) }
    }

    private mutating func evaluate(op index: Int, scope: Int, base: Int, found: inout Bool) throws(Deferred) {
        let op = plan.ops + index
        switch op.pointee.kind {
        case .value:
            try evaluate(value: op, scope: scope, base: base, found: &found)
        case .constant:
            guard op.pointee.literalValid else { throw Deferred() }
            store(op.pointee.literal, slot: base + Int(op.pointee.slot))
        case .loop:
            let count = instances(of: Int(op.pointee.level), in: scope)
            if count == 0 {
                if op.pointee.required { throw Deferred() }
                return
            }
            slots[base + Int(op.pointee.slot)] = SlotValue(lower: Int32(scope), upper: Int32(count))
            found = true
        case .group:
            var inner = scope
            if op.pointee.level >= 0 {
                guard let first = firstInstance(of: Int(op.pointee.level), in: scope) else {
                    if op.pointee.required { throw Deferred() }
                    return
                }
                inner = first
            }
            var groupFound = false
            try evaluate(op.pointee.children, scope: inner, base: base, found: &groupFound)
            found = found || groupFound
            guard op.pointee.needsFound else { return }
            let slots = op.pointee.slots
            var holdsValue = false
            if groupFound {
                for slot in Int(slots.lower)..<Int(slots.upper) where self.slots[base + slot].lower >= 0 {
                    holdsValue = true
                    break
                }
            }
            if !holdsValue {
                for slot in Int(slots.lower)..<Int(slots.upper) { self.slots[base + slot].lower = -1 }
                if op.pointee.required { throw Deferred() }
            }
        }
    }

    @inline(__always)
    private mutating func evaluate(value op: UnsafeMutablePointer<ReadOp>, scope: Int, base: Int, found: inout Bool) throws(Deferred) {
        let located = op.pointee.pairMatches.count == 0
            ? find(op.pointee.match, in: scope).map { ($0, Int(op.pointee.element)) }
            : try findPair(op.pointee.pairMatches, from: Int(op.pointee.pairStart), in: scope)
        if let (segment, element) = located,
           let text = text(segment, element, Int(op.pointee.component)), text.count > 0 {
            let mark = values.count
            guard let (isString, content) = encode(text, op.pointee.codec, table: Int(op.pointee.codecIndex)) else { throw Deferred() }
            let rules = op.pointee.rules
            if !(isString ? op.pointee.rulesPassStrings : op.pointee.rulesPassNumbers) {
                let encoded = UnsafeBufferPointer(start: values.base + mark, count: values.count - mark)
                for rule in Int(rules.lower)..<Int(rules.upper)
                where !passes(plan.leafRules + rule, isString: isString, content: content, encoded: encoded) {
                    throw Deferred()
                }
            }
            slots[base + Int(op.pointee.slot)] = SlotValue(lower: Int32(mark), upper: Int32(values.count))
            found = true
        } else if !op.pointee.literal.isNone {
            guard op.pointee.literalValid else { throw Deferred() }
            store(op.pointee.literal, slot: base + Int(op.pointee.slot))
        } else if op.pointee.required {
            throw Deferred()
        }
    }

    private mutating func store(_ literal: Span, slot: Int) {
        let mark = values.count
        values.appendPadded(plan.bytes + Int(literal.lower), literal.count)
        slots[slot] = SlotValue(lower: Int32(mark), upper: Int32(values.count))
    }

    /// Writes an object's present members in key order; returns whether there was any.
    private mutating func writeObject(_ node: Int, base: Int) throws(Deferred) -> Bool {
        let members = plan.nodes[node].members
        line.append(UInt8(ascii: "{"))
        var empty = true
        for member in Int(members.lower)..<Int(members.upper) { try writeMember(member, base: base, empty: &empty) }
        line.append(UInt8(ascii: "}"))
        return !empty
    }

    /// A value member in place (most members are), anything else out of line.
    @inline(__always)
    private mutating func writeMember(_ index: Int, base: Int, empty: inout Bool) throws(Deferred) {
        let child = plan.nodes + index
        guard child.pointee.kind == .leaf else { return try writeNested(index, base: base, empty: &empty) }
        let value = slots[base + Int(child.pointee.slot)]
        presence[index] = value.lower >= 0
        guard value.lower >= 0 else { return }
        if child.pointee.forbidden { throw Deferred() }
        if !empty { line.append(UInt8(ascii: ",")) }
        let key = child.pointee.key
        // Key and value lie in the plan's pool and in `values`: both may be read a word past.
        line.appendPadded(plan.bytes + Int(key.lower), key.count)
        line.appendPadded(values.base + Int(value.lower), Int(value.upper - value.lower))
        empty = false
    }

    /// An object or array member (out of line, so the frame of the value members stays small).
    @inline(never)
    private mutating func writeNested(_ index: Int, base: Int, empty: inout Bool) throws(Deferred) {
        let child = plan.nodes + index
        let key = child.pointee.key
        let mark = line.count
        if !empty { line.append(UInt8(ascii: ",")) }
        line.appendPadded(plan.bytes + Int(key.lower), key.count)
        var present = false
        if child.pointee.kind == .object {
            present = try writeObject(index, base: base)
            if present { try check(index) }
        } else {
            let value = slots[base + Int(child.pointee.slot)]
            if value.lower >= 0 {
                let count = try writeArray(of: Int(child.pointee.item), level: child.pointee.level, scope: Int(value.lower))
                if count < Int(child.pointee.minItems) || count > Int(child.pointee.maxItems) { throw Deferred() }
                present = true
            }
        }
        presence[index] = present
        if present {
            if child.pointee.forbidden { throw Deferred() }
            empty = false
        } else {
            line.truncate(to: mark)
        }
    }

    private mutating func writeArray(of item: Int, level: Int32, scope: Int) throws(Deferred) -> Int {
        line.append(UInt8(ascii: "["))
        var count = 0
        let range = Int(scopes[scope].childLower)..<Int(scopes[scope].childUpper)
        for child in range where scopes[child].level == level {
            if count > 0 { line.append(UInt8(ascii: ",")) }
            try write(frame: item, scope: child)
            count += 1
        }
        line.append(UInt8(ascii: "]"))
        return count
    }

    /// The object rules of a node that was written; its members' presence is fresh.
    private mutating func check(_ index: Int) throws(Deferred) {
        let node = plan.nodes[index]
        if node.forbidden { throw Deferred() }
        guard node.checksMembers else { return }
        func present(_ position: Int32) -> Bool { position >= 0 && presence[Int(node.members.lower + position)] }
        for entry in Int(node.required.lower)..<Int(node.required.upper) where !present(plan.positions[entry]) {
            throw Deferred()
        }
        for list in Int(node.alternativeLists.lower)..<Int(node.alternativeLists.upper) {
            let options = plan.alternativeLists[list]
            var holds = false
            for option in Int(options.lower)..<Int(options.upper) where !holds {
                let members = plan.alternatives[option]
                holds = (Int(members.lower)..<Int(members.upper)).allSatisfy { present(plan.positions[$0]) }
            }
            if !holds { throw Deferred() }
        }
    }
}

/// A plan's tables as raw pointers: reading through them costs no reference counting (the
/// reader keeps the plan itself alive).
struct PlanView {
    let levels: UnsafeMutablePointer<PartitionLevel>
    let levelMatchers: UnsafeMutablePointer<LevelMatcher>
    let tags: UnsafeMutablePointer<UInt32>
    let matches: UnsafeMutablePointer<SegmentMatch>
    let predicates: UnsafeMutablePointer<BytePredicate>
    let texts: UnsafeMutablePointer<Span>
    let bytes: UnsafeMutablePointer<UInt8>
    let ops: UnsafeMutablePointer<ReadOp>
    let frames: UnsafeMutablePointer<FramePlan>
    let nodes: UnsafeMutablePointer<OutputNode>
    let positions: UnsafeMutablePointer<Int32>
    let alternativeLists: UnsafeMutablePointer<Span>
    let alternatives: UnsafeMutablePointer<Span>
    let leafRules: UnsafeMutablePointer<LeafRule>
    let tables: UnsafeMutablePointer<ByteTable>
    let tableEntries: UnsafeMutablePointer<TableEntry>
    let trailer: Span

    init(_ plan: ReadPlan) {
        levels = plan.levels.base
        levelMatchers = plan.levelMatchers.base
        tags = plan.tags.base
        matches = plan.matches.base
        predicates = plan.predicates.base
        texts = plan.texts.base
        bytes = plan.bytes.base
        ops = plan.ops.base
        frames = plan.frames.base
        nodes = plan.nodes.base
        positions = plan.positions.base
        alternativeLists = plan.alternativeLists.base
        alternatives = plan.alternatives.base
        leafRules = plan.leafRules.base
        tables = plan.tables.base
        tableEntries = plan.tableEntries.base
        trailer = plan.trailer
    }

    /// The bytes of a span of `bytes`.
    func text(_ span: Span) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + Int(span.lower), count: span.count)
    }
}

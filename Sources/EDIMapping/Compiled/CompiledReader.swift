import EDI

/// Signals that the reference engine must handle the current transaction set: a binding
/// error, a schema violation, or a case the compiled path only detects. The reference engine
/// then produces the exact document or error.
struct Deferred: Error {}

/// Runs a `ReadPlan` over transaction sets: partitions each set's segments once, reads
/// elements in place and writes compact JSON straight into `line`, checking the schema as it
/// writes. Its tables are reused from set to set, so memory is that of the largest set.
struct CompiledReader: ~Copyable {
    let plan: ReadPlan
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
    var own = PlainStorage<Int32>(capacity: 1024)
    var tags = PlainStorage<UInt32>(capacity: 1024)
    /// Where each segment's elements lie in `bytes`.
    var elements = PlainStorage<ElementSpan>(capacity: 1024)
    var bytes = UnsafePointer<UInt8>(bitPattern: 1)!
    /// The set store's element separator offsets (see `SegmentLayout`).
    var separators = UnsafePointer<Int32>(bitPattern: 4)!
    var delimiters = Delimiters.x12Default

    /// A segment's entries in `separators` (one per element) and the end of its data.
    struct ElementSpan {
        var firstSeparator: Int32
        var count: Int32
        var end: Int32
    }

    /// A slot's encoded value in `values` (`lower` < 0: absent); for a loop, the scope whose
    /// instances are the items and their count.
    struct SlotValue {
        var lower: Int32
        var upper: Int32
    }

    init(plan: ReadPlan) {
        self.plan = plan
        slots = PlainStorage(capacity: plan.slotCount)
        for _ in 0..<plan.slotCount { slots.append(SlotValue(lower: -1, upper: 0)) }
        presence = PlainStorage(capacity: plan.nodeCount)
        for _ in 0..<plan.nodeCount { presence.append(false) }
    }

    deinit {
        for storage in [line, values, scratch] { storage.free() }
        slots.free()
        presence.free()
        scopes.free()
        own.free()
        tags.free()
        elements.free()
    }

    /// Reads one set into `line`; false when the reference engine must read it instead.
    mutating func read(_ set: TransactionSet) -> Bool {
        let store = set.store
        delimiters = store.delimiters
        tags.truncate(to: 0)
        elements.truncate(to: 0)
        for index in 0..<store.count {
            let layout = store.layout(of: index)
            tags.append(layout.tag.rawValue)
            elements.append(ElementSpan(
                firstSeparator: Int32(layout.separators.lowerBound), count: Int32(layout.separators.count),
                end: Int32(layout.content.upperBound)))
        }
        let bodyEnd = store.count - (set.trailer == nil ? 0 : 1)
        return store.bytes.withUnsafeBufferPointer { buffer in
            store.withElementSeparators { table in
                bytes = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
                separators = table.baseAddress ?? UnsafePointer(bitPattern: 4)!
                do throws(Deferred) {
                    try read(bodyEnd: bodyEnd)
                    return true
                } catch {
                    return false
                }
            }
        }
    }

    private mutating func read(bodyEnd: Int) throws(Deferred) {
        guard let type = text(0, plan.typeElement.element, plan.typeElement.component),
              equals(type, plan.document) else { throw Deferred() }
        try partition(body: 1..<max(1, bodyEnd))
        line.truncate(to: 0)
        values.truncate(to: 0)
        try write(plan.root, scope: 0)
    }

    /// Evaluates a frame for one scope and writes its object (always, even when empty).
    mutating func write(_ frame: FramePlan, scope: Int) throws(Deferred) {
        let mark = values.count
        for slot in frame.slotBase..<(frame.slotBase + frame.slotCount) { slots[slot].lower = -1 }
        var found = false
        try evaluate(frame.ops, scope: scope, base: frame.slotBase, found: &found)
        _ = try writeObject(frame.root, base: frame.slotBase)
        try check(frame.root)
        values.truncate(to: mark)
    }

    private mutating func evaluate(_ ops: [ReadOp], scope: Int, base: Int, found: inout Bool) throws(Deferred) {
        // Through the buffer, ops are borrowed rather than copied (a retain and release each).
        try ops.withUnsafeBufferPointer { (ops) throws(Deferred) in
            for index in ops.indices { try evaluate(ops[index], scope: scope, base: base, found: &found) }
        }
    }

    private mutating func evaluate(_ op: borrowing ReadOp, scope: Int, base: Int, found: inout Bool) throws(Deferred) {
        switch op {
        case let .value(value):
            try evaluate(value, scope: scope, base: base, found: &found)
        case let .constant(slot, literal):
            guard literal.valid else { throw Deferred() }
            store(literal.bytes, slot: base + slot)
        case let .loop(slot, level, required):
            let count = instances(of: level, in: scope)
            if count == 0 {
                if required { throw Deferred() }
                return
            }
            slots[base + slot] = SlotValue(lower: Int32(scope), upper: Int32(count))
            found = true
        case let .group(group):
            var inner = scope
            if let level = group.level {
                guard let first = firstInstance(of: level, in: scope) else {
                    if group.required { throw Deferred() }
                    return
                }
                inner = first
            }
            var groupFound = false
            try evaluate(group.ops, scope: inner, base: base, found: &groupFound)
            found = found || groupFound
            if group.needsFound, !(groupFound && group.slots.contains { slots[base + $0].lower >= 0 }) {
                for slot in group.slots { slots[base + slot].lower = -1 }
                if group.required { throw Deferred() }
            }
        }
    }

    private mutating func evaluate(_ op: ValueOp, scope: Int, base: Int, found: inout Bool) throws(Deferred) {
        if let segment = find(op.lookup.segment, in: scope),
           let text = text(segment, op.lookup.element, op.lookup.component), text.count > 0 {
            let mark = values.count
            guard let (isString, content) = encode(text, op.codec) else { throw Deferred() }
            let encoded = UnsafeBufferPointer(start: values.base + mark, count: values.count - mark)
            if op.checked {
                // Through the buffer, rules are borrowed rather than retained one by one.
                try op.rules.withUnsafeBufferPointer { (rules) throws(Deferred) in
                    for index in rules.indices where !rules[index].passes(isString: isString, content: content, encoded: encoded) {
                        throw Deferred()
                    }
                }
            }
            slots[base + op.slot] = SlotValue(lower: Int32(mark), upper: Int32(values.count))
            found = true
        } else if let fallback = op.fallback {
            guard fallback.valid else { throw Deferred() }
            store(fallback.bytes, slot: base + op.slot)
        } else if op.required {
            throw Deferred()
        }
    }

    private mutating func store(_ literal: [UInt8], slot: Int) {
        let mark = values.count
        values.append(literal)
        slots[slot] = SlotValue(lower: Int32(mark), upper: Int32(values.count))
    }

    /// Writes an object's present members in key order; returns whether there was any.
    private mutating func writeObject(_ node: OutputNode, base: Int) throws(Deferred) -> Bool {
        guard case let .object(children) = node.kind else { return false }
        line.append(UInt8(ascii: "{"))
        var empty = true
        // Through the buffer, members are borrowed rather than retained one by one.
        try children.withUnsafeBufferPointer { (children) throws(Deferred) in
            for index in children.indices { try writeMember(children[index], base: base, empty: &empty) }
        }
        line.append(UInt8(ascii: "}"))
        return !empty
    }

    private mutating func writeMember(_ child: OutputNode, base: Int, empty: inout Bool) throws(Deferred) {
        let leaf = child.leafSlot
        if leaf >= 0 {
            let value = slots[base + leaf]
            presence[child.id] = value.lower >= 0
            guard value.lower >= 0 else { return }
            if child.forbidden { throw Deferred() }
            if !empty { line.append(UInt8(ascii: ",")) }
            line.append(child.key.baseAddress!, child.key.count)
            line.append(values.base + Int(value.lower), Int(value.upper - value.lower))
            empty = false
            return
        }
        let mark = line.count
        if !empty { line.append(UInt8(ascii: ",")) }
        line.append(child.key.baseAddress!, child.key.count)
        var present = false
        switch child.kind {
        case .leaf:
            break
        case .object:
            present = try writeObject(child, base: base)
            if present { try check(child) }
        case let .array(slot, level, item):
            let value = slots[base + slot]
            if value.lower >= 0 {
                let count = try writeArray(of: item, level: level, scope: Int(value.lower))
                if count < child.rules.minItems ?? 0 || count > child.rules.maxItems ?? .max { throw Deferred() }
                present = true
            }
        }
        presence[child.id] = present
        if present {
            if child.forbidden { throw Deferred() }
            empty = false
        } else {
            line.truncate(to: mark)
        }
    }

    private mutating func writeArray(of item: FramePlan, level: Int, scope: Int) throws(Deferred) -> Int {
        line.append(UInt8(ascii: "["))
        var count = 0
        let range = Int(scopes[scope].childLower)..<Int(scopes[scope].childUpper)
        for child in range where scopes[child].level == Int32(level) {
            if count > 0 { line.append(UInt8(ascii: ",")) }
            try write(item, scope: child)
            count += 1
        }
        line.append(UInt8(ascii: "]"))
        return count
    }

    /// The object rules of a node that was written; its members' presence is fresh.
    private func check(_ node: OutputNode) throws(Deferred) {
        if node.forbidden { throw Deferred() }
        guard node.checksMembers, case let .object(children) = node.kind else { return }
        let rules = node.rules
        func present(_ position: Int) -> Bool { position >= 0 && presence[children[position].id] }
        for position in rules.required where !present(position) { throw Deferred() }
        for alternatives in rules.requiredAlternatives where !alternatives.contains(where: { $0.allSatisfy(present) }) {
            throw Deferred()
        }
    }
}

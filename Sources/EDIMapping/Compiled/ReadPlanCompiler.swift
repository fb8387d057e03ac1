import EDI

/// Why a mapping keeps the reference engine for reading (`StreamingTranslator` falls back).
struct ReadPlanUnsupported: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Compiles a loaded EDI mapping into a `ReadPlan`, or says why it cannot.
///
/// The output shape is static: every binding that reads writes one JSON pointer, so the plan
/// gives each a slot and a node. Shapes the reference engine resolves only at run time (two
/// bindings writing the same pointer, a value inside another value) are refused.
struct ReadPlanCompiler {
    let definition: MappingDefinition
    let schemas: SchemaResolver?
    var tables = ReadPlanTables()
    private var nextSlot = 0

    static func compile(_ definition: MappingDefinition, validatesSchema: Bool) throws(ReadPlanUnsupported) -> ReadPlan {
        guard let settings = definition.edi, definition.syntax != .xml else { throw ReadPlanUnsupported("not an EDI mapping") }
        let resolver = validatesSchema ? definition.schema.map { SchemaResolver($0.compiled) } : nil
        var compiler = ReadPlanCompiler(definition: definition, schemas: resolver)
        let root = try compiler.frame(definition.bindings, schemas: resolver?.root ?? .none)
        let trailerMatches = settings.trailer.compactMap { path in path.segment.map { compiler.match($0, path.predicates) } }
        let trailer = ReadPlanTables.append(trailerMatches, to: &compiler.tables.matches)
        for level in definition.plan.levels { compiler.level(level, trailer: trailerMatches.map(\.tag)) }
        return ReadPlan(
            compiler.tables, trailer: trailer, root: root, slotCount: compiler.nextSlot,
            typeElement: definition.syntax == .x12 ? (1, 0) : (2, 1), document: settings.document)
    }

    /// A partition level; `trailer` holds the trailer's tags, which only level 0 reads.
    private mutating func level(_ level: EDIPlan.Level, trailer: [UInt32]) {
        var resolved: [LevelMatcher] = []
        var filter: UInt64 = 0
        for matcher in level.matchers {
            let match = self.match(matcher.tag, matcher.predicates)
            resolved.append(LevelMatcher(level: Int32(matcher.level), match: Int32(tables.matches.count)))
            tables.matches.append(match)
            filter |= PartitionLevel.bit(of: match.tag)
        }
        for tag in level.valueTags.map(Self.packed) + (tables.levels.isEmpty ? trailer : []) {
            filter |= PartitionLevel.bit(of: tag)
        }
        tables.levels.append(PartitionLevel(
            matchers: ReadPlanTables.append(resolved, to: &tables.levelMatchers),
            valueTags: ReadPlanTables.append(level.valueTags.map(Self.packed), to: &tables.tags),
            ownedTags: ReadPlanTables.append(level.ownedTags.map(Self.packed), to: &tables.tags),
            hierarchical: level.hierarchical, filter: filter))
    }

    static func packed(_ tag: String) -> UInt32 { SegmentTag(tag).rawValue }

    private mutating func match(_ tag: String, _ predicates: [PathPredicate]) -> SegmentMatch {
        let compiled = predicates.map { predicate(element: $0.element, component: $0.component, values: $0.values) }
        return SegmentMatch(tag: Self.packed(tag), predicates: ReadPlanTables.append(compiled, to: &tables.predicates))
    }

    private mutating func predicate(element: Int, component: Int, values: [String]) -> BytePredicate {
        let spans = values.map { tables.text($0.utf8) }
        let ascii = values.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        let packs = values.count == 1 && ascii && values[0].utf8.count <= 8
        tables.rare.predicateTexts.append(values)
        return BytePredicate(
            element: Int32(element), component: Int32(component), values: ReadPlanTables.append(spans, to: &tables.texts),
            textsIndex: Int32(tables.rare.predicateTexts.count - 1), ascii: ascii,
            packed: packs ? Array(values[0].utf8).withUnsafeBufferPointer(BytePredicate.pack) : 0,
            packedCount: packs ? Int32(values[0].utf8.count) : -1)
    }

    /// The qualifier of an `id_pairs` value tried at each pair position in turn (the same other predicates).
    private mutating func pairMatches(_ tag: String, _ predicates: [PathPredicate], start: Int) -> Span {
        let lower = tables.matches.count
        for pair in 0..<Self.pairPositions {
            let placed = predicates.map { predicate in
                var moved = predicate
                if predicate.element >= start { moved.element = start + 2 * pair }
                return moved
            }
            tables.matches.append(match(tag, placed))
        }
        return Span(lower, tables.matches.count)
    }

    /// Pair positions the plan tries; a segment with a qualifier further on goes to the reference engine.
    static let pairPositions = 20

    /// One loop instance (or the transaction set): its ops, then its output shape.
    private mutating func frame(_ bindings: [Binding], schemas: SchemaSet) throws(ReadPlanUnsupported) -> Int32 {
        let shape = ShapeBuilder()
        let ops = try self.ops(bindings, prefix: [], shape: shape, frameSchemas: schemas)
        let base = nextSlot
        nextSlot += shape.slotCount
        let root = Int32(tables.nodes.count)
        tables.nodes.append(OutputNode(kind: .object, key: Span(0, 0)))
        tables.nodes[Int(root)] = try node(shape.root, key: Span(0, 0), schemas: schemas)
        tables.frames.append(FramePlan(
            ops: ReadPlanTables.append(ops, to: &tables.ops), root: root, slotBase: Int32(base), slotCount: Int32(shape.slotCount)))
        return Int32(tables.frames.count - 1)
    }

    private mutating func ops(
        _ bindings: [Binding], prefix: [String], shape: ShapeBuilder, frameSchemas: SchemaSet
    ) throws(ReadPlanUnsupported) -> [ReadOp] {
        var ops: [ReadOp] = []
        for binding in bindings where binding.reads {
            let pointer = prefix + (binding.json?.tokens ?? [])
            if binding.isLoop {
                guard binding.path != nil, binding.json != nil, binding.groupIndex > 0 else {
                    throw ReadPlanUnsupported("loop \(binding.id) without a segment path or a json pointer")
                }
                let item = try frame(binding.children, schemas: try schemas?.items(of: frameSchemas, at: pointer) ?? .none)
                let slot = try shape.add(pointer, binding: binding.id) { .array(slot: $0, level: binding.groupIndex, item: item) }
                ops.append(ReadOp(kind: .loop, required: binding.required, slot: Int32(slot), level: Int32(binding.groupIndex)))
            } else if binding.isGroup {
                if binding.path != nil, binding.groupIndex <= 0 {
                    throw ReadPlanUnsupported("group \(binding.id) has no segment path")
                }
                let first = shape.slotCount
                let children = try self.ops(binding.children, prefix: pointer, shape: shape, frameSchemas: frameSchemas)
                var group = ReadOp(kind: .group, required: binding.required, level: binding.path == nil ? -1 : Int32(binding.groupIndex))
                group.children = ReadPlanTables.append(children, to: &tables.ops)
                group.slots = Span(first, shape.slotCount)
                group.needsFound = binding.json != nil
                ops.append(group)
            } else if binding.json != nil, binding.path == nil, let constant = binding.defaultValue {
                var op = ReadOp(kind: .constant)
                (op.literal, op.literalValid) = try literal(constant, at: pointer, frameSchemas: frameSchemas)
                op.slot = Int32(try shape.add(pointer, binding: binding.id) { .leaf(slot: $0) })
                ops.append(op)
            } else if binding.json != nil, let path = binding.path {
                guard case let .edi(edi) = path, let element = edi.element else {
                    throw ReadPlanUnsupported("binding \(binding.id) reads no element")
                }
                var op = ReadOp(kind: .value, required: binding.required)
                if let schemas {
                    op.rules = try schemas.leafRules(try schemas.set(of: frameSchemas, at: pointer), into: &tables)
                    let rules = tables.leafRules[Int(op.rules.lower)..<Int(op.rules.upper)]
                    op.rulesPassStrings = rules.allSatisfy { $0.passesAny(string: true) }
                    op.rulesPassNumbers = rules.allSatisfy { $0.passesAny(string: false) }
                }
                if let value = binding.defaultValue {
                    (op.literal, op.literalValid) = try literal(value, at: pointer, frameSchemas: frameSchemas)
                }
                op.slot = Int32(try shape.add(pointer, binding: binding.id) { .leaf(slot: $0) })
                if let segment = edi.segment, let start = edi.pairStart {
                    op.pairMatches = pairMatches(segment, edi.predicates, start: start)
                    op.pairStart = Int32(start)
                } else if let segment = edi.segment {
                    tables.matches.append(match(segment, edi.predicates))
                    op.match = Int32(tables.matches.count - 1)
                }
                op.element = Int32(element)
                op.component = Int32(edi.component ?? 0)
                (op.codec, op.codecIndex) = codec(binding.codec)
                ops.append(op)
            }
        }
        return ops
    }

    private mutating func literal(_ value: JSONValue, at pointer: [String], frameSchemas: SchemaSet) throws(ReadPlanUnsupported) -> (Span, Bool) {
        let valid = try schemas.map { resolver throws(ReadPlanUnsupported) in
            resolver.accepts(value, in: try resolver.set(of: frameSchemas, at: pointer))
        } ?? true
        return (tables.text(JSONText.bytes(value, pretty: false)), valid)
    }

    /// A node of the output shape with its rules; an object's members go to a block of `nodes`
    /// of their own, in key order, so the reader walks them as one range.
    private mutating func node(_ shape: ShapeNode, key: Span, schemas: SchemaSet) throws(ReadPlanUnsupported) -> OutputNode {
        switch shape.kind {
        case let .leaf(slot):
            return OutputNode(kind: .leaf, key: key, slot: Int32(slot), forbidden: schemas.forbidden)
        case let .array(slot, level, item):
            var node = OutputNode(kind: .array, key: key, slot: Int32(slot), level: Int32(level), item: item)
            let rules = try self.schemas?.arrayRules(schemas) ?? NodeRules()
            node.forbidden = rules.forbidden || schemas.forbidden
            node.minItems = Int32(clamping: rules.minItems ?? 0)
            node.maxItems = Int32(clamping: rules.maxItems ?? .max)
            return node
        case let .object(children):
            let sorted = children.sorted { $0.name < $1.name }
            var node = OutputNode(kind: .object, key: key)
            node.forbidden = schemas.forbidden
            if let resolver = self.schemas {
                let rules = try resolver.objectRules(schemas, members: sorted.map(\.name))
                node.forbidden = rules.forbidden || schemas.forbidden
                node.required = ReadPlanTables.append(rules.required.map { Int32($0) }, to: &tables.positions)
                let lists = rules.requiredAlternatives.map { list in
                    let spans = list.map { ReadPlanTables.append($0.map { Int32($0) }, to: &tables.positions) }
                    return ReadPlanTables.append(spans, to: &tables.alternatives)
                }
                node.alternativeLists = ReadPlanTables.append(lists, to: &tables.alternativeLists)
            }
            let first = tables.nodes.count
            tables.nodes += sorted.map { _ in OutputNode(kind: .leaf, key: Span(0, 0)) }
            node.members = Span(first, tables.nodes.count)
            for (offset, child) in sorted.enumerated() {
                var quoted: [UInt8] = []
                JSONText.quote(child.name, into: &quoted)
                quoted.append(UInt8(ascii: ":"))
                let childSchemas = try self.schemas?.member(child.name, of: schemas) ?? .none
                tables.nodes[first + offset] = try self.node(child, key: tables.text(quoted), schemas: childSchemas)
            }
            return node
        }
    }

    private mutating func codec(_ codec: Codec) -> (CodecKind, Int32) {
        switch codec {
        case .text: return (.text, -1)
        case .decimal: return (.decimal, -1)
        case .integer: return (.integer, -1)
        case .date8: return (.date8, -1)
        case let .table(table):
            let pairs = table.codes.sorted { $0.key < $1.key }
            // Byte comparison equals String comparison only for ASCII.
            guard pairs.allSatisfy({ $0.key.utf8.allSatisfy { $0 < 0x80 } && $0.value.utf8.allSatisfy { $0 < 0x80 } }) else {
                break
            }
            let entries = pairs.map { pair in
                var encoded: [UInt8] = []
                JSONText.quote(pair.value, into: &encoded)
                return TableEntry(code: tables.text(pair.key.utf8), value: tables.text(pair.value.utf8), encoded: tables.text(encoded))
            }
            tables.rare.codeTables.append(table)
            tables.tables.append(ByteTable(
                entries: ReadPlanTables.append(entries, to: &tables.tableEntries), caseInsensitive: table.caseInsensitive,
                passesUnknown: table.unknown == .pass, source: Int32(tables.rare.codeTables.count - 1)))
            return (.table, Int32(tables.tables.count - 1))
        default:
            break
        }
        tables.rare.codecs.append(codec)
        return (.general, Int32(tables.rare.codecs.count - 1))
    }
}

/// A member of a frame's output shape while it is built.
private final class ShapeNode {
    enum Kind {
        case leaf(slot: Int)
        case object([ShapeNode])
        case array(slot: Int, level: Int, item: Int32)
    }

    let name: String
    var kind: Kind

    init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

/// The output shape of one frame while it is built: nodes by pointer, slots in binding order.
private final class ShapeBuilder {
    let root = ShapeNode(name: "", kind: .object([]))
    var slotCount = 0

    func add(_ pointer: [String], binding: String, _ kind: (Int) -> ShapeNode.Kind) throws(ReadPlanUnsupported) -> Int {
        guard let last = pointer.last else { throw ReadPlanUnsupported("binding \(binding) writes the whole object") }
        var node = root
        for token in pointer.dropLast() {
            guard case var .object(children) = node.kind else {
                throw ReadPlanUnsupported("binding \(binding) writes inside another value")
            }
            if let existing = children.first(where: { $0.name == token }) {
                node = existing
            } else {
                let child = ShapeNode(name: token, kind: .object([]))
                children.append(child)
                node.kind = .object(children)
                node = child
            }
        }
        guard case var .object(children) = node.kind else { throw ReadPlanUnsupported("binding \(binding) writes inside another value") }
        guard !children.contains(where: { $0.name == last }) else {
            throw ReadPlanUnsupported("binding \(binding) writes a pointer another binding writes")
        }
        let slot = slotCount
        slotCount += 1
        children.append(ShapeNode(name: last, kind: kind(slot)))
        node.kind = .object(children)
        return slot
    }
}

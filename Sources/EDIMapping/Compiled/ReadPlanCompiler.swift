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
    private var nextSlot = 0
    private var nextNode = 0

    static func compile(_ definition: MappingDefinition, validatesSchema: Bool) throws(ReadPlanUnsupported) -> ReadPlan {
        guard let settings = definition.edi, definition.syntax != .xml else { throw ReadPlanUnsupported("not an EDI mapping") }
        let resolver = validatesSchema ? definition.schema.map { SchemaResolver($0.compiled) } : nil
        var compiler = ReadPlanCompiler(definition: definition, schemas: resolver)
        let root = try compiler.frame(definition.bindings, schemas: resolver?.root ?? .none)
        return ReadPlan(
            levels: definition.plan.levels.map(Self.level),
            trailer: settings.trailer.compactMap { path in path.segment.map { Self.match($0, path.predicates) } },
            root: root, slotCount: compiler.nextSlot, nodeCount: compiler.nextNode,
            typeElement: definition.syntax == .x12 ? (1, 0) : (2, 1), document: settings.document,
            validatesSchema: resolver != nil)
    }

    private static func level(_ level: EDIPlan.Level) -> PartitionLevel {
        PartitionLevel(
            matchers: level.matchers.map { ($0.level, match($0.tag, $0.predicates)) },
            valueTags: level.valueTags.map(packed), ownedTags: level.ownedTags.map(packed),
            hierarchical: level.hierarchical)
    }

    static func packed(_ tag: String) -> UInt32 { SegmentTag(tag).rawValue }

    static func match(_ tag: String, _ predicates: [PathPredicate]) -> SegmentMatch {
        SegmentMatch(tag: packed(tag), predicates: predicates.map {
            BytePredicate(element: $0.element, component: $0.component, values: $0.values)
        })
    }

    /// One loop instance (or the transaction set): its ops, then its output shape.
    private mutating func frame(_ bindings: [Binding], schemas: SchemaSet) throws(ReadPlanUnsupported) -> FramePlan {
        let shape = ShapeBuilder()
        let ops = try self.ops(bindings, prefix: [], shape: shape, frameSchemas: schemas)
        let base = nextSlot
        nextSlot += shape.slotCount
        try finish(shape.root, schemas: schemas)
        return FramePlan(ops: ops, root: shape.root, slotBase: base, slotCount: shape.slotCount)
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
                ops.append(.loop(slot: slot, level: binding.groupIndex, required: binding.required))
            } else if binding.isGroup {
                if binding.path != nil, binding.groupIndex <= 0 {
                    throw ReadPlanUnsupported("group \(binding.id) has no segment path")
                }
                let first = shape.slotCount
                let children = try self.ops(binding.children, prefix: pointer, shape: shape, frameSchemas: frameSchemas)
                ops.append(.group(GroupOp(
                    level: binding.path == nil ? nil : binding.groupIndex, ops: children, slots: first..<shape.slotCount,
                    needsFound: binding.json != nil, required: binding.required)))
            } else if binding.json != nil, binding.path == nil, let constant = binding.defaultValue {
                let literal = try self.literal(constant, at: pointer, frameSchemas: frameSchemas)
                ops.append(.constant(slot: try shape.add(pointer, binding: binding.id) { .leaf(slot: $0) }, literal: literal))
            } else if binding.json != nil, let path = binding.path {
                guard case let .edi(edi) = path, let element = edi.element else {
                    throw ReadPlanUnsupported("binding \(binding.id) reads no element")
                }
                let rules = try schemas?.leafRules(try schemas?.set(of: frameSchemas, at: pointer) ?? .none) ?? []
                let fallback = try binding.defaultValue.map { value throws(ReadPlanUnsupported) in
                    try literal(value, at: pointer, frameSchemas: frameSchemas)
                }
                let slot = try shape.add(pointer, binding: binding.id) { .leaf(slot: $0) }
                ops.append(.value(ValueOp(
                    slot: slot,
                    lookup: ValueLookup(segment: edi.segment.map { Self.match($0, edi.predicates) }, element: element, component: edi.component ?? 0),
                    codec: Self.codec(binding.codec), fallback: fallback, required: binding.required, rules: rules)))
            }
        }
        return ops
    }

    private func literal(_ value: JSONValue, at pointer: [String], frameSchemas: SchemaSet) throws(ReadPlanUnsupported) -> Literal {
        let valid = try schemas.map { resolver throws(ReadPlanUnsupported) in
            resolver.accepts(value, in: try resolver.set(of: frameSchemas, at: pointer))
        } ?? true
        return Literal(bytes: JSONText.bytes(value, pretty: false), valid: valid)
    }

    /// Numbers the nodes and attaches object and array rules, top down.
    private mutating func finish(_ node: OutputNode, schemas: SchemaSet) throws(ReadPlanUnsupported) {
        node.id = nextNode
        nextNode += 1
        node.forbidden = schemas.forbidden
        guard case let .object(children) = node.kind else { return }
        let sorted = children.sorted { $0.name < $1.name }
        node.kind = .object(sorted)
        if let resolver = self.schemas {
            node.rules = try resolver.objectRules(schemas, members: sorted.map(\.name))
            node.forbidden = node.rules.forbidden || schemas.forbidden
        }
        for child in sorted {
            let childSchemas = try self.schemas?.member(child.name, of: schemas) ?? .none
            switch child.kind {
            case .object:
                try finish(child, schemas: childSchemas)
            case .leaf:
                child.id = nextNode
                nextNode += 1
                child.forbidden = childSchemas.forbidden
            case .array:
                child.id = nextNode
                nextNode += 1
                if let resolver = self.schemas { child.rules = try resolver.arrayRules(childSchemas) }
                child.forbidden = child.rules.forbidden || childSchemas.forbidden
            }
        }
    }

    private static func codec(_ codec: Codec) -> ValueCodec {
        switch codec {
        case .text: return .text
        case .decimal: return .decimal
        case .integer: return .integer
        case .date8: return .date8
        case let .table(table):
            let pairs = table.codes.sorted { $0.key < $1.key }
            // Byte comparison equals String comparison only for ASCII.
            guard pairs.allSatisfy({ $0.key.utf8.allSatisfy { $0 < 0x80 } && $0.value.utf8.allSatisfy { $0 < 0x80 } }) else {
                return .general(codec)
            }
            return .table(ByteTable(table, pairs: pairs))
        default: return .general(codec)
        }
    }
}

/// The output shape of one frame while it is built: nodes by pointer, slots in binding order.
private final class ShapeBuilder {
    let root = OutputNode(name: "", kind: .object([]), isRoot: true)
    var slotCount = 0

    func add(_ pointer: [String], binding: String, _ kind: (Int) -> OutputNode.Kind) throws(ReadPlanUnsupported) -> Int {
        guard let last = pointer.last else { throw ReadPlanUnsupported("binding \(binding) writes the whole object") }
        var node = root
        for token in pointer.dropLast() {
            guard case var .object(children) = node.kind else {
                throw ReadPlanUnsupported("binding \(binding) writes inside another value")
            }
            if let existing = children.first(where: { $0.name == token }) {
                node = existing
            } else {
                let child = OutputNode(name: token, kind: .object([]))
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
        children.append(OutputNode(name: last, kind: kind(slot)))
        node.kind = .object(children)
        return slot
    }
}

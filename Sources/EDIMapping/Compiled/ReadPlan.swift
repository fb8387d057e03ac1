/// A mapping compiled for the EDI → JSON direction: segment tags packed, predicates and code
/// tables as bytes, JSON keys sorted and escaped, schema rules attached to the output shape.
/// Built once per mapping by `ReadPlanCompiler`, run by `CompiledReader`.
struct ReadPlan: Sendable {
    /// Partitioning levels, indexed like `EDIPlan.levels` (level 0 is the transaction set).
    let levels: [PartitionLevel]
    /// Summary segments that end every loop.
    let trailer: [SegmentMatch]
    /// The transaction set's own frame (its JSON object).
    let root: FramePlan
    /// Total slots over all frames.
    let slotCount: Int
    /// Output nodes over all frames (for the presence flags of required checks).
    let nodeCount: Int
    /// X12 reads the document type from ST01, EDIFACT from UNH 0065 (element 2, component 1).
    let typeElement: (element: Int, component: Int)
    let document: String
    let validatesSchema: Bool
}

/// One group or loop level of the partition (see `EDIScope` for the rules). Plan parts read
/// per segment or per value are classes, so reading one costs a retain, not one per array.
final class PartitionLevel: Sendable {
    /// Child levels that start at a matching segment, in binding order.
    let matchers: [(level: Int, match: SegmentMatch)]
    /// Tags this level's own value bindings read.
    let valueTags: [UInt32]
    /// Tags this level and its descendants read.
    let ownedTags: [UInt32]
    let hierarchical: Bool

    init(matchers: [(level: Int, match: SegmentMatch)], valueTags: [UInt32], ownedTags: [UInt32], hierarchical: Bool) {
        self.matchers = matchers
        self.valueTags = valueTags
        self.ownedTags = ownedTags
        self.hierarchical = hierarchical
    }
}

/// A segment tag with qualifier predicates.
struct SegmentMatch: Sendable {
    let tag: UInt32
    let predicates: [BytePredicate]
}

/// `[01=SS|SD]`: the element or component must be one of `values` (absent counts as empty).
final class BytePredicate: Sendable {
    let element: Int
    let component: Int
    let values: [[UInt8]]
    /// The same values as text, for comparisons that need Unicode equality.
    let texts: [String]
    /// Every value is ASCII, so byte equality is String equality for ASCII elements.
    let ascii: Bool
    /// The usual case, one ASCII value of at most 8 bytes, as one integer to compare with.
    let packed: (value: UInt64, count: Int)?

    init(element: Int, component: Int, values: [String]) {
        self.element = element
        self.component = component
        self.values = values.map { Array($0.utf8) }
        texts = values
        ascii = values.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        packed = values.count == 1 && ascii && values[0].utf8.count <= 8
            ? (Self.pack(UnsafeBufferPointer(start: nil, count: 0), values[0].utf8), values[0].utf8.count) : nil
    }

    /// Up to 8 bytes in one integer, first byte lowest.
    static func pack<S: Sequence<UInt8>>(_ prefix: UnsafeBufferPointer<UInt8>, _ bytes: S) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in prefix { value |= UInt64(byte) << shift; shift += 8 }
        for byte in bytes { value |= UInt64(byte) << shift; shift += 8 }
        return value
    }
}

/// Where a value binding reads: the first own segment matching `segment` in the scope (or the
/// scope's start segment when `segment` is nil), then an element and component.
struct ValueLookup: Sendable {
    let segment: SegmentMatch?
    let element: Int
    let component: Int
}

/// A code table with its codes as bytes; the canonical values pre-encoded as JSON strings.
final class ByteTable: Sendable {
    let codes: [[UInt8]]
    let values: [[UInt8]]
    let encoded: [[UInt8]]
    let caseInsensitive: Bool
    let passesUnknown: Bool
    /// The table itself, for text that is not ASCII.
    let source: CodeTable

    init(_ table: CodeTable, pairs: [(key: String, value: String)]) {
        codes = pairs.map { Array($0.key.utf8) }
        values = pairs.map { Array($0.value.utf8) }
        encoded = pairs.map { pair in
            var out: [UInt8] = []
            JSONText.quote(pair.value, into: &out)
            return out
        }
        caseInsensitive = table.caseInsensitive
        passesUnknown = table.unknown == .pass
        source = table
    }
}

/// How partner text becomes a JSON value on the compiled path; `general` goes through `Codec`.
enum ValueCodec: Sendable {
    case text
    case decimal
    case integer
    case date8
    case table(ByteTable)
    case general(Codec)
}

/// A JSON literal (a default or constant), encoded once, with whether it passes the schema
/// where it is written.
struct Literal: Sendable {
    let bytes: [UInt8]
    let valid: Bool
}

final class ValueOp: Sendable {
    let slot: Int
    let lookup: ValueLookup
    let codec: ValueCodec
    let fallback: Literal?
    let required: Bool
    /// One per schema that applies where the value is written.
    let rules: [LeafRule]
    let checked: Bool

    init(slot: Int, lookup: ValueLookup, codec: ValueCodec, fallback: Literal?, required: Bool, rules: [LeafRule]) {
        self.slot = slot
        self.lookup = lookup
        self.codec = codec
        self.fallback = fallback
        self.required = required
        self.rules = rules
        checked = !rules.isEmpty
    }
}

final class GroupOp: Sendable {
    /// The level whose first instance is the group's scope; nil for a group without a path.
    let level: Int?
    let ops: [ReadOp]
    /// The frame slots the group's bindings write (contiguous, in binding order).
    let slots: Range<Int>
    /// A group with a `json:` pointer appears only when it holds a value from the document.
    let needsFound: Bool
    let required: Bool

    init(level: Int?, ops: [ReadOp], slots: Range<Int>, needsFound: Bool, required: Bool) {
        self.level = level
        self.ops = ops
        self.slots = slots
        self.needsFound = needsFound
        self.required = required
    }
}

/// One binding, compiled; mirrors the cases of `BindingWalker.read`.
enum ReadOp: Sendable {
    case value(ValueOp)
    case constant(slot: Int, literal: Literal)
    case loop(slot: Int, level: Int, required: Bool)
    case group(GroupOp)
}

/// A JSON object the bindings of one loop instance (or the transaction set) fill: slots for
/// values, the ops that fill them, and the output shape with keys in written (sorted) order.
final class FramePlan: Sendable {
    let ops: [ReadOp]
    let root: OutputNode
    /// First slot of this frame in the reader's slot table.
    let slotBase: Int
    let slotCount: Int

    init(ops: [ReadOp], root: OutputNode, slotBase: Int, slotCount: Int) {
        self.ops = ops
        self.root = root
        self.slotBase = slotBase
        self.slotCount = slotCount
    }
}

/// A member of the output: a value slot, an object, or an array of loop items.
final class OutputNode: @unchecked Sendable {
    // Unchecked: built by the compiler, never changed once the plan is returned.
    enum Kind {
        case leaf(slot: Int)
        case object([OutputNode])
        case array(slot: Int, level: Int, item: FramePlan)
    }

    /// The member name (empty for a frame's root).
    let name: String
    /// `"name":` escaped (empty for a frame's root), outside Swift arrays: the reader copies it
    /// for every member it writes, without reference counting.
    let key: UnsafeMutableBufferPointer<UInt8>
    var kind: Kind {
        didSet { if case let .leaf(slot) = kind { leafSlot = slot } }
    }
    /// The slot of a value member (the common case, read without matching `kind`), or -1.
    private(set) var leafSlot = -1
    /// Index in the reader's presence table.
    var id = 0
    /// The schema forbids this member (see `NodeRules`).
    var forbidden = false
    var rules = NodeRules() {
        didSet { checksMembers = !rules.required.isEmpty || !rules.requiredAlternatives.isEmpty }
    }
    /// Whether `rules` require members: most objects do not, and copying the rules for nothing
    /// costs a retain and release per array for every object written.
    private(set) var checksMembers = false

    init(name: String, kind: Kind, isRoot: Bool = false) {
        self.name = name
        self.kind = kind
        if case let .leaf(slot) = kind { leafSlot = slot }
        var key: [UInt8] = []
        if !isRoot {
            JSONText.quote(name, into: &key)
            key.append(UInt8(ascii: ":"))
        }
        self.key = .allocate(capacity: key.count)
        _ = self.key.initialize(from: key)
    }

    deinit { key.deallocate() }
}

/// The schema's rules for one object or array node, decided when the plan is built. A node
/// is `forbidden` when it may not appear at all (a member `additionalProperties: false`
/// refuses, a type the node can never have, a schema of `false`).
struct NodeRules: Sendable {
    var forbidden = false
    /// Members that must be present, as child positions (-1: a member the mapping never writes).
    var required: [Int] = []
    /// `anyOf` lists of `required` alternatives: one alternative of each list must hold.
    var requiredAlternatives: [[[Int]]] = []
    var minItems: Int?
    var maxItems: Int?
}

/// Scalar keywords of one schema that applies to a value node.
final class LeafRule: Sendable {
    let types: TypeMask?
    let enumeration: [[UInt8]]?
    let constant: [UInt8]?
    let minLength: Int?
    let maxLength: Int?
    let pattern: PatternRule?
    let format: String?
    /// `format: date`, checked on bytes first.
    let formatIsDate: Bool
    let minimum: Double?
    let maximum: Double?

    init(
        types: TypeMask?, enumeration: [[UInt8]]?, constant: [UInt8]?, minLength: Int?, maxLength: Int?,
        pattern: PatternRule?, format: String?, minimum: Double?, maximum: Double?
    ) {
        self.types = types
        self.enumeration = enumeration
        self.constant = constant
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.format = format
        formatIsDate = format == "date"
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// JSON Schema type names as bits.
struct TypeMask: OptionSet, Sendable {
    let rawValue: UInt8
    static let string = TypeMask(rawValue: 1)
    static let fraction = TypeMask(rawValue: 2)
    static let integer = TypeMask(rawValue: 4)
    static let other = TypeMask(rawValue: 8)
}

/// A `pattern`: `^[class]{m,n}$` checked on bytes, anything else by the regular expression.
enum PatternRule: @unchecked Sendable {
    // Unchecked: `Regex` is not Sendable, but the plan only reads it.
    case byteClass(allowed: [Bool], minCount: Int, maxCount: Int)
    case regex(Regex<AnyRegexOutput>)
}

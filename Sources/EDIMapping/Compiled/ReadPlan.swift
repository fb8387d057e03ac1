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

/// One group or loop level of the partition (see `EDIScope` for the rules).
struct PartitionLevel: Sendable {
    /// Child levels that start at a matching segment, in binding order.
    let matchers: [(level: Int, match: SegmentMatch)]
    /// Tags this level's own value bindings read.
    let valueTags: [UInt32]
    /// Tags this level and its descendants read.
    let ownedTags: [UInt32]
    let hierarchical: Bool
}

/// A segment tag with qualifier predicates.
struct SegmentMatch: Sendable {
    let tag: UInt32
    let predicates: [BytePredicate]
}

/// `[01=SS|SD]`: the element or component must be one of `values` (absent counts as empty).
struct BytePredicate: Sendable {
    let element: Int
    let component: Int
    let values: [[UInt8]]
    /// The same values as text, for comparisons that need Unicode equality.
    let texts: [String]
    /// Every value is ASCII, so byte equality is String equality for ASCII elements.
    let ascii: Bool
}

/// Where a value binding reads: the first own segment matching `segment` in the scope (or the
/// scope's start segment when `segment` is nil), then an element and component.
struct ValueLookup: Sendable {
    let segment: SegmentMatch?
    let element: Int
    let component: Int
}

/// A code table with its codes as bytes; the canonical values pre-encoded as JSON strings.
struct ByteTable: Sendable {
    let codes: [[UInt8]]
    let values: [[UInt8]]
    let encoded: [[UInt8]]
    let caseInsensitive: Bool
    let passesUnknown: Bool
    /// The table itself, for text that is not ASCII.
    let source: CodeTable
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

struct ValueOp: Sendable {
    let slot: Int
    let lookup: ValueLookup
    let codec: ValueCodec
    let fallback: Literal?
    let required: Bool
    let rules: [LeafRule]
}

struct GroupOp: Sendable {
    /// The level whose first instance is the group's scope; nil for a group without a path.
    let level: Int?
    let ops: [ReadOp]
    /// The frame slots the group's bindings write (contiguous, in binding order).
    let slots: Range<Int>
    /// A group with a `json:` pointer appears only when it holds a value from the document.
    let needsFound: Bool
    let required: Bool
}

/// One binding, compiled; mirrors the cases of `BindingWalker.read`.
indirect enum ReadOp: Sendable {
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
    /// `"name":` escaped, empty for a frame's root.
    let key: [UInt8]
    var kind: Kind
    /// Index in the reader's presence table.
    var id = 0
    var rules = NodeRules()

    init(name: String, kind: Kind, isRoot: Bool = false) {
        self.name = name
        self.kind = kind
        var key: [UInt8] = []
        if !isRoot {
            JSONText.quote(name, into: &key)
            key.append(UInt8(ascii: ":"))
        }
        self.key = key
    }
}

/// The schema's rules for one output node, decided when the plan is built.
struct NodeRules: Sendable {
    /// The node may not appear (a member `additionalProperties: false` forbids, a type the
    /// node can never have, a schema of `false`).
    var forbidden = false
    /// Members that must be present, as child positions (-1: a member the mapping never writes).
    var required: [Int] = []
    /// `anyOf` lists of `required` alternatives: one alternative of each list must hold.
    var requiredAlternatives: [[[Int]]] = []
    var minItems: Int?
    var maxItems: Int?
}

/// Scalar keywords of one schema that applies to a value node.
struct LeafRule: Sendable {
    var types: TypeMask?
    var enumeration: [[UInt8]]?
    var constant: [UInt8]?
    var minLength: Int?
    var maxLength: Int?
    var pattern: PatternRule?
    var format: String?
    var minimum: Double?
    var maximum: Double?
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

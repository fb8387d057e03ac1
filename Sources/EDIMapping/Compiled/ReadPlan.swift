/// A mapping compiled for the EDI → JSON direction: segment tags packed, predicates and code
/// tables as bytes, JSON keys sorted and escaped, schema rules attached to the output shape.
/// Built once per mapping by `ReadPlanCompiler`, run by `CompiledReader`.
///
/// Every part the reader walks per segment, value or member is a plain struct in one flat table,
/// linked to the others by `Int32` indices (`Span`s), and text lives in one byte pool: walking
/// the plan touches no class, array or enum payload, so it costs no reference counting. The few
/// parts only the slow paths need (general codecs, regular expressions, non-ASCII predicates)
/// stay Swift values in `rare`.
final class ReadPlan: @unchecked Sendable {
    // Unchecked: the tables are written once by the initializer and only read afterwards.
    let levels: PlainStorage<PartitionLevel>
    let levelMatchers: PlainStorage<LevelMatcher>
    let tags: PlainStorage<UInt32>
    let matches: PlainStorage<SegmentMatch>
    let predicates: PlainStorage<BytePredicate>
    /// Byte ranges in `bytes`: predicate values, enumerations.
    let texts: PlainStorage<Span>
    /// Keys, literals, codes, byte classes.
    let bytes: PlainStorage<UInt8>
    let ops: PlainStorage<ReadOp>
    let frames: PlainStorage<FramePlan>
    let nodes: PlainStorage<OutputNode>
    /// Member positions of `required` lists and `anyOf` alternatives.
    let positions: PlainStorage<Int32>
    /// `anyOf` lists (spans of `alternatives`) and alternatives (spans of `positions`).
    let alternativeLists: PlainStorage<Span>
    let alternatives: PlainStorage<Span>
    let leafRules: PlainStorage<LeafRule>
    let tables: PlainStorage<ByteTable>
    let tableEntries: PlainStorage<TableEntry>
    let rare: RareParts
    /// Summary segments that end every loop (a span of `matches`).
    let trailer: Span
    /// The transaction set's own frame.
    let root: Int32
    /// Total slots over all frames.
    let slotCount: Int
    /// X12 reads the document type from ST01, EDIFACT from UNH 0065 (element 2, component 1).
    let typeElement: (element: Int, component: Int)
    let document: String

    init(_ tables: ReadPlanTables, trailer: Span, root: Int32, slotCount: Int, typeElement: (element: Int, component: Int), document: String) {
        levels = PlainStorage(tables.levels)
        levelMatchers = PlainStorage(tables.levelMatchers)
        tags = PlainStorage(tables.tags)
        matches = PlainStorage(tables.matches)
        predicates = PlainStorage(tables.predicates)
        texts = PlainStorage(tables.texts)
        bytes = PlainStorage(tables.bytes)
        ops = PlainStorage(tables.ops)
        frames = PlainStorage(tables.frames)
        nodes = PlainStorage(tables.nodes)
        positions = PlainStorage(tables.positions)
        alternativeLists = PlainStorage(tables.alternativeLists)
        alternatives = PlainStorage(tables.alternatives)
        leafRules = PlainStorage(tables.leafRules)
        self.tables = PlainStorage(tables.tables)
        tableEntries = PlainStorage(tables.tableEntries)
        rare = tables.rare
        self.trailer = trailer
        self.root = root
        self.slotCount = slotCount
        self.typeElement = typeElement
        self.document = document
    }

    deinit {
        levels.free(); levelMatchers.free(); tags.free(); matches.free(); predicates.free(); texts.free()
        bytes.free(); ops.free(); frames.free(); nodes.free(); positions.free(); alternativeLists.free()
        alternatives.free(); leafRules.free(); tables.free(); tableEntries.free()
    }
}

/// The plan's tables while the compiler fills them.
struct ReadPlanTables {
    var levels: [PartitionLevel] = []
    var levelMatchers: [LevelMatcher] = []
    var tags: [UInt32] = []
    var matches: [SegmentMatch] = []
    var predicates: [BytePredicate] = []
    var texts: [Span] = []
    var bytes: [UInt8] = []
    var ops: [ReadOp] = []
    var frames: [FramePlan] = []
    var nodes: [OutputNode] = []
    var positions: [Int32] = []
    var alternativeLists: [Span] = []
    var alternatives: [Span] = []
    var leafRules: [LeafRule] = []
    var tables: [ByteTable] = []
    var tableEntries: [TableEntry] = []
    var rare = RareParts()

    /// Appends `elements` to one of the tables and returns where they lie.
    static func append<T>(_ elements: [T], to table: inout [T]) -> Span {
        let lower = table.count
        table += elements
        return Span(lower, table.count)
    }

    mutating func text<S: Sequence<UInt8>>(_ text: S) -> Span { Self.append(Array(text), to: &bytes) }
}

/// What only the slow paths read: codecs without a byte form, regular expressions, formats,
/// predicate values as strings (for non-ASCII text), code tables for non-ASCII text.
struct RareParts: @unchecked Sendable {
    // Unchecked: `Regex` is not Sendable, but the plan only reads it.
    var codecs: [Codec] = []
    var regexes: [Regex<AnyRegexOutput>] = []
    var formats: [String] = []
    var predicateTexts: [[String]] = []
    var codeTables: [CodeTable] = []
}

/// A range of indices into one of the plan's tables.
struct Span: Sendable {
    var lower: Int32
    var upper: Int32

    init(_ lower: Int, _ upper: Int) {
        self.lower = Int32(lower)
        self.upper = Int32(upper)
    }

    static let none = Span(-1, -1)
    var isNone: Bool { lower < 0 }
    var count: Int { Int(upper - lower) }
}

/// One group or loop level of the partition (see `EDIScope` for the rules), indexed like
/// `EDIPlan.levels` (level 0 is the transaction set).
struct PartitionLevel: Sendable {
    /// Child levels that start at a matching segment, in binding order (`levelMatchers`).
    var matchers: Span
    /// Tags this level's own value bindings read (`tags`).
    var valueTags: Span
    /// Tags this level and its descendants read (`tags`).
    var ownedTags: Span
    var hierarchical: Bool
    /// One bit (`bit(of:)`) per tag of the matchers, value tags and trailer: a segment whose
    /// bit is clear only belongs to the open instance, or to the level when none is open.
    var filter: UInt64

    @inline(__always) static func bit(of tag: UInt32) -> UInt64 { 1 << ((tag &* 0x9E37_79B1) >> 26) }
}

struct LevelMatcher: Sendable {
    var level: Int32
    var match: Int32
}

/// A segment tag with qualifier predicates (`predicates`).
struct SegmentMatch: Sendable {
    var tag: UInt32
    var predicates: Span
}

/// `[01=SS|SD]`: the element or component must be one of `values` (absent counts as empty).
struct BytePredicate: Sendable {
    var element: Int32
    var component: Int32
    /// The values as spans of `texts`.
    var values: Span
    /// The same values as text in `RareParts.predicateTexts`, for Unicode equality.
    var textsIndex: Int32
    /// Every value is ASCII, so byte equality is String equality for ASCII elements.
    var ascii: Bool
    /// The usual case, one ASCII value of at most 8 bytes, as one integer (`packedCount` < 0: not).
    var packed: UInt64
    var packedCount: Int32

    /// Up to 8 bytes in one integer, first byte lowest.
    static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes { value |= UInt64(byte) << shift; shift += 8 }
        return value
    }
}

/// A code table with ASCII codes as bytes (`tableEntries`).
struct ByteTable: Sendable {
    var entries: Span
    var caseInsensitive: Bool
    var passesUnknown: Bool
    /// The table itself in `RareParts.codeTables`, for text that is not ASCII.
    var source: Int32
}

/// A code, its canonical value, and that value pre-encoded as a JSON string (spans of `bytes`).
struct TableEntry: Sendable {
    var code: Span
    var value: Span
    var encoded: Span
}

/// How partner text becomes a JSON value on the compiled path; `general` goes through `Codec`.
enum CodecKind: UInt8, Sendable {
    case text, decimal, integer, date8, table, general
}

/// One binding, compiled; mirrors the cases of `BindingWalker.read`.
struct ReadOp: Sendable {
    enum Kind: UInt8 {
        case value, constant, loop, group
    }

    var kind: Kind
    var required = false
    /// The slot written (value, constant, loop).
    var slot: Int32 = -1
    /// Value: the first own segment matching `matches[match]` in the scope, or the scope's
    /// start segment for -1; then an element and component.
    var match: Int32 = -1
    var element: Int32 = 0
    var component: Int32 = 0
    /// Value in an `id_pairs` segment: one match per pair position (the `k`-th puts the qualifier at the
    /// pairs' first element + 2k), tried in order in each candidate segment; the value is the element after
    /// the qualifier that matched. Empty for other values.
    var pairMatches = Span(0, 0)
    /// The element the pairs start at (`LIN/02`: 2).
    var pairStart: Int32 = 0
    var codec = CodecKind.text
    /// A `tables` index for `.table`, a `RareParts.codecs` index for `.general`.
    var codecIndex: Int32 = -1
    /// The default of a value or the constant (`bytes`), encoded once; `.none` for none.
    var literal = Span.none
    /// Whether the literal passes the schema where it is written.
    var literalValid = true
    /// `leafRules`, one per schema that applies where the value is written.
    var rules = Span(0, 0)
    /// Whether every rule only asks for a type that any string (number) has: most values are
    /// then written without checking their rules.
    var rulesPassStrings = true
    var rulesPassNumbers = true
    /// Loop: the level whose instances are the items. Group: the level whose first instance is
    /// the group's scope, -1 for a group without a path.
    var level: Int32 = -1
    /// Group: its ops (`ops`) and the frame slots they write (contiguous, in binding order).
    var children = Span(0, 0)
    var slots = Span(0, 0)
    /// Group: with a `json:` pointer it appears only when it holds a value from the document.
    var needsFound = false
}

/// A JSON object the bindings of one loop instance (or the transaction set) fill: slots for
/// values, the ops that fill them (`ops`), and its output node.
struct FramePlan: Sendable {
    var ops: Span
    var root: Int32
    /// First slot of this frame in the reader's slot table.
    var slotBase: Int32
    var slotCount: Int32
}

/// A member of the output: a value slot, an object, or an array of loop items. A node's index
/// in `nodes` is also its entry in the reader's presence table.
struct OutputNode: Sendable {
    enum Kind: UInt8 {
        case leaf, object, array
    }

    var kind: Kind
    /// `"name":` escaped (`bytes`), empty for a frame's root.
    var key: Span
    /// The value (leaf) or loop (array) slot.
    var slot: Int32 = -1
    /// Array: the loop level and the item frame.
    var level: Int32 = -1
    var item: Int32 = -1
    /// Object: its members in key order (`nodes`).
    var members = Span(0, 0)
    /// The schema forbids this member (see `NodeRules`).
    var forbidden = false
    /// Object: member positions that must be present (`positions`) and `anyOf` lists of
    /// required alternatives (`alternativeLists`); most objects have neither.
    var required = Span(0, 0)
    var alternativeLists = Span(0, 0)
    var checksMembers: Bool { required.count > 0 || alternativeLists.count > 0 }
    /// Array: item counts.
    var minItems: Int32 = 0
    var maxItems = Int32.max
}

/// Scalar keywords of one schema that applies to a value node.
struct LeafRule: Sendable {
    /// nil: any type.
    var types: TypeMask?
    /// Spans of `texts` (each a JSON value), `.none` for no `enum`.
    var enumeration = Span.none
    /// A JSON value in `bytes`, `.none` for no `const`.
    var constant = Span.none
    var minLength: Int32 = -1
    var maxLength: Int32 = -1
    var pattern = PatternKind.none
    /// `.byteClass`: 256 flags in `bytes` at `patternIndex`; `.regex`: a `RareParts.regexes` index.
    var patternIndex: Int32 = -1
    var minCount: Int32 = 0
    var maxCount: Int32 = 0
    /// A `RareParts.formats` index, -1 for none.
    var format: Int32 = -1
    /// `format: date`, checked on bytes first.
    var formatIsDate = false
    var minimum: Double?
    var maximum: Double?

    /// Whether any string (with `string: true`) or any number passes this rule.
    func passesAny(string: Bool) -> Bool {
        guard enumeration.isNone, constant.isNone, minLength < 0, maxLength < 0, pattern == .none, format < 0,
              minimum == nil, maximum == nil else { return false }
        guard let types else { return true }
        return string ? types.contains(.string) : types.isSuperset(of: [.fraction, .integer])
    }

    /// A `pattern`: `^[class]{m,n}$` checked on bytes, anything else by the regular expression.
    enum PatternKind: UInt8 {
        case none, byteClass, regex
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

/// The schema's rules for one object or array node, decided when the plan is built. A node
/// is `forbidden` when it may not appear at all (a member `additionalProperties: false`
/// refuses, a type the node can never have, a schema of `false`).
struct NodeRules {
    var forbidden = false
    /// Members that must be present, as child positions (-1: a member the mapping never writes).
    var required: [Int] = []
    /// `anyOf` lists of `required` alternatives: one alternative of each list must hold.
    var requiredAlternatives: [[[Int]]] = []
    var minItems: Int?
    var maxItems: Int?
}

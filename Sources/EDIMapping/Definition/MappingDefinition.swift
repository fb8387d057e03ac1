/// The partner-side syntax a mapping reads and writes.
public enum MappingSyntax: String, Sendable, Hashable {
    /// XML documents (ADF leads and the like).
    case xml
    /// ANSI X12 transaction sets.
    case x12
    /// UN/EDIFACT messages.
    case edifact
}

/// Which way a binding applies.
public enum BindingDirection: String, Sendable, Hashable {
    /// Read and write.
    case both
    /// Read only (partner → canonical): a value with no inverse.
    case read
    /// Write only (canonical → partner).
    case write
}

/// Where a binding points on the partner side.
enum SourcePath: Sendable, Hashable, CustomStringConvertible {
    case edi(EDIPath)
    case xml(XMLPath)

    var description: String {
        switch self {
        case let .edi(path): path.description
        case let .xml(path): path.description
        }
    }
}

/// One declared correspondence between a partner path and a canonical JSON pointer.
struct Binding: Sendable, Hashable {
    var id: String
    var line: Int
    var path: SourcePath?
    var isLoop = false
    var json: JSONPointer?
    var codec: Codec = .text
    var defaultValue: JSONValue?
    var emit: String?
    var required = false
    var direction: BindingDirection = .both
    var when: JSONPointer?
    /// On write, the 1-based index of the enclosing loop item (X12 `LX01`, `PO101`); ignored on read.
    var writesIndex = false
    /// On write, the number of values matching this pattern (`*` = any array item) in the whole
    /// document (X12 `CTT01`); ignored on read.
    var count: JSONPointer?
    /// On write, the sum of the numbers matching this pattern in the whole document (X12
    /// `CTT02` hash total); ignored on read.
    var sum: JSONPointer?
    /// An X12 `HL` level: HL02 is checked against the enclosing level on read; HL01, HL02 and
    /// HL04 are numbered on write.
    var hierarchy = false
    /// Index of this group's level in the mapping's `EDIPlan` (-1 for value bindings).
    var groupIndex = -1
    var children: [Binding] = []

    var isGroup: Bool { isLoop || !children.isEmpty }
    var reads: Bool { direction != .write }
    var writes: Bool { direction != .read }
}

/// XML-specific settings of a mapping.
struct XMLSettings: Sendable, Hashable {
    var root: String
    var namespace: String?
    /// Match element and attribute names ignoring case, trim text, repair stray `&`, accept text
    /// around the document (ADF leads arrive in e-mail bodies).
    var lenient = false
    var processingInstructions: [XMLProcessingInstructionSetting] = []
}

struct XMLProcessingInstructionSetting: Sendable, Hashable {
    var target: String
    var data: String
}

/// EDI-specific settings of a mapping.
struct EDISettings: Sendable, Hashable {
    /// Transaction set (`867`) or message type (`SLSRPT`).
    var document: String
    /// Version written in ST03 / UNH S009 (e.g. `004010`, `D:96A:UN`).
    var release: String?
    /// X12 functional identifier (GS01, `PT` for an 867), for writing a whole interchange.
    var functionalGroup: String?
    /// Segments whose elements from the given position on are qualifier/value pairs (`LIN/02`: LIN02/03,
    /// 04/05, …): read wherever a qualifier stands, written packed from that position in binding order.
    var idPairs: [String: Int] = [:]
    /// Summary segments after all loops (`CTT`, `AMT[01=TT]`): they end every loop and are
    /// written last.
    var trailer: [EDIPath] = []
}

/// A golden pair declared in a mapping's `tests:`.
public struct GoldenTest: Sendable, Hashable {
    /// Partner document, relative to the mapping file.
    public var input: String
    /// Canonical JSON, relative to the mapping file.
    public var json: String
    /// Whether writing the JSON must give back the input exactly (after normalization).
    public var roundTrip: Bool
}

/// A loaded, validated mapping (after applying any partner overlay).
public struct MappingDefinition: Sendable {
    /// Canonical document name (`lead`, `sell-through-report`).
    public var name: String
    /// Mapping version.
    public var version: Int
    /// The mapping file, relative to the catalogue root (used in every error).
    public var file: String
    /// Partner this overlay is for, if any.
    public var partner: String?
    /// Partner-side syntax.
    public var syntax: MappingSyntax
    /// The canonical JSON Schema, if declared.
    public var schema: JSONSchema?
    /// Golden pairs.
    public var tests: [GoldenTest]
    var xml: XMLSettings?
    var edi: EDISettings?
    var bindings: [Binding]
    /// How EDI transaction sets are partitioned for these bindings, computed once.
    var plan = EDIPlan(levels: [])
}

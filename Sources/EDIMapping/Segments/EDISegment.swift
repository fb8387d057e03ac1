import EDI

/// A segment as the mapping engine sees it: a tag and elements made of components.
///
/// This is the mapping's own minimal view, so mappings do not depend on how the `EDI` module
/// stores interchanges; repetitions are kept inside element text.
public struct EDISegment: Sendable, Hashable {
    /// Segment tag (`N1`, `QTY`).
    public var tag: String
    /// Elements (index 0 is element 01), each a list of components.
    public var elements: [[String]]

    /// Creates a segment.
    public init(tag: String, elements: [[String]]) {
        self.tag = tag
        self.elements = elements
    }

    /// Component `component` (1-based; 0 means the first) of element `element` (1-based).
    public func value(_ element: Int, _ component: Int = 0) -> String? {
        guard element >= 1, element <= elements.count else { return nil }
        let components = elements[element - 1]
        let index = max(component, 1) - 1
        return index < components.count ? components[index] : nil
    }

    /// Sets a component, padding with empty elements and components as needed.
    mutating func set(_ element: Int, _ component: Int, to text: String) {
        while elements.count < element { elements.append([""]) }
        var components = elements[element - 1]
        let index = max(component, 1) - 1
        while components.count <= index { components.append("") }
        components[index] = text
        elements[element - 1] = components
    }

    func matches(_ tag: String, _ predicates: [PathPredicate]) -> Bool {
        self.tag == tag && predicates.allSatisfy { predicate in
            predicate.values.contains(value(predicate.element, predicate.component) ?? "")
        }
    }
}

/// The delimiters of an EDI text.
public struct EDIDelimiters: Sendable, Hashable {
    /// Element separator.
    public var element: Character
    /// Component separator.
    public var component: Character
    /// Segment terminator.
    public var segment: Character
    /// Release (escape) character, EDIFACT only.
    public var release: Character?

    /// X12 defaults used when there is no ISA: `*`, `>`, `~`.
    public static let x12 = EDIDelimiters(element: "*", component: ">", segment: "~", release: nil)
    /// EDIFACT defaults used when there is no UNA: `+`, `:`, `'`, `?`.
    public static let edifact = EDIDelimiters(element: "+", component: ":", segment: "'", release: "?")
}

/// One transaction set (X12 ST…SE) or message (EDIFACT UNH…UNT) of a file.
public struct EDITransaction: Sendable {
    /// The header segment (ST / UNH).
    public var header: EDISegment
    /// The segments between header and trailer (empty when backed by the `EDI` module).
    public let body: [EDISegment]
    /// 1-based index of the header segment in the file (for positions in errors).
    public var firstSegment: Int
    /// Segments read by the `EDI` module, used in place of `body` without copying every element.
    var moduleSegments: [Segment]?
    /// Tag of every body segment.
    let tags: [String]

    /// Creates a transaction from parsed segments.
    public init(header: EDISegment, body: [EDISegment], firstSegment: Int) {
        self.header = header
        self.body = body
        self.firstSegment = firstSegment
        tags = body.map(\.tag)
    }

    init(header: EDISegment, moduleSegments: [Segment], firstSegment: Int) {
        self.header = header
        body = []
        self.firstSegment = firstSegment
        self.moduleSegments = moduleSegments
        tags = moduleSegments.map(\.tagText)
    }

    /// Number of body segments.
    var count: Int { tags.count }

    /// Component `component` (0 = first) of element `element` of body segment `index`.
    func value(_ index: Int, _ element: Int, _ component: Int) -> String? {
        if let moduleSegments {
            guard let value = moduleSegments[index].element(element) else { return nil }
            // Most elements are simple: take their text without splitting into components.
            if component <= 1, !value.bytes.contains(value.delimiters.component) { return value.text }
            return value.component(max(component, 1))?.text
        }
        return body[index].value(element, component)
    }

    func matches(_ index: Int, _ tag: String, _ predicates: [PathPredicate]) -> Bool {
        tags[index] == tag && predicates.allSatisfy { predicate in
            predicate.values.contains(value(index, predicate.element, predicate.component) ?? "")
        }
    }
}

/// Splits EDI text into segments and transaction sets, and writes them back.
public enum EDIText {
    static let envelopeTags: Set<String> = ["ISA", "IEA", "GS", "GE", "UNA", "UNB", "UNZ", "UNG", "UNE"]

    /// Delimiters from ISA or UNA when present, otherwise the syntax's defaults.
    public static func delimiters(of text: [Character], syntax: MappingSyntax) -> EDIDelimiters {
        if text.count > 106, String(text[0..<3]) == "ISA" {
            return EDIDelimiters(element: text[3], component: text[104], segment: text[105], release: nil)
        }
        if text.count > 9, String(text[0..<3]) == "UNA" {
            return EDIDelimiters(element: text[4], component: text[3], segment: text[8], release: text[6] == " " ? nil : text[6])
        }
        return syntax == .edifact ? .edifact : .x12
    }

    /// Every segment of the text (envelopes included), in order.
    public static func segments(_ bytes: [UInt8], syntax: MappingSyntax) -> [EDISegment] {
        var text = Array(String(decoding: bytes, as: UTF8.self))
        let delimiters = delimiters(of: text, syntax: syntax)
        if text.count > 9, String(text[0..<3]) == "UNA" { text.removeFirst(9) }
        var segments: [EDISegment] = []
        var elements: [[String]] = []
        var components: [String] = []
        var current = ""
        var escaped = false
        func endComponent() { components.append(current); current = "" }
        func endElement() { endComponent(); elements.append(components); components = [] }
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if let release = delimiters.release, character == release {
                escaped = true
            } else if character == delimiters.segment {
                endElement()
                if let tag = elements.first?.first?.trimmingWhitespace(), !tag.isEmpty {
                    segments.append(EDISegment(tag: tag, elements: Array(elements.dropFirst())))
                }
                elements = []
            } else if character == delimiters.element {
                endElement()
            } else if character == delimiters.component {
                endComponent()
            } else if !(character.isNewline && current.isEmpty && elements.isEmpty && components.isEmpty) {
                current.append(character)
            }
        }
        return segments
    }

    /// The transaction sets (ST…SE / UNH…UNT) of the text.
    public static func transactions(_ bytes: [UInt8], syntax: MappingSyntax) -> [EDITransaction] {
        var result: [EDITransaction] = []
        var open: (header: EDISegment, body: [EDISegment], first: Int)?
        func finish() {
            if let pending = open {
                result.append(EDITransaction(header: pending.header, body: pending.body, firstSegment: pending.first))
            }
            open = nil
        }
        for (offset, segment) in segments(bytes, syntax: syntax).enumerated() {
            switch segment.tag {
            case "ST", "UNH":
                finish()
                open = (segment, [], offset + 1)
            case "SE", "UNT":
                finish()
            default:
                if envelopeTags.contains(segment.tag) { continue }
                open?.body.append(segment)
            }
        }
        finish()
        return result
    }

    /// A segment as text with its terminator (trailing empty elements and components dropped).
    public static func write(_ segment: EDISegment, _ delimiters: EDIDelimiters) -> String {
        var elements = segment.elements.map { components -> [String] in
            var trimmed = components
            while trimmed.count > 1, trimmed.last?.isEmpty == true { trimmed.removeLast() }
            return trimmed
        }
        while elements.last.map({ $0.allSatisfy(\.isEmpty) }) == true { elements.removeLast() }
        var out = segment.tag
        for element in elements {
            out.append(delimiters.element)
            out += element.map { escape($0, delimiters) }.joined(separator: String(delimiters.component))
        }
        out.append(delimiters.segment)
        return out
    }

    static func escape(_ text: String, _ delimiters: EDIDelimiters) -> String {
        guard let release = delimiters.release else { return text }
        var out = ""
        for character in text {
            if [delimiters.element, delimiters.component, delimiters.segment, release].contains(character) { out.append(release) }
            out.append(character)
        }
        return out
    }
}

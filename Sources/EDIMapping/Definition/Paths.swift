/// A predicate on a path step: filters on read, is written as a constant on write.
struct PathPredicate: Sendable, Hashable {
    /// X12/EDIFACT: element (1-based) and optional component; XML: unused.
    var element: Int = 0
    var component: Int = 0
    /// XML: the attribute name.
    var attribute: String = ""
    /// Accepted values; the first one is written.
    var values: [String]

    var written: String { values.first ?? "" }
}

/// An EDI path: `SEG[01=FR]/04`, `SEG/03.01`, `N1[01=ST]` (a segment), or `02` (an element of
/// the enclosing group's first segment).
struct EDIPath: Sendable, Hashable, CustomStringConvertible {
    var segment: String?
    var predicates: [PathPredicate] = []
    var element: Int?
    var component: Int?
    var text: String
    /// Set when the segment's elements from this position on are qualifier/value pairs (`id_pairs:`): the
    /// path's predicate in that range names a qualifier found in any pair, and the value is its partner.
    var pairStart: Int?

    var description: String { text }

    static func parse(_ text: String) -> EDIPath? {
        var rest = Substring(text.trimmingWhitespace())
        if rest.hasPrefix("loop:") { rest = rest.dropFirst(5) }
        var path = EDIPath(text: text)
        if let first = rest.first, first.isLetter {
            let tag = rest.prefix { $0.isLetter || $0.isNumber }
            guard (2...3).contains(tag.count) else { return nil }
            path.segment = String(tag)
            rest = rest.dropFirst(tag.count)
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                for clause in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",") {
                    let parts = clause.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, let (element, component) = elementReference(parts[0]) else { return nil }
                    let values = parts[1].split(separator: "|").map { String($0).trimmingWhitespace() }
                    guard !values.isEmpty else { return nil }
                    path.predicates.append(PathPredicate(element: element, component: component, values: values))
                }
                rest = rest[rest.index(after: close)...]
            }
            if rest.isEmpty { return path }
            guard rest.first == "/" else { return nil }
            rest = rest.dropFirst()
        }
        guard let (element, component) = elementReference(rest) else { return nil }
        path.element = element
        path.component = component == 0 ? nil : component
        return path
    }

    /// `04` → (4, 0); `03.01` → (3, 1).
    private static func elementReference(_ text: Substring) -> (Int, Int)? {
        let parts = text.trimmingWhitespace().split(separator: ".")
        guard let first = parts.first, let element = Int(first), element > 0, element < 1000 else { return nil }
        if parts.count == 1 { return (element, 0) }
        guard parts.count == 2, let component = Int(parts[1]), component > 0, component < 100 else { return nil }
        return (element, component)
    }
}

/// One step of an XML path: an element name with attribute predicates.
struct XMLPathStep: Sendable, Hashable {
    var name: String
    var predicates: [PathPredicate]
}

/// An XML path relative to the current element: `customer/contact/name[@part=first]`,
/// `id/@source`, `@type`, or `.` (the current element's text).
struct XMLPath: Sendable, Hashable, CustomStringConvertible {
    var steps: [XMLPathStep]
    /// The attribute read at the end, or `nil` for the element's text.
    var attribute: String?
    var text: String

    var description: String { text }

    static func parse(_ text: String) -> XMLPath? {
        var path = XMLPath(steps: [], attribute: nil, text: text)
        let trimmed = text.trimmingWhitespace()
        if trimmed == "." { return path }
        var parts: [Substring] = []
        var depth = 0
        var start = trimmed.startIndex
        for index in trimmed.indices {
            switch trimmed[index] {
            case "[": depth += 1
            case "]": depth -= 1
            case "/" where depth == 0:
                parts.append(trimmed[start..<index])
                start = trimmed.index(after: index)
            default: break
            }
        }
        parts.append(trimmed[start...])
        for (offset, part) in parts.enumerated() {
            if part.hasPrefix("@") {
                guard offset == parts.count - 1, part.count > 1 else { return nil }
                path.attribute = String(part.dropFirst())
                continue
            }
            if part == "." { continue }
            let name = part.prefix { $0 != "[" }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.:".contains($0) }) else { return nil }
            var step = XMLPathStep(name: String(name), predicates: [])
            var rest = part.dropFirst(name.count)
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let clause = rest[rest.index(after: rest.startIndex)..<close]
                let pieces = clause.split(separator: "=", maxSplits: 1)
                guard pieces.count == 2, pieces[0].hasPrefix("@") else { return nil }
                let values = pieces[1].split(separator: "|").map {
                    String($0).trimmingWhitespace().trimmingCharacters(in: "'\"")
                }
                step.predicates.append(PathPredicate(attribute: String(pieces[0].dropFirst()), values: values))
                rest = rest[rest.index(after: close)...]
            }
            guard rest.isEmpty else { return nil }
            path.steps.append(step)
        }
        return path
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        guard let first = first, let last = last else { return "" }
        if !first.isWhitespace, !last.isWhitespace { return String(self) }
        guard let start = firstIndex(where: { !$0.isWhitespace }),
              let end = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[start...end])
    }

    func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

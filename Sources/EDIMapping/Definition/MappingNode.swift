import Yams

/// A YAML value with the line it came from, so errors can point into mapping files and
/// overlays can be applied before the mapping is decoded.
indirect enum MappingNode: Sendable, Hashable {
    /// A scalar; `quoted` is true for quoted or block scalars (always strings).
    case scalar(String, quoted: Bool, line: Int)
    /// A mapping with keys in document order.
    case map([(key: String, value: MappingNode)], line: Int)
    /// A sequence.
    case list([MappingNode], line: Int)

    static func == (lhs: MappingNode, rhs: MappingNode) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, qa, _), .scalar(b, qb, _)): a == b && qa == qb
        case let (.list(a, _), .list(b, _)): a == b
        case let (.map(a, _), .map(b, _)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case let .scalar(text, quoted, _): hasher.combine(text); hasher.combine(quoted)
        case let .map(pairs, _): for pair in pairs { hasher.combine(pair.key); hasher.combine(pair.value) }
        case let .list(items, _): hasher.combine(items)
        }
    }

    var line: Int {
        switch self {
        case let .scalar(_, _, line), let .map(_, line), let .list(_, line): line
        }
    }

    subscript(key: String) -> MappingNode? {
        if case let .map(pairs, _) = self { return pairs.first { $0.key == key }?.value }
        return nil
    }

    var text: String? {
        if case let .scalar(text, _, _) = self { return text }
        return nil
    }

    var items: [MappingNode]? {
        if case let .list(items, _) = self { return items }
        return nil
    }

    var pairs: [(key: String, value: MappingNode)]? {
        if case let .map(pairs, _) = self { return pairs }
        return nil
    }

    /// Replaces or adds `key` in a mapping node.
    func setting(_ key: String, to value: MappingNode) -> MappingNode {
        guard case .map(var pairs, let line) = self else { return self }
        if let index = pairs.firstIndex(where: { $0.key == key }) {
            pairs[index].value = value
        } else {
            pairs.append((key, value))
        }
        return .map(pairs, line: line)
    }

    /// Parses YAML text; at most `budget` nodes, so an alias bomb cannot blow up.
    static func parse(_ text: String, file: String, budget: Int = 200_000) throws(MappingError) -> MappingNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw .definition(file: file, line: nil, message: "YAML: \(error)")
        }
        guard let root else { throw .definition(file: file, line: 1, message: "the file is empty") }
        var remaining = budget
        return try convert(root, file: file, remaining: &remaining)
    }

    private static func convert(_ node: Node, file: String, remaining: inout Int) throws(MappingError) -> MappingNode {
        remaining -= 1
        let line = node.mark?.line ?? 0
        guard remaining > 0 else { throw .definition(file: file, line: line, message: "the YAML document is too large") }
        switch node {
        case let .scalar(scalar):
            return .scalar(scalar.string, quoted: scalar.style != .plain && scalar.style != .any, line: line)
        case let .mapping(mapping):
            var pairs: [(key: String, value: MappingNode)] = []
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw .definition(file: file, line: key.mark?.line, message: "mapping keys must be scalars")
                }
                if pairs.contains(where: { $0.key == name }) {
                    throw .definition(file: file, line: key.mark?.line, message: "duplicate key \(name)")
                }
                pairs.append((name, try convert(value, file: file, remaining: &remaining)))
            }
            return .map(pairs, line: line)
        case let .sequence(sequence):
            var items: [MappingNode] = []
            for item in sequence { items.append(try convert(item, file: file, remaining: &remaining)) }
            return .list(items, line: line)
        case let .alias(alias):
            throw .definition(file: file, line: alias.mark?.line ?? line, message: "YAML aliases are not supported in mappings")
        }
    }

    /// The scalar as a JSON value: quoted scalars are strings, plain ones follow the YAML core
    /// schema (null, booleans, numbers).
    func jsonLiteral() -> JSONValue {
        switch self {
        case let .scalar(text, quoted, _):
            if quoted { return .string(text) }
            switch text {
            case "null", "~", "": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default:
                if text.first.map({ $0.isNumber || $0 == "-" }) == true, let number = JSONValue.number(canonicalizing: text) {
                    return number
                }
                return .string(text)
            }
        case let .map(pairs, _):
            return .object(Dictionary(pairs.map { ($0.key, $0.value.jsonLiteral()) }, uniquingKeysWith: { first, _ in first }))
        case let .list(items, _):
            return .array(items.map { $0.jsonLiteral() })
        }
    }
}

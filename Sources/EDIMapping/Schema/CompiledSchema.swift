import Synchronization

/// One schema object with its keywords decoded, so validating a document does no dictionary
/// look-ups on the schema and compiles each `pattern` once.
final class CompiledSchema: @unchecked Sendable {
    // Unchecked: every stored property is written once in `init`, before the node is shared;
    // `reference` is resolved lazily under `Cache.lock`.
    let allowsNothing: Bool
    let types: [String]?
    let enumeration: [JSONValue]?
    let constant: JSONValue?
    let allOf: [CompiledSchema]
    let anyOf: [CompiledSchema]
    let minLength: Int?
    let maxLength: Int?
    let pattern: (text: String, regex: Regex<AnyRegexOutput>)?
    let format: String?
    let minimum: Double?
    let maximum: Double?
    let minItems: Int?
    let maxItems: Int?
    let items: CompiledSchema?
    let required: [String]
    let properties: [String: CompiledSchema]
    let additional: CompiledSchema?
    let referenceText: String?
    private let root: JSONValue
    private let cache: Cache

    /// Compiled nodes by their schema document, so `$ref` cycles resolve to the same node.
    final class Cache: @unchecked Sendable {
        // Unchecked: `nodes` is only touched inside `lock`.
        let lock = Mutex(())
        var nodes: [JSONValue: CompiledSchema] = [:]
        var references: [ObjectIdentifier: CompiledSchema] = [:]
        var root: CompiledSchema?
    }

    static func node(for schema: JSONValue, root: JSONValue, cache: Cache) -> CompiledSchema {
        if let found = cache.lock.withLock({ _ in cache.nodes[schema] }) { return found }
        let node = CompiledSchema(schema, root: root, cache: cache)
        return cache.lock.withLock { _ in
            if let raced = cache.nodes[schema] { return raced }
            cache.nodes[schema] = node
            return node
        }
    }

    private init(_ schema: JSONValue, root: JSONValue, cache: Cache) {
        self.root = root
        self.cache = cache
        let rules = schema.objectValue ?? [:]
        allowsNothing = schema == .bool(false)
        if let value = rules["type"] {
            types = value.arrayValue?.compactMap(\.stringValue) ?? value.stringValue.map { [$0] } ?? []
        } else {
            types = nil
        }
        enumeration = rules["enum"]?.arrayValue
        constant = rules["const"]
        allOf = (rules["allOf"]?.arrayValue ?? []).map { CompiledSchema.node(for: $0, root: root, cache: cache) }
        anyOf = (rules["anyOf"]?.arrayValue ?? []).map { CompiledSchema.node(for: $0, root: root, cache: cache) }
        minLength = rules["minLength"].flatMap(JSONSchema.int)
        maxLength = rules["maxLength"].flatMap(JSONSchema.int)
        pattern = rules["pattern"]?.stringValue.flatMap { text in (try? Regex(text)).map { (text, $0) } }
        format = rules["format"]?.stringValue
        minimum = rules["minimum"].flatMap(JSONSchema.double)
        maximum = rules["maximum"].flatMap(JSONSchema.double)
        minItems = rules["minItems"].flatMap(JSONSchema.int)
        maxItems = rules["maxItems"].flatMap(JSONSchema.int)
        items = rules["items"].map { CompiledSchema.node(for: $0, root: root, cache: cache) }
        required = rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        properties = (rules["properties"]?.objectValue ?? [:]).mapValues { CompiledSchema.node(for: $0, root: root, cache: cache) }
        additional = rules["additionalProperties"].map { CompiledSchema.node(for: $0, root: root, cache: cache) }
        referenceText = rules["$ref"]?.stringValue
    }

    /// The `$ref` target, compiled on first use (references may be recursive) and then kept.
    var reference: CompiledSchema? {
        if let resolved = cache.lock.withLock({ _ in cache.references[ObjectIdentifier(self)] }) { return resolved }
        guard let referenceText, referenceText.hasPrefix("#"),
              let target = JSONPointer(String(referenceText.dropFirst())).value(in: root) else { return nil }
        let node = CompiledSchema.node(for: target, root: root, cache: cache)
        cache.lock.withLock { _ in cache.references[ObjectIdentifier(self)] = node }
        return node
    }

    /// `path` is a stack of pointer tokens, pushed and popped in place so that valid documents
    /// cost no pointer allocations.
    func validate(_ value: JSONValue, at path: inout [String], depth: Int, into found: inout [String]) {
        func report(_ message: String) {
            let pointer = JSONPointer(tokens: path).description
            found.append("\(pointer.isEmpty ? "/" : pointer): \(message)")
        }
        guard depth < 64 else { return report("schema nesting too deep (recursive $ref?)") }
        if allowsNothing { return report("no value is allowed here") }
        if let referenceText {
            guard let target = reference else { return report("unresolvable $ref \(referenceText)") }
            target.validate(value, at: &path, depth: depth + 1, into: &found)
        }
        if let types {
            let actual = value.typeName
            if !types.contains(actual), !(actual == "integer" && types.contains("number")) {
                return report("expected \(types.joined(separator: " or ")), found \(actual)")
            }
        }
        if let enumeration, !enumeration.contains(value) {
            report("\(JSONText.string(value, pretty: false)) is not one of \(JSONText.string(.array(enumeration), pretty: false))")
        }
        if let constant, constant != value { report("must be \(JSONText.string(constant, pretty: false))") }
        for sub in allOf { sub.validate(value, at: &path, depth: depth + 1, into: &found) }
        if !anyOf.isEmpty {
            let matches = anyOf.contains { option in
                var scratch: [String] = []
                option.validate(value, at: &path, depth: depth + 1, into: &scratch)
                return scratch.isEmpty
            }
            if !matches { report("matches none of the anyOf schemas") }
        }
        switch value {
        case let .string(text):
            if minLength != nil || maxLength != nil {
                let length = text.unicodeScalars.count
                if let minLength, length < minLength { report("shorter than \(minLength) characters") }
                if let maxLength, length > maxLength { report("longer than \(maxLength) characters") }
            }
            if let pattern, (try? pattern.regex.firstMatch(in: text)) == nil { report("does not match \(pattern.text)") }
            if let format, !JSONSchema.matches(format: format, text) { report("is not a valid \(format)") }
        case let .number(text):
            if minimum != nil || maximum != nil {
                let number = Double(text) ?? 0
                if let minimum, number < minimum { report("less than \(minimum)") }
                if let maximum, number > maximum { report("greater than \(maximum)") }
            }
        case let .array(elements):
            if let minItems, elements.count < minItems { report("fewer than \(minItems) items") }
            if let maxItems, elements.count > maxItems { report("more than \(maxItems) items") }
            if let items {
                for (index, element) in elements.enumerated() {
                    path.append(String(index))
                    items.validate(element, at: &path, depth: depth + 1, into: &found)
                    path.removeLast()
                }
            }
        case let .object(members):
            for name in required where members[name] == nil { report("missing required property \(name)") }
            for (name, member) in members {
                guard let sub = properties[name] ?? additional else { continue }
                path.append(name)
                sub.validate(member, at: &path, depth: depth + 1, into: &found)
                path.removeLast()
            }
        default:
            break
        }
    }
}

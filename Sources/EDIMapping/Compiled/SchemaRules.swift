/// The schemas that apply to one node of the output shape; `forbidden` when any of them
/// rejects every value there (`false`, a member `additionalProperties: false` refuses, an
/// unresolvable `$ref`).
struct SchemaSet {
    var schemas: [CompiledSchema] = []
    var forbidden = false

    static let none = SchemaSet()
}

/// Resolves the canonical schema against the static output shape when a plan is compiled,
/// so a document is checked while it is written instead of walked again afterwards.
/// Whatever it cannot decide statically makes the mapping fall back to the reference engine.
struct SchemaResolver {
    let root: SchemaSet

    init(_ schema: CompiledSchema) {
        var set = SchemaSet()
        // The root has no `$ref` chains long enough to fail; `expand` only throws past depth 32.
        try? Self.expand(schema, into: &set, depth: 0)
        root = set
    }

    /// Adds `schema` with its `$ref` target and `allOf` parts (each validates the same value).
    private static func expand(_ schema: CompiledSchema, into set: inout SchemaSet, depth: Int) throws(ReadPlanUnsupported) {
        guard depth < 32 else { throw ReadPlanUnsupported("schema nesting too deep") }
        if schema.allowsNothing { set.forbidden = true }
        set.schemas.append(schema)
        if schema.referenceText != nil {
            if let target = schema.reference { try expand(target, into: &set, depth: depth + 1) } else { set.forbidden = true }
        }
        for part in schema.allOf { try expand(part, into: &set, depth: depth + 1) }
    }

    func member(_ name: String, of set: SchemaSet) throws(ReadPlanUnsupported) -> SchemaSet {
        var result = SchemaSet()
        for schema in set.schemas {
            if let sub = schema.properties[name] ?? schema.additional { try Self.expand(sub, into: &result, depth: 0) }
        }
        return result
    }

    func set(of frame: SchemaSet, at pointer: [String]) throws(ReadPlanUnsupported) -> SchemaSet {
        var set = frame
        for token in pointer { set = try member(token, of: set) }
        return set
    }

    /// The schemas of the items of the array at `pointer`.
    func items(of frame: SchemaSet, at pointer: [String]) throws(ReadPlanUnsupported) -> SchemaSet {
        var result = SchemaSet()
        for schema in try set(of: frame, at: pointer).schemas {
            if let items = schema.items { try Self.expand(items, into: &result, depth: 0) }
        }
        return result
    }

    /// Whether a literal (a default or constant) passes every schema of its node.
    func accepts(_ value: JSONValue, in set: SchemaSet) -> Bool {
        !set.forbidden && set.schemas.allSatisfy { schema in
            var path: [String] = []
            var found: [String] = []
            schema.validate(value, at: &path, depth: 0, into: &found)
            return found.isEmpty
        }
    }

    /// The scalar rules of every schema in `set`, appended to the plan's tables.
    func leafRules(_ set: SchemaSet, into tables: inout ReadPlanTables) throws(ReadPlanUnsupported) -> Span {
        var rules: [LeafRule] = []
        for schema in set.schemas {
            guard schema.anyOf.isEmpty else { throw ReadPlanUnsupported("anyOf on a value") }
            var rule = LeafRule()
            rule.types = schema.types.map(Self.mask)
            if let values = schema.enumeration {
                let spans = values.map { tables.text(JSONText.bytes($0, pretty: false)) }
                rule.enumeration = ReadPlanTables.append(spans, to: &tables.texts)
            }
            if let constant = schema.constant { rule.constant = tables.text(JSONText.bytes(constant, pretty: false)) }
            rule.minLength = schema.minLength.map { Int32(clamping: $0) } ?? -1
            rule.maxLength = schema.maxLength.map { Int32(clamping: $0) } ?? -1
            if let pattern = schema.pattern {
                if let (allowed, minimum, maximum) = Self.byteClass(pattern.text) {
                    rule.pattern = .byteClass
                    rule.patternIndex = tables.text(allowed).lower
                    rule.minCount = Int32(clamping: minimum)
                    rule.maxCount = Int32(clamping: maximum)
                } else {
                    rule.pattern = .regex
                    tables.rare.regexes.append(pattern.regex)
                    rule.patternIndex = Int32(tables.rare.regexes.count - 1)
                }
            }
            if let format = schema.format {
                tables.rare.formats.append(format)
                rule.format = Int32(tables.rare.formats.count - 1)
                rule.formatIsDate = format == "date"
            }
            rule.minimum = schema.minimum
            rule.maximum = schema.maximum
            rules.append(rule)
        }
        return ReadPlanTables.append(rules, to: &tables.leafRules)
    }

    func objectRules(_ set: SchemaSet, members: [String]) throws(ReadPlanUnsupported) -> NodeRules {
        var rules = NodeRules()
        func position(_ name: String) -> Int { members.firstIndex(of: name) ?? -1 }
        for schema in set.schemas {
            guard schema.enumeration == nil, schema.constant == nil else { throw ReadPlanUnsupported("enum or const on an object") }
            if let types = schema.types, !types.contains("object") { rules.forbidden = true }
            rules.required += schema.required.map(position)
            if !schema.anyOf.isEmpty {
                rules.requiredAlternatives.append(try schema.anyOf.map { option throws(ReadPlanUnsupported) in
                    guard Self.onlyRequires(option) else { throw ReadPlanUnsupported("anyOf beyond alternative required members") }
                    return option.required.map(position)
                })
            }
        }
        return rules
    }

    func arrayRules(_ set: SchemaSet) throws(ReadPlanUnsupported) -> NodeRules {
        var rules = NodeRules()
        for schema in set.schemas {
            guard schema.enumeration == nil, schema.constant == nil, schema.anyOf.isEmpty else {
                throw ReadPlanUnsupported("enum, const or anyOf on an array")
            }
            if let types = schema.types, !types.contains("array") { rules.forbidden = true }
            if let minimum = schema.minItems { rules.minItems = max(rules.minItems ?? 0, minimum) }
            if let maximum = schema.maxItems { rules.maxItems = min(rules.maxItems ?? .max, maximum) }
        }
        return rules
    }

    private static func onlyRequires(_ schema: CompiledSchema) -> Bool {
        !schema.allowsNothing && schema.types == nil && schema.enumeration == nil && schema.constant == nil
            && schema.allOf.isEmpty && schema.anyOf.isEmpty && schema.minLength == nil && schema.maxLength == nil
            && schema.pattern == nil && schema.format == nil && schema.minimum == nil && schema.maximum == nil
            && schema.minItems == nil && schema.maxItems == nil && schema.items == nil && schema.properties.isEmpty
            && schema.additional == nil && schema.referenceText == nil
    }

    private static func mask(_ types: [String]) -> TypeMask {
        var mask: TypeMask = []
        for type in types {
            switch type {
            case "string": mask.insert(.string)
            case "number": mask.formUnion([.fraction, .integer])
            case "integer": mask.insert(.integer)
            default: mask.insert(.other)
            }
        }
        return mask
    }
}

extension SchemaResolver {
    /// `^[A-Z0-9]{m,n}$` (ranges and single ASCII characters) becomes 256 flags (1: allowed)
    /// and counts; anything else stays a regular expression.
    fileprivate static func byteClass(_ text: String) -> (allowed: [UInt8], minimum: Int, maximum: Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count > 6, bytes[0] == UInt8(ascii: "^"), bytes[1] == UInt8(ascii: "["),
              bytes.last == UInt8(ascii: "$"), let close = bytes.firstIndex(of: UInt8(ascii: "]")),
              close + 2 < bytes.count, bytes[close + 1] == UInt8(ascii: "{"), bytes[bytes.count - 2] == UInt8(ascii: "}")
        else { return nil }
        var allowed = [UInt8](repeating: 0, count: 256)
        var index = 2
        while index < close {
            let low = bytes[index]
            guard low != UInt8(ascii: "^"), low != UInt8(ascii: "\\"), low != UInt8(ascii: "["), low < 0x80 else { return nil }
            if index + 2 < close, bytes[index + 1] == UInt8(ascii: "-") {
                let high = bytes[index + 2]
                guard high >= low, high < 0x80, high != UInt8(ascii: "\\") else { return nil }
                for byte in low...high { allowed[Int(byte)] = 1 }
                index += 3
            } else {
                allowed[Int(low)] = 1
                index += 1
            }
        }
        let counts = String(decoding: bytes[(close + 2)..<(bytes.count - 2)], as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
        guard let minimum = counts.first.flatMap({ Int($0) }), counts.count <= 2 else { return nil }
        let maximum = counts.count == 2 ? Int(counts[1]) : minimum
        guard let maximum, maximum >= minimum else { return nil }
        return (allowed, minimum, maximum)
    }
}


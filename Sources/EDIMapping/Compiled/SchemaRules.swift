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

    func leafRules(_ set: SchemaSet) throws(ReadPlanUnsupported) -> [LeafRule] {
        try set.schemas.map { schema throws(ReadPlanUnsupported) in
            guard schema.anyOf.isEmpty else { throw ReadPlanUnsupported("anyOf on a value") }
            return LeafRule(
                types: schema.types.map(Self.mask),
                enumeration: schema.enumeration?.map { JSONText.bytes($0, pretty: false) },
                constant: schema.constant.map { JSONText.bytes($0, pretty: false) },
                minLength: schema.minLength, maxLength: schema.maxLength,
                pattern: schema.pattern.map { PatternRule($0.text, $0.regex) },
                format: schema.format, minimum: schema.minimum, maximum: schema.maximum)
        }
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

extension PatternRule {
    /// `^[A-Z0-9]{m,n}$` (ranges and single ASCII characters) becomes a byte table.
    init(_ text: String, _ regex: Regex<AnyRegexOutput>) {
        self = Self.byteClass(text) ?? .regex(regex)
    }

    private static func byteClass(_ text: String) -> PatternRule? {
        let bytes = Array(text.utf8)
        guard bytes.count > 6, bytes[0] == UInt8(ascii: "^"), bytes[1] == UInt8(ascii: "["),
              bytes.last == UInt8(ascii: "$"), let close = bytes.firstIndex(of: UInt8(ascii: "]")),
              close + 2 < bytes.count, bytes[close + 1] == UInt8(ascii: "{"), bytes[bytes.count - 2] == UInt8(ascii: "}")
        else { return nil }
        var allowed = [Bool](repeating: false, count: 256)
        var index = 2
        while index < close {
            let low = bytes[index]
            guard low != UInt8(ascii: "^"), low != UInt8(ascii: "\\"), low != UInt8(ascii: "["), low < 0x80 else { return nil }
            if index + 2 < close, bytes[index + 1] == UInt8(ascii: "-") {
                let high = bytes[index + 2]
                guard high >= low, high < 0x80, high != UInt8(ascii: "\\") else { return nil }
                for byte in low...high { allowed[Int(byte)] = true }
                index += 3
            } else {
                allowed[Int(low)] = true
                index += 1
            }
        }
        let counts = String(decoding: bytes[(close + 2)..<(bytes.count - 2)], as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
        guard let minimum = counts.first.flatMap({ Int($0) }), counts.count <= 2 else { return nil }
        let maximum = counts.count == 2 ? Int(counts[1]) : minimum
        guard let maximum, maximum >= minimum else { return nil }
        return .byteClass(allowed: allowed, minCount: minimum, maxCount: maximum)
    }
}

extension LeafRule {
    /// Whether a string (its text as `content`) or a number (its canonical text) passes this
    /// schema; `encoded` is the value as JSON. False may be a false alarm: the caller then lets
    /// the reference engine decide.
    func passes(isString: Bool, content: UnsafeBufferPointer<UInt8>, encoded: UnsafeBufferPointer<UInt8>) -> Bool {
        if let types {
            if isString {
                if !types.contains(.string) { return false }
            } else if !types.isSuperset(of: [.fraction, .integer]) {
                if types.isDisjoint(with: content.contains(UInt8(ascii: ".")) ? .fraction : .integer) { return false }
            }
        }
        if let enumeration, !enumeration.contains(where: { $0.elementsEqual(encoded) }) { return false }
        if let constant, !constant.elementsEqual(encoded) { return false }
        if isString {
            if minLength != nil || maxLength != nil {
                let length = content.allSatisfy({ $0 < 0x80 }) ? content.count : String(decoding: content, as: UTF8.self).unicodeScalars.count
                if let minLength, length < minLength { return false }
                if let maxLength, length > maxLength { return false }
            }
            switch pattern {
            case let .byteClass(allowed, minCount, maxCount)?:
                guard content.count >= minCount, content.count <= maxCount, content.allSatisfy({ allowed[Int($0)] }) else { return false }
            case let .regex(regex)?:
                guard (try? regex.firstMatch(in: String(decoding: content, as: UTF8.self))) != nil else { return false }
            case nil:
                break
            }
            if let format, !(formatIsDate && Self.isDate(content)),
               !JSONSchema.matches(format: format, String(decoding: content, as: UTF8.self)) { return false }
        } else if minimum != nil || maximum != nil {
            // `minimum: 0` and a number without a sign needs no conversion.
            guard maximum != nil || (minimum ?? 0) > 0 || content.first == UInt8(ascii: "-") else { return true }
            let number = Double(String(decoding: content, as: UTF8.self)) ?? 0
            if let minimum, number < minimum { return false }
            if let maximum, number > maximum { return false }
        }
        return true
    }

    /// `YYYY-MM-DD`, a calendar date: what the date codecs write, checked without strings.
    private static func isDate(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count == 10, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-") else { return false }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(text[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10) else { return false }
        return DateText.isCalendarDate(year: year, month: month, day: day)
    }
}

/// The subset of JSON Schema (2020-12) the canonical schemas use: `type`, `enum`, `const`,
/// `properties`, `required`, `additionalProperties`, `items`, `minItems`, `maxItems`,
/// `minLength`, `maxLength`, `pattern`, `minimum`, `maximum`, `format` (`date`, `date-time`,
/// `time`, `email`), `allOf`, `anyOf`, and local `$ref` into `$defs`.
public struct JSONSchema: Sendable, Hashable {
    /// The schema document.
    public let document: JSONValue

    static let supported: Set<String> = [
        "$schema", "$id", "$defs", "definitions", "$ref", "title", "description", "examples", "$comment",
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "minLength", "maxLength", "pattern", "minimum", "maximum", "format", "allOf", "anyOf",
    ]

    /// Wraps a schema document, refusing keywords outside the supported subset (so a schema
    /// never silently checks less than it says).
    public init(_ document: JSONValue) throws(JSONSchemaError) {
        self.document = document
        try Self.check(document, at: "#")
    }

    private static func check(_ schema: JSONValue, at location: String) throws(JSONSchemaError) {
        guard case let .object(members) = schema else {
            if case .bool = schema { return }
            throw JSONSchemaError(location: location, message: "a schema must be an object or a boolean")
        }
        for (key, value) in members {
            guard supported.contains(key) else {
                throw JSONSchemaError(location: location, message: "unsupported keyword \(key)")
            }
            switch key {
            case "properties", "$defs", "definitions":
                for (name, child) in value.objectValue ?? [:] { try check(child, at: "\(location)/\(key)/\(name)") }
            case "items", "additionalProperties":
                try check(value, at: "\(location)/\(key)")
            case "allOf", "anyOf":
                for (index, child) in (value.arrayValue ?? []).enumerated() { try check(child, at: "\(location)/\(key)/\(index)") }
            case "pattern":
                guard let pattern = value.stringValue, (try? Regex(pattern)) != nil else {
                    throw JSONSchemaError(location: location, message: "pattern is not a valid regular expression")
                }
            default:
                break
            }
        }
    }

    /// Every way `instance` breaks the schema, as `pointer: message`; empty when valid.
    public func violations(of instance: JSONValue) -> [String] {
        var found: [String] = []
        validate(instance, against: document, at: JSONPointer(tokens: []), depth: 0, into: &found)
        return found
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        return JSONPointer(String(reference.dropFirst())).value(in: document)
    }

    private func validate(_ value: JSONValue, against schema: JSONValue, at pointer: JSONPointer, depth: Int, into found: inout [String]) {
        func report(_ message: String) {
            found.append("\(pointer.description.isEmpty ? "/" : pointer.description): \(message)")
        }
        guard depth < 64 else { return report("schema nesting too deep (recursive $ref?)") }
        guard case let .object(rules) = schema else {
            if case .bool(false) = schema { report("no value is allowed here") }
            return
        }
        if let reference = rules["$ref"]?.stringValue {
            guard let target = resolve(reference) else { return report("unresolvable $ref \(reference)") }
            validate(value, against: target, at: pointer, depth: depth + 1, into: &found)
        }
        if let types = rules["type"] {
            let allowed = types.arrayValue?.compactMap(\.stringValue) ?? types.stringValue.map { [$0] } ?? []
            let actual = value.typeName
            if !allowed.contains(actual), !(actual == "integer" && allowed.contains("number")) {
                return report("expected \(allowed.joined(separator: " or ")), found \(actual)")
            }
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(value) {
            report("\(JSONText.string(value, pretty: false)) is not one of \(JSONText.string(.array(options), pretty: false))")
        }
        if let constant = rules["const"], constant != value {
            report("must be \(JSONText.string(constant, pretty: false))")
        }
        for sub in rules["allOf"]?.arrayValue ?? [] {
            validate(value, against: sub, at: pointer, depth: depth + 1, into: &found)
        }
        if let options = rules["anyOf"]?.arrayValue {
            let matches = options.contains { option in
                var scratch: [String] = []
                validate(value, against: option, at: pointer, depth: depth + 1, into: &scratch)
                return scratch.isEmpty
            }
            if !matches { report("matches none of the anyOf schemas") }
        }
        switch value {
        case let .string(text):
            let length = text.unicodeScalars.count
            if let minimum = rules["minLength"].flatMap(Self.int), length < minimum { report("shorter than \(minimum) characters") }
            if let maximum = rules["maxLength"].flatMap(Self.int), length > maximum { report("longer than \(maximum) characters") }
            if let pattern = rules["pattern"]?.stringValue, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil {
                report("does not match \(pattern)")
            }
            if let format = rules["format"]?.stringValue, !Self.matches(format: format, text) {
                report("is not a valid \(format)")
            }
        case let .number(text):
            let number = Double(text) ?? 0
            if let minimum = rules["minimum"].flatMap(Self.double), number < minimum { report("less than \(minimum)") }
            if let maximum = rules["maximum"].flatMap(Self.double), number > maximum { report("greater than \(maximum)") }
        case let .array(elements):
            if let minimum = rules["minItems"].flatMap(Self.int), elements.count < minimum { report("fewer than \(minimum) items") }
            if let maximum = rules["maxItems"].flatMap(Self.int), elements.count > maximum { report("more than \(maximum) items") }
            if let items = rules["items"] {
                for (index, element) in elements.enumerated() {
                    validate(element, against: items, at: pointer.appending(String(index)), depth: depth + 1, into: &found)
                }
            }
        case let .object(members):
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                report("missing required property \(name)")
            }
            let properties = rules["properties"]?.objectValue ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let sub = properties[name] {
                    validate(member, against: sub, at: pointer.appending(name), depth: depth + 1, into: &found)
                } else if let additional = rules["additionalProperties"] {
                    validate(member, against: additional, at: pointer.appending(name), depth: depth + 1, into: &found)
                }
            }
        default:
            break
        }
    }

    private static func int(_ value: JSONValue) -> Int? {
        if case let .number(text) = value { return Int(text) }
        return nil
    }

    private static func double(_ value: JSONValue) -> Double? {
        if case let .number(text) = value { return Double(text) }
        return nil
    }

    static func matches(format: String, _ text: String) -> Bool {
        switch format {
        case "date":
            guard text.count == 10 else { return false }
            if case .success = Codec.date8.read(text.filter(\.isASCIIDigit)), text.filter({ $0 == "-" }).count == 2 { return true }
            return false
        case "date-time":
            return DateText.rfc3339(text) == text
        case "time":
            if case .success = Codec.time.read(text.filter(\.isASCIIDigit)) { return text.contains(":") }
            return false
        case "email":
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
        default:
            return true
        }
    }
}

/// A schema document that uses something the validator does not support or is malformed.
public struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the schema (`#/properties/x`).
    public var location: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    /// `location: message`.
    public var description: String { "\(location): \(message)" }
}

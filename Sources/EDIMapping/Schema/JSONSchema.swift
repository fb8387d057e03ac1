import Synchronization

/// The subset of JSON Schema (2020-12) the canonical schemas use: `type`, `enum`, `const`,
/// `properties`, `required`, `additionalProperties`, `items`, `minItems`, `maxItems`,
/// `minLength`, `maxLength`, `pattern`, `minimum`, `maximum`, `format` (`date`, `date-time`,
/// `time`, `email`), `allOf`, `anyOf`, and local `$ref` into `$defs`.
public struct JSONSchema: Sendable, Hashable {
    /// The schema document.
    public let document: JSONValue
    private let cache = CompiledSchema.Cache()

    /// Schemas are equal when their documents are.
    public static func == (lhs: JSONSchema, rhs: JSONSchema) -> Bool { lhs.document == rhs.document }

    /// Hashes the document.
    public func hash(into hasher: inout Hasher) { hasher.combine(document) }

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
        var path: [String] = []
        compiled.validate(instance, at: &path, depth: 0, into: &found)
        return found.sorted()
    }

    /// The schema with keywords decoded and patterns compiled once, shared by all validations.
    var compiled: CompiledSchema {
        if let root = cache.lock.withLock({ _ in cache.root }) { return root }
        let root = CompiledSchema.node(for: document, root: document, cache: cache)
        cache.lock.withLock { _ in cache.root = root }
        return root
    }
    static func int(_ value: JSONValue) -> Int? {
        if case let .number(text) = value { return Int(text) }
        return nil
    }

    static func double(_ value: JSONValue) -> Double? {
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

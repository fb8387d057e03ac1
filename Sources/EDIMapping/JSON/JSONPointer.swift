/// An RFC 6901 JSON Pointer such as `/customer/name`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// Unescaped reference tokens.
    public var tokens: [String]

    /// Parses pointer text; a missing leading `/` is tolerated (`name` means `/name`).
    public init(_ text: String) {
        let trimmed = text.hasPrefix("/") ? String(text.dropFirst()) : text
        guard !trimmed.isEmpty else {
            tokens = []
            return
        }
        tokens = trimmed.split(separator: "/", omittingEmptySubsequences: false).map { (token: Substring) -> String in
            String(token).replacing("~1", with: "/").replacing("~0", with: "~")
        }
    }

    /// Creates a pointer from tokens.
    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// The pointer text.
    public var description: String {
        tokens.map { "/" + $0.replacing("~", with: "~0").replacing("/", with: "~1") }.joined()
    }

    /// This pointer followed by `other`.
    public func appending(_ other: JSONPointer) -> JSONPointer {
        JSONPointer(tokens: tokens + other.tokens)
    }

    /// This pointer followed by one token.
    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [token])
    }

    /// The value at this pointer in `root`, if there is one.
    public func value(in root: JSONValue) -> JSONValue? {
        var current = root
        for token in tokens {
            switch current {
            case let .object(members):
                guard let next = members[token] else { return nil }
                current = next
            case let .array(elements):
                guard let index = Int(token), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Sets the value at this pointer, creating objects on the way; an existing non-object
    /// in the way is replaced.
    public func set(_ value: JSONValue, in root: inout JSONValue) {
        Self.set(value, tokens: tokens[...], in: &root)
    }

    private static func set(_ value: JSONValue, tokens: ArraySlice<String>, in node: inout JSONValue) {
        guard let token = tokens.first else {
            node = value
            return
        }
        // Take the container out of `node` first, so it is uniquely referenced and the
        // mutation below does not copy it.
        if case var .array(elements) = node, let index = Int(token), elements.indices.contains(index) {
            node = .null
            set(value, tokens: tokens.dropFirst(), in: &elements[index])
            node = .array(elements)
            return
        }
        var members: [String: JSONValue] = [:]
        if case let .object(existing) = node { members = existing }
        node = .null
        var child = members.removeValue(forKey: token) ?? .object([:])
        set(value, tokens: tokens.dropFirst(), in: &child)
        members[token] = child
        node = .object(members)
    }
}

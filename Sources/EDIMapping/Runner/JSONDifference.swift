/// The first place two JSON values differ.
public struct JSONDifference: Sendable, Hashable, CustomStringConvertible {
    /// Where they differ.
    public var pointer: JSONPointer
    /// The expected value there (`nil` when absent).
    public var expected: JSONValue?
    /// The actual value there (`nil` when absent).
    public var actual: JSONValue?

    /// `pointer: expected X, got Y`.
    public var description: String {
        func show(_ value: JSONValue?) -> String { value.map { JSONText.string($0, pretty: false) } ?? "nothing" }
        return "\(pointer.description.isEmpty ? "/" : pointer.description): expected \(show(expected)), got \(show(actual))"
    }

    /// The first difference in key order, or `nil` when equal.
    public static func first(expected: JSONValue?, actual: JSONValue?, at pointer: JSONPointer = JSONPointer(tokens: [])) -> JSONDifference? {
        if expected == actual { return nil }
        switch (expected, actual) {
        case let (.object(a)?, .object(b)?):
            for key in Set(a.keys).union(b.keys).sorted() {
                if let found = first(expected: a[key], actual: b[key], at: pointer.appending(key)) { return found }
            }
            return nil
        case let (.array(a)?, .array(b)?):
            for index in 0..<max(a.count, b.count) {
                let left = index < a.count ? a[index] : nil
                let right = index < b.count ? b[index] : nil
                if let found = first(expected: left, actual: right, at: pointer.appending(String(index))) { return found }
            }
            return nil
        default:
            return JSONDifference(pointer: pointer, expected: expected, actual: actual)
        }
    }
}

extension MappingDefinition {
    /// The id of the binding that produces the value at `pointer` (array indices ignored), or
    /// of the closest enclosing group.
    public func bindingID(for pointer: JSONPointer) -> String? {
        let wanted = pointer.tokens.map { Int($0) == nil ? $0 : "*" }
        var best: (id: String, length: Int)?
        func visit(_ bindings: [Binding], prefix: [String]) {
            for binding in bindings {
                var tokens = prefix + (binding.json?.tokens ?? [])
                if binding.isLoop { tokens.append("*") }
                if tokens.count <= wanted.count, Array(wanted.prefix(tokens.count)) == tokens,
                   binding.json != nil, tokens.count >= (best?.length ?? -1) {
                    best = (binding.id, tokens.count)
                }
                visit(binding.children, prefix: tokens)
            }
        }
        visit(bindings, prefix: [])
        return best?.id
    }
}

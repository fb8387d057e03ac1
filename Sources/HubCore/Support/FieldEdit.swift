/// One field of a partial update (HTTP PATCH): left alone, cleared, or set.
/// A plain optional cannot tell "not sent" from "sent as null", and the two mean different things.
public enum FieldEdit<Value: Sendable>: Sendable {
    case keep
    case clear
    case set(Value)

    /// The field's value after the edit.
    public func applied(to current: Value?) -> Value? {
        switch self {
        case .keep: current
        case .clear: nil
        case .set(let value): value
        }
    }

    public var isKeep: Bool {
        if case .keep = self { true } else { false }
    }

    public func map<Other>(_ transform: (Value) throws -> Other) rethrows -> FieldEdit<Other> {
        switch self {
        case .keep: .keep
        case .clear: .clear
        case .set(let value): .set(try transform(value))
        }
    }
}

extension KeyedDecodingContainer {
    /// Reads a PATCH field: absent → keep, null → clear, anything else → set (and must decode).
    public func edit<Value: Decodable & Sendable>(_ type: Value.Type, forKey key: Key) throws -> FieldEdit<Value> {
        guard contains(key) else { return .keep }
        if try decodeNil(forKey: key) { return .clear }
        return .set(try decode(Value.self, forKey: key))
    }
}

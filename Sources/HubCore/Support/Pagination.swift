import Foundation

/// Which page of a list to return: at most `limit` items after `cursor`.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 50
    public static let maximumLimit = 200

    public var limit: Int
    /// The position after which the page starts, decoded from the opaque cursor the previous page returned.
    public var after: [String]?

    public init(limit: Int = PageRequest.defaultLimit, after: [String]? = nil) {
        self.limit = limit
        self.after = after
    }

    /// Validates the `limit` and `cursor` query parameters.
    public init(limit: String?, cursor: String?) throws(HubError) {
        var parsedLimit = Self.defaultLimit
        if let limit {
            guard let value = Int(limit), (1...Self.maximumLimit).contains(value) else {
                throw .invalid("limit", "must be a whole number from 1 to \(Self.maximumLimit)")
            }
            parsedLimit = value
        }
        self.init(limit: parsedLimit, after: try cursor.map { cursor throws(HubError) in try Self.decode(cursor) })
    }

    /// The id a page starts after, for lists ordered by (time, id) whose cursor is the last row's id.
    public func afterUUID() throws(HubError) -> UUID? {
        guard let after else { return nil }
        guard after.count == 1, let id = UUID(uuidString: after[0]) else {
            throw .invalid("cursor", "is not a cursor returned by this list")
        }
        return id
    }

    /// The opaque cursor for a position (base64url of a JSON array of strings).
    public static func encode(_ position: [String]) -> String {
        let json = (try? JSONEncoder().encode(position)) ?? Data()
        return json.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) throws(HubError) -> [String] {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard cursor.count <= 1024, let data = Data(base64Encoded: base64),
            let position = try? JSONDecoder().decode([String].self, from: data), !position.isEmpty,
            !position.contains(where: { $0.unicodeScalars.contains("\u{0}") })
        else {
            throw .invalid("cursor", "is not a cursor returned by this list")
        }
        return position
    }
}

/// One page of a list, and the cursor for the next one (`nil` on the last page).
public struct Page<Item: Sendable & Encodable>: Sendable, Encodable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// Builds a page from `limit + 1` fetched rows: the extra row only says that more follow.
    public init(fetched: [Item], limit: Int, position: (Item) -> [String]) {
        if fetched.count > limit {
            let items = Array(fetched.prefix(limit))
            self.init(items: items, nextCursor: items.last.map { PageRequest.encode(position($0)) })
        } else {
            self.init(items: fetched, nextCursor: nil)
        }
    }
}

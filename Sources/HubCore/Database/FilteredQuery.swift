import Foundation
import PostgresNIO

/// A SELECT whose WHERE clause holds only the filters a request uses, each value bound as a parameter.
///
/// The `($1 IS NULL OR column = $1)` style puts every optional filter in one statement, but PostgreSQL then
/// may misjudge how many rows match and sort a whole tenant's rows instead of walking its index in order.
public struct FilteredQuery: Sendable {
    private var conditions: [String] = []
    private var binds = PostgresBindings()

    public init() {}

    /// Adds a condition; `placeholder` turns the value's parameter (`$n`) into SQL text, e.g. `{ "email = \($0)" }`.
    public mutating func add(_ value: some PostgresNonThrowingEncodable & Sendable, _ placeholder: (String) -> String) {
        binds.append(value)
        conditions.append(placeholder("$\(binds.count)"))
    }

    /// Adds a condition with no parameter (fixed SQL text only).
    public mutating func add(_ condition: String) {
        conditions.append(condition)
    }

    /// `SELECT <select> WHERE <conditions> <tail>`; `tail` (ORDER BY, LIMIT) may bind one more value as `$limit`.
    public func query(select: String, tail: String, limit: Int) -> PostgresQuery {
        var binds = binds
        binds.append(limit)
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return PostgresQuery(unsafeSQL: select + whereClause + " " + tail.replacingOccurrences(of: "$limit", with: "$\(binds.count)"), binds: binds)
    }
}

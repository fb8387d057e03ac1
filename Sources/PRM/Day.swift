import Foundation
import HubCore

/// A calendar day, written `YYYY-MM-DD` (ISO 8601), as PostgreSQL's `date` prints it: promotion periods, code
/// validity, sell-through periods, expected close dates.
public struct Day: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The canonical text, which PostgreSQL reads as a `date`.
    public let text: String

    /// Validates a day from a request; `field` names it in errors.
    public init(_ raw: String, field: String) throws(HubError) {
        guard let day = Day(raw.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid(field, "must be a date written YYYY-MM-DD, like 2026-03-31")
        }
        self = day
    }

    /// Parses `YYYY-MM-DD`, refusing days that do not exist (2026-02-30).
    public init?(_ raw: String) {
        let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1900, (1...12).contains(month)
        else { return nil }
        let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        text = raw
    }

    /// The UTC day a moment falls on.
    public init(utc date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        text = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// A day as the database printed it.
    init(stored: String) {
        text = stored
    }

    /// Today in UTC.
    public static func today(_ now: Date = Date()) -> Day { Day(utc: now) }

    public var description: String { text }
    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.text < rhs.text }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "must be a date written YYYY-MM-DD"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

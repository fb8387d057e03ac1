import Foundation
import HubCore

/// A date without a time, e.g. an expected close date: ISO 8601 `YYYY-MM-DD`, as PostgreSQL's `date` prints it.
public struct CalendarDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let description: String

    /// Validates `YYYY-MM-DD` naming a real day; `field` names it in errors.
    public init(_ raw: String, field: String) throws(HubError) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1900,
            let date = Self.calendar.date(from: DateComponents(year: year, month: month, day: day)),
            Self.calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else {
            throw .invalid(field, "must be a date written YYYY-MM-DD, like 2026-03-31")
        }
        self.description = text
    }

    /// A day as the database printed it.
    init(stored: String) {
        self.description = stored
    }

    /// Today in UTC.
    public static func today(_ now: Date = Date()) -> CalendarDay {
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return CalendarDay(stored: String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!))
    }

    // Zero-padded ISO days sort as text.
    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        description = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

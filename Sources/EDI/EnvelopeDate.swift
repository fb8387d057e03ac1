import Foundation

extension OutboundEnvelope {
    /// A moment as envelopes write it, in UTC: `CCYYMMDD` and `HHMM`.
    public static func dateAndTime(of moment: Date) -> (date: String, time: String) {
        let stamp = moment.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().time(includingFractionalSeconds: false))
        let digits = stamp.filter(\.isNumber)
        return (String(digits.prefix(8)), String(digits.dropFirst(8).prefix(4)))
    }
}

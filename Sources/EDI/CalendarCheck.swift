/// Date and time checks on raw digits (X12 DT/TM, EDIFACT date formats), without Foundation.
enum CalendarCheck {
    static func digits<C: Collection>(_ b: C) -> Int? where C.Element == UInt8 {
        var v = 0
        for c in b {
            guard ByteClass.isDigit(c) else { return nil }
            v = v &* 10 &+ Int(c - 0x30)
        }
        return b.isEmpty ? nil : v
    }

    /// `CCYYMMDD` or `YYMMDD`, with real month lengths and leap years.
    static func isValidDate<C: Collection>(_ b: C) -> Bool where C.Element == UInt8, C.Index == Int {
        let n = b.count
        guard n == 6 || n == 8, digits(b) != nil else { return false }
        let s = b.startIndex
        let year: Int
        if n == 8 {
            year = digits(b[s..<(s + 4)])!
        } else {
            let yy = digits(b[s..<(s + 2)])!
            year = yy < 50 ? 2000 + yy : 1900 + yy
        }
        let m = digits(b[(s + n - 4)..<(s + n - 2)])!
        let d = digits(b[(s + n - 2)..<(s + n)])!
        guard (1...12).contains(m), d >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        // A switch, not an array literal: this runs for every date element and must not allocate.
        let length: Int
        switch m {
        case 2: length = leap ? 29 : 28
        case 4, 6, 9, 11: length = 30
        default: length = 31
        }
        return d <= length
    }

    /// `HHMM`, `HHMMSS` or `HHMMSSd…` (X12 TM).
    static func isValidTime<C: Collection>(_ b: C) -> Bool where C.Element == UInt8, C.Index == Int {
        let n = b.count
        guard n >= 4, n <= 8, digits(b) != nil else { return false }
        let s = b.startIndex
        guard digits(b[s..<(s + 2)])! <= 23, digits(b[(s + 2)..<(s + 4)])! <= 59 else { return false }
        if n >= 6 { return digits(b[(s + 4)..<(s + 6)])! <= 59 }
        return n == 4 || n >= 6
    }

    /// `CCYYMMDDHHMM` (EDIFACT format 203).
    static func isValidDateTime<C: Collection>(_ b: C) -> Bool where C.Element == UInt8, C.Index == Int {
        guard b.count == 12 else { return false }
        let s = b.startIndex
        return isValidDate(b[s..<(s + 8)]) && isValidTime(b[(s + 8)..<(s + 12)])
    }
}

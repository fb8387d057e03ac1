extension CompiledReader {
    /// Whether a string (its text as `content`) or a number (its canonical text) passes one
    /// schema's scalar rules; `encoded` is the value as JSON. False may be a false alarm: the
    /// caller then lets the reference engine decide.
    mutating func passes(_ rule: UnsafeMutablePointer<LeafRule>, isString: Bool, content: UnsafeBufferPointer<UInt8>, encoded: UnsafeBufferPointer<UInt8>) -> Bool {
        if let types = rule.pointee.types {
            if isString {
                if !types.contains(.string) { return false }
            } else if !types.isSuperset(of: [.fraction, .integer]) {
                if types.isDisjoint(with: content.contains(UInt8(ascii: ".")) ? .fraction : .integer) { return false }
            }
        }
        let enumeration = rule.pointee.enumeration
        if !enumeration.isNone,
           !(Int(enumeration.lower)..<Int(enumeration.upper)).contains(where: { ByteScan.equal(plan.text(plan.texts[$0]), encoded) }) {
            return false
        }
        if !rule.pointee.constant.isNone, !ByteScan.equal(plan.text(rule.pointee.constant), encoded) { return false }
        if isString {
            let minLength = Int(rule.pointee.minLength)
            let maxLength = Int(rule.pointee.maxLength)
            if minLength >= 0 || maxLength >= 0 {
                let length = Self.isASCII(content) ? content.count : String(decoding: content, as: UTF8.self).unicodeScalars.count
                if minLength >= 0, length < minLength { return false }
                if maxLength >= 0, length > maxLength { return false }
            }
            switch rule.pointee.pattern {
            case .byteClass:
                let allowed = plan.bytes + Int(rule.pointee.patternIndex)
                guard content.count >= Int(rule.pointee.minCount), content.count <= Int(rule.pointee.maxCount) else { return false }
                for byte in content where allowed[Int(byte)] == 0 { return false }
            case .regex:
                let regex = source.rare.regexes[Int(rule.pointee.patternIndex)]
                guard (try? regex.firstMatch(in: String(decoding: content, as: UTF8.self))) != nil else { return false }
            case .none:
                break
            }
            if rule.pointee.format >= 0, !(rule.pointee.formatIsDate && Self.isDate(content)),
               !JSONSchema.matches(format: source.rare.formats[Int(rule.pointee.format)], String(decoding: content, as: UTF8.self)) {
                return false
            }
        } else if rule.pointee.minimum != nil || rule.pointee.maximum != nil {
            let minimum = rule.pointee.minimum
            let maximum = rule.pointee.maximum
            // `minimum: 0` and a number without a sign needs no conversion.
            guard maximum != nil || (minimum ?? 0) > 0 || content.first == UInt8(ascii: "-") else { return true }
            let number = Double(String(decoding: content, as: UTF8.self)) ?? 0
            if let minimum, number < minimum { return false }
            if let maximum, number > maximum { return false }
        }
        return true
    }

    /// `YYYY-MM-DD`, a calendar date: what the date codecs write, checked without strings.
    private static func isDate(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count == 10, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-") else { return false }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(text[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10) else { return false }
        return DateText.isCalendarDate(year: year, month: month, day: day)
    }
}

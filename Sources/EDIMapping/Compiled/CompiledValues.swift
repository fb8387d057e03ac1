import EDI

extension CompiledReader {
    /// Component `component` (0 = the first) of element `element` of store segment `segment`,
    /// release characters removed; nil when absent. Matches `EDITransaction.value`: the
    /// element boundaries are the EDI module's own, found once by its tokenizer.
    mutating func text(_ segment: Int, _ element: Int, _ component: Int) -> UnsafeBufferPointer<UInt8>? {
        let span = elements[segment]
        guard element > 0, element <= Int(span.count) else { return nil }
        let separator = Int(span.firstSeparator) + element - 1
        var lower = Int(separators[separator]) + 1
        let upper = element < Int(span.count) ? Int(separators[separator + 1]) : Int(span.end)
        let release = delimiters.release.map(Int.init) ?? 0x100
        // The `component`-th part between unreleased component separators.
        var part = max(component, 1) - 1
        var index = lower
        while index < upper {
            let byte = bytes[index]
            if Int(byte) == release {
                index += 2
                continue
            }
            if byte == delimiters.component {
                if part == 0 { break }
                part -= 1
                lower = index + 1
            }
            index += 1
        }
        guard part == 0 else { return nil }
        let stop = min(index, upper)
        let raw = UnsafeBufferPointer(start: bytes + lower, count: max(0, stop - lower))
        guard let release = delimiters.release, raw.contains(release) else { return raw }
        scratch.truncate(to: 0)
        var position = 0
        while position < raw.count {
            if raw[position] == release, position + 1 < raw.count {
                scratch.append(raw[position + 1])
                position += 2
            } else {
                scratch.append(raw[position])
                position += 1
            }
        }
        return scratch.buffer
    }

    /// String equality of element text and `text`.
    func equals(_ value: UnsafeBufferPointer<UInt8>, _ text: String) -> Bool {
        value.elementsEqual(text.utf8) || String(decoding: value, as: UTF8.self) == text
    }

    /// Appends partner text through a codec as JSON to `values`; returns whether it is a
    /// string and its text (for schema checks), or nil when the codec refuses it.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, _ codec: ValueCodec) -> (isString: Bool, content: UnsafeBufferPointer<UInt8>)? {
        let ascii = text.allSatisfy { $0 < 0x80 }
        switch codec {
        case .text where ascii:
            values.appendJSONString(text)
            return (true, text)
        case .decimal where ascii, .integer where ascii:
            let mark = values.count
            guard let isWhole = values.appendCanonicalNumber(text) else { break }
            if case .integer = codec, !isWhole {
                values.truncate(to: mark)
                return nil
            }
            return (false, UnsafeBufferPointer(start: values.base + mark, count: values.count - mark))
        case .date8 where ascii:
            guard text.count == 8, text.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(text[$1]) - 48 } }
            guard DateText.isCalendarDate(year: number(0..<4), month: number(4..<6), day: number(6..<8)) else { return nil }
            let mark = values.count
            values.append(UInt8(ascii: "\""))
            values.append(text.baseAddress!, 4)
            values.append(UInt8(ascii: "-"))
            values.append(text.baseAddress! + 4, 2)
            values.append(UInt8(ascii: "-"))
            values.append(text.baseAddress! + 6, 2)
            values.append(UInt8(ascii: "\""))
            return (true, UnsafeBufferPointer(start: values.base + mark + 1, count: 10))
        case let .table(table) where ascii:
            var key = text
            if table.caseInsensitive, text.contains(where: { $0 >= 65 && $0 <= 90 }) {
                scratch.truncate(to: 0)
                for byte in text { scratch.append(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
                key = scratch.buffer
            }
            if let index = table.codes.firstIndex(where: { $0.elementsEqual(key) }) {
                values.append(table.encoded[index])
                scratch.truncate(to: 0)
                scratch.append(table.values[index])
                return (true, scratch.buffer)
            }
            guard table.passesUnknown else { return nil }
            values.appendJSONString(text)
            return (true, text)
        default:
            break
        }
        return encodeGenerally(text, codec)
    }

    /// Any codec through `Codec.read` on a String (non-ASCII text, rarely used codecs).
    private mutating func encodeGenerally(_ text: UnsafeBufferPointer<UInt8>, _ codec: ValueCodec) -> (isString: Bool, content: UnsafeBufferPointer<UInt8>)? {
        let general: Codec
        switch codec {
        case .text: general = .text
        case .decimal: general = .decimal(scale: nil)
        case .integer: general = .integer
        case .date8: general = .date8
        case let .table(table): general = .table(table.source)
        case let .general(codec): general = codec
        }
        guard case let .success(value) = general.read(String(decoding: text, as: UTF8.self)) else { return nil }
        let mark = values.count
        values.append(JSONText.bytes(value, pretty: false))
        scratch.truncate(to: 0)
        switch value {
        case let .string(string):
            scratch.append(Array(string.utf8))
            return (true, scratch.buffer)
        default:
            return (false, UnsafeBufferPointer(start: values.base + mark, count: values.count - mark))
        }
    }
}

extension PlainStorage<UInt8> {
    mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
        if let start = text.baseAddress { append(start, text.count) }
    }

    /// Appends valid UTF-8 text as a JSON string, escaped as `JSONText.quote` does.
    mutating func appendJSONString(_ text: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        var run = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            append(text.baseAddress! + run, index - run)
            run = index + 1
            append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
            case 0x0A: append(UInt8(ascii: "n"))
            case 0x0D: append(UInt8(ascii: "r"))
            case 0x09: append(UInt8(ascii: "t"))
            default:
                let hex = Array("0123456789abcdef".utf8)
                append(Array("u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        if text.count > run { append(text.baseAddress! + run, text.count - run) }
        append(UInt8(ascii: "\""))
    }

    /// Appends ASCII decimal text in `DecimalText.canonical` form (surrounding whitespace
    /// trimmed as `Codec` does); returns whether it is whole, or nil (nothing appended) when
    /// it is not a plain decimal. Exponents are left to `DecimalText`.
    mutating func appendCanonicalNumber(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var lower = 0
        var upper = text.count
        while lower < upper, isSpace(text[lower]) { lower += 1 }
        while upper > lower, isSpace(text[upper - 1]) { upper -= 1 }
        var negative = false
        if lower < upper, text[lower] == UInt8(ascii: "-") || text[lower] == UInt8(ascii: "+") {
            negative = text[lower] == UInt8(ascii: "-")
            lower += 1
        }
        var point = upper
        for index in lower..<upper {
            let byte = text[index]
            if byte == UInt8(ascii: "."), point == upper { point = index; continue }
            guard byte >= 48, byte <= 57 else { return nil }
        }
        guard upper - lower > (point < upper ? 1 : 0) else { return nil }
        var integerStart = lower
        while integerStart < point - 1, text[integerStart] == UInt8(ascii: "0") { integerStart += 1 }
        var fractionEnd = upper
        if point < upper { while fractionEnd > point + 1, text[fractionEnd - 1] == UInt8(ascii: "0") { fractionEnd -= 1 } }
        let hasFraction = point < upper && fractionEnd > point + 1
        let integerIsZero = integerStart >= point || (point - integerStart == 1 && text[integerStart] == UInt8(ascii: "0"))
        if negative, !(integerIsZero && !hasFraction) { append(UInt8(ascii: "-")) }
        if integerStart >= point { append(UInt8(ascii: "0")) } else { append(text.baseAddress! + integerStart, point - integerStart) }
        if hasFraction { append(text.baseAddress! + point, fractionEnd - point) }
        return !hasFraction
    }
}

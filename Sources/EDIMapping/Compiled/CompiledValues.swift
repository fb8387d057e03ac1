import EDI

extension CompiledReader {
    /// Component `component` (0 = the first) of element `element` of store segment `segment`,
    /// release characters removed; nil when absent. Matches `EDITransaction.value`: the
    /// element boundaries are the EDI module's own, found once by its tokenizer.
    mutating func text(_ segment: Int, _ element: Int, _ component: Int) -> UnsafeBufferPointer<UInt8>? {
        let span = records[segment]
        guard element > 0, element <= Int(span.separatorCount) else { return nil }
        let separator = Int(span.firstSeparator) + element - 1
        var lower = Int(separators[separator]) + 1
        let upper = element < Int(span.separatorCount) ? Int(separators[separator + 1]) : Int(span.contentEnd)
        // The `component`-th part between unreleased component separators.
        var part = max(component, 1) - 1
        var index = lower
        var released = false
        while true {
            let found = nextSpecial(from: index, upper: upper)
            guard found < upper else {
                index = max(index, upper)
                break
            }
            if Int(bytes[found]) == release {
                released = true
                index = found + 2
                continue
            }
            if part == 0 {
                index = found
                break
            }
            part -= 1
            lower = found + 1
            index = found + 1
        }
        guard part == 0 else { return nil }
        let stop = min(index, upper)
        let raw = UnsafeBufferPointer(start: bytes + lower, count: max(0, stop - lower))
        guard released, raw.contains(UInt8(truncatingIfNeeded: release)) else { return raw }
        scratch.truncate(to: 0)
        var position = 0
        while position < raw.count {
            if Int(raw[position]) == release, position + 1 < raw.count {
                scratch.append(raw[position + 1])
                position += 2
            } else {
                scratch.append(raw[position])
                position += 1
            }
        }
        return scratch.buffer
    }

    /// Whether `text` lies in the set's bytes and needs no escaping (nor `Codec`): checked,
    /// then copied, a whole word at a time, since the bytes after it can be read.
    @inline(__always)
    private func isPlainInStore(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = text.baseAddress, start >= bytes, start + ((text.count + 7) & ~7) <= bytes + byteCount else { return false }
        var index = 0
        while index < text.count {
            var attention = ByteScan.attention(ByteScan.word(start + index))
            let valid = text.count - index
            if valid < 8 { attention &= (1 << (UInt64(valid) &* 8)) &- 1 }
            if attention != 0 { return false }
            index += 8
        }
        return true
    }

    /// The first component separator or release character in `from..<upper`, or `upper`.
    @inline(__always)
    func nextSpecial(from: Int, upper: Int) -> Int {
        var index = from
        while index < upper {
            guard index + 8 <= byteCount else {
                let byte = bytes[index]
                if byte == delimiters.component || Int(byte) == release { return index }
                index += 1
                continue
            }
            let word = ByteScan.word(bytes + index)
            var found = ByteScan.zeros(word ^ components)
            if releases != 0 { found |= ByteScan.zeros(word ^ releases) }
            // Bytes past `upper` belong to the next elements.
            let valid = upper - index
            if valid < 8 { found &= (1 << (UInt64(valid) &* 8)) &- 1 }
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        return upper
    }

    /// String equality of element text and `text`.
    func equals(_ value: UnsafeBufferPointer<UInt8>, _ text: String) -> Bool {
        value.elementsEqual(text.utf8) || String(decoding: value, as: UTF8.self) == text
    }

    /// Appends partner text through a codec as JSON to `values`; returns whether it is a
    /// string and its text (for schema checks), or nil when the codec refuses it. `table` is
    /// the op's `codecIndex`.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, _ codec: CodecKind, table: Int) -> (isString: Bool, content: UnsafeBufferPointer<UInt8>)? {
        switch codec {
        case .text:
            if isPlainInStore(text) {
                values.append(UInt8(ascii: "\""))
                values.appendPadded(text.baseAddress!, text.count)
                values.append(UInt8(ascii: "\""))
                return (true, text)
            }
            let mark = values.count
            if values.appendASCIIJSONString(text) { return (true, text) }
            values.truncate(to: mark)
        case .decimal, .integer:
            // Only ASCII digits pass, so other text goes to `Codec` as before.
            let mark = values.count
            guard let isWhole = values.appendCanonicalNumber(text) else { break }
            if codec == .integer, !isWhole {
                values.truncate(to: mark)
                return nil
            }
            return (false, UnsafeBufferPointer(start: values.base + mark, count: values.count - mark))
        case .date8:
            guard text.count == 8, text.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                if Self.isASCII(text) { return nil }
                break
            }
            func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(text[$1]) - 48 } }
            guard DateText.isCalendarDate(year: number(0..<4), month: number(4..<6), day: number(6..<8)) else { return nil }
            let mark = values.count
            values.append(UInt8(ascii: "\""))
            values.appendShort(text.baseAddress!, 4)
            values.append(UInt8(ascii: "-"))
            values.appendShort(text.baseAddress! + 4, 2)
            values.append(UInt8(ascii: "-"))
            values.appendShort(text.baseAddress! + 6, 2)
            values.append(UInt8(ascii: "\""))
            return (true, UnsafeBufferPointer(start: values.base + mark + 1, count: 10))
        case .table where Self.isASCII(text):
            return encode(text, table: plan.tables[table])
        default:
            break
        }
        return encodeGenerally(text, codec, table: table)
    }

    static func isASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool { ByteScan.isASCII(text) }

    /// ASCII text through a code table; the content is the table's value in the plan.
    private mutating func encode(_ text: UnsafeBufferPointer<UInt8>, table: ByteTable) -> (isString: Bool, content: UnsafeBufferPointer<UInt8>)? {
        var key = text
        if table.caseInsensitive, text.contains(where: { $0 >= 65 && $0 <= 90 }) {
            scratch.truncate(to: 0)
            for byte in text { scratch.append(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
            key = scratch.buffer
        }
        for index in Int(table.entries.lower)..<Int(table.entries.upper) {
            let entry = plan.tableEntries[index]
            guard ByteScan.equal(plan.text(entry.code), key) else { continue }
            values.appendPadded(plan.bytes + Int(entry.encoded.lower), entry.encoded.count)
            return (true, plan.text(entry.value))
        }
        guard table.passesUnknown else { return nil }
        let mark = values.count
        if !values.appendASCIIJSONString(text) { values.truncate(to: mark); return nil }
        return (true, text)
    }

    /// Any codec through `Codec.read` on a String (non-ASCII text, rarely used codecs).
    private mutating func encodeGenerally(_ text: UnsafeBufferPointer<UInt8>, _ codec: CodecKind, table: Int) -> (isString: Bool, content: UnsafeBufferPointer<UInt8>)? {
        let general: Codec
        switch codec {
        case .text: general = .text
        case .decimal: general = .decimal(scale: nil)
        case .integer: general = .integer
        case .date8: general = .date8
        case .table: general = .table(source.rare.codeTables[Int(plan.tables[table].source)])
        case .general: general = source.rare.codecs[table]
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

    /// Appends ASCII text as a JSON string, escaped as `JSONText.quote` does; false (with
    /// part of it appended) at the first byte that is not ASCII, which `Codec` must decide.
    mutating func appendASCIIJSONString(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        append(UInt8(ascii: "\""))
        var run = 0
        var index = 0
        while index < text.count {
            if index + 8 <= text.count, !ByteScan.needsAttention(ByteScan.word(text.baseAddress! + index)) {
                index += 8
                continue
            }
            let byte = text[index]
            index += 1
            // One comparison for control characters and non-ASCII bytes (they wrap around).
            guard byte &- 0x20 >= 0x60 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if byte >= 0x80 { return false }
            let at = index - 1
            appendShort(text.baseAddress! + run, at - run)
            run = index
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
        if text.count > run { appendShort(text.baseAddress! + run, text.count - run) }
        append(UInt8(ascii: "\""))
        return true
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
        if integerStart >= point { append(UInt8(ascii: "0")) } else { appendShort(text.baseAddress! + integerStart, point - integerStart) }
        if hasFraction { appendShort(text.baseAddress! + point, fractionEnd - point) }
        return !hasFraction
    }
}

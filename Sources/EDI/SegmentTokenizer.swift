/// Splits the input into segments, chunk by chunk, honouring the release character.
///
/// Works on raw bytes with a 256-entry class table so the inner loop is one load and one branch per byte.
final class SegmentTokenizer<Source: ByteSource> {
    private var source: Source
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Valid bytes in the buffer are `pos..<filled`.
    private var pos = 0
    private var filled = 0
    /// Input offset of `buffer[0]`.
    private var bufferOffset = 0
    private var atEnd = false
    private let maxSegmentLength: Int
    private let classes: UnsafeMutablePointer<UInt8>
    /// The element separator, terminator and release character repeated in every byte of a word (the release
    /// character's word repeats the element separator when there is none).
    private var elementWord: UInt64 = 0
    private var terminatorWord: UInt64 = 0
    private var releaseWord: UInt64 = 0
    private(set) var delimiters = Delimiters.x12Default

    // Byte classes in the table; the scan loop tests the literals 1 and 2.
    private static var classElement: UInt8 { 1 }
    private static var classTerminator: UInt8 { 2 }
    private static var classRelease: UInt8 { 3 }

    init(source: Source, chunkSize: Int = 1 << 20, maxSegmentLength: Int = 1 << 20) {
        self.source = source
        capacity = max(chunkSize, 256)
        buffer = .allocate(capacity: capacity)
        classes = .allocate(capacity: 256)
        classes.initialize(repeating: 0, count: 256)
        self.maxSegmentLength = max(maxSegmentLength, 256)
    }

    deinit {
        buffer.deallocate()
        classes.deallocate()
    }


    /// Input offset of the next unread byte.
    var offset: Int { bufferOffset + pos }

    /// Bytes consumed so far (for progress reports).
    var bytesConsumed: Int { bufferOffset + pos }

    func use(_ d: Delimiters) {
        delimiters = d
        for i in 0..<256 { classes[i] = 0 }
        classes[Int(d.element)] = Self.classElement
        classes[Int(d.segment)] = Self.classTerminator
        if let r = d.release { classes[Int(r)] = Self.classRelease }
        elementWord = UInt64(d.element) &* 0x0101_0101_0101_0101
        terminatorWord = UInt64(d.segment) &* 0x0101_0101_0101_0101
        releaseWord = UInt64(d.release ?? d.element) &* 0x0101_0101_0101_0101
    }

    /// The high bit of every byte that is zero in any of the three words, exactly (no carries between bytes).
    @inline(__always)
    private static func zeroBytes(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // A byte's high bit survives `(x & low) + low | x` unless the byte is zero.
        let ta = ((a & low) &+ low) | a
        let tb = ((b & low) &+ low) | b
        let tc = ((c & low) &+ low) | c
        return ~(ta & tb & tc) & ~low
    }

    /// Makes at least `count` bytes available from `pos` unless the input ends first; returns what is available.
    @discardableResult
    private func ensure(_ count: Int) throws(EDIReadError) -> Int {
        while filled - pos < count && !atEnd {
            if pos > 0 {
                let live = filled - pos
                if live > 0 { (buffer).update(from: buffer + pos, count: live) }
                bufferOffset += pos
                filled = live
                pos = 0
            }
            if filled == capacity {
                if capacity >= maxSegmentLength + 4096 { throw .segmentTooLong(offset: bufferOffset, limit: maxSegmentLength) }
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                bigger.update(from: buffer, count: filled)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled))
            if n == 0 { atEnd = true } else { filled += n }
        }
        return filled - pos
    }

    /// The next `count` bytes without consuming them (fewer at the end of input).
    func peek(_ count: Int) throws(EDIReadError) -> [UInt8] {
        let n = min(try ensure(count), count)
        return Array(UnsafeBufferPointer(start: buffer + pos, count: n))
    }

    /// Whether the next bytes are `ISA`, `UNA` or `UNB`: a new interchange starts.
    @inline(__always)
    func nextStartsHeader() throws(EDIReadError) -> Bool {
        // Called before every segment: only a short buffer needs the refill path.
        if filled - pos < 3 {
            guard try ensure(3) >= 3 else { return false }
        }
        let p = buffer + pos
        if p[0] == UInt8(ascii: "I") { return p[1] == UInt8(ascii: "S") && p[2] == UInt8(ascii: "A") }
        return p[0] == UInt8(ascii: "U") && p[1] == UInt8(ascii: "N") && (p[2] == UInt8(ascii: "A") || p[2] == UInt8(ascii: "B"))
    }

    /// Skips white space and a UTF-8 byte order mark before an interchange; returns how many bytes it skipped, nil at end of input.
    func skipToHeader() throws(EDIReadError) -> Int? {
        var skipped = 0
        while true {
            let avail = try ensure(skipped + 3)
            if avail <= skipped { return nil }
            let b = buffer[pos + skipped]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C || b == 0x00 {
                skipped += 1
            } else if b == 0xEF, avail >= skipped + 3, buffer[pos + skipped + 1] == 0xBB, buffer[pos + skipped + 2] == 0xBF {
                skipped += 3
            } else {
                return skipped
            }
            if skipped > maxSegmentLength { throw .segmentTooLong(offset: offset, limit: maxSegmentLength) }
        }
    }

    /// Appends a segment of known length with no element splitting (the UNA advice), plus its line breaks.
    func takeFixed(prefix: Int, length: Int, into b: SegmentStoreBuilder) throws(EDIReadError) -> SegmentTag {
        let total = prefix + length
        guard try ensure(total) >= total else { throw .truncatedHeader(offset: offset + prefix) }
        let tag = SegmentTag(bytes: UnsafeBufferPointer(start: buffer + pos + prefix, count: 3))
        let tagOffset = offset + prefix
        let end = try absorbLineBreaks(from: pos + total)
        let base = Int32(b.bytes.count)
        b.records.append(SegmentRecord(
            start: base, tagStart: base + Int32(prefix), contentEnd: base + Int32(total - 1), end: base + Int32(end - pos),
            firstSeparator: Int32(b.separators.count), separatorCount: 0, tag: tag, offset: tagOffset))
        b.bytes.append(buffer + pos, count: end - pos)
        pos = end
        return tag
    }

    /// Consumes line breaks after a terminator; may refill, so returns the (possibly moved) end index.
    private func absorbLineBreaks(from index: Int) throws(EDIReadError) -> Int {
        var end = index
        while true {
            if end >= filled {
                let rel = end - pos
                _ = try ensure(rel + 1)
                end = pos + rel
                if end >= filled { return end }
            }
            let b = buffer[end]
            if ByteClass.isLineBreak(b) && b != delimiters.segment && b != delimiters.element {
                end += 1
            } else {
                return end
            }
        }
    }

    /// Appends the next segment to `b`; nil at end of input. `prefix` bytes before the tag are kept as part of it.
    func next(into b: SegmentStoreBuilder, prefix: Int = 0) throws(EDIReadError) -> SegmentTag? {
        if filled - pos <= prefix + 4 || atEnd {
            guard try ensure(prefix + 1) > prefix else {
                // Only skipped bytes (or nothing) remain: keep them so the output still round-trips.
                if filled > pos { return try takeRemainder(into: b, prefix: prefix) }
                return nil
            }
        }
        // Offsets in the builder stay below 2^31: sets are bounded by `maxTransactionSetBytes`, segments by `maxSegmentLength`.
        let base = Int32(truncatingIfNeeded: b.bytes.count)
        let seps = b.separators
        let sepStart = seps.count
        // Locals, not stored properties, inside the loop: class property access costs an exclusivity check per byte.
        let table = classes
        let (elementBytes, terminatorBytes, releaseBytes) = (elementWord, terminatorWord, releaseWord)
        var separators = SeparatorWriter(seps)
        var scanned = prefix
        var terminator = -1
        while true {
            let buf = buffer
            let limit = filled
            let start = pos
            var j = start &+ scanned
            var found = -1
            scan: while j < limit {
                if j &+ 8 <= limit {
                    // Eight bytes at a time: every element separator in the word, up to a terminator or release character.
                    let w = UInt64(littleEndian: UnsafeRawPointer(buf + j).loadUnaligned(as: UInt64.self))
                    var hits = Self.zeroBytes(w ^ elementBytes, w ^ terminatorBytes, w ^ releaseBytes)
                    while hits != 0 {
                        let k = j &+ (hits.trailingZeroBitCount &>> 3)
                        let c = table[Int(buf[k])]
                        if c == 1 {
                            separators.write(base &+ Int32(truncatingIfNeeded: k &- start))
                            hits &= hits &- 1
                        } else if c == 2 {
                            found = k
                            break scan
                        } else {
                            // A release character: the byte after it is data, wherever it lies.
                            if k &+ 1 >= limit {
                                j = k
                                break scan
                            }
                            j = k &+ 2
                            continue scan
                        }
                    }
                    j &+= 8
                    continue
                }
                let c = table[Int(buf[j])]
                if c == 0 {
                    j &+= 1
                } else if c == 1 {
                    separators.write(base &+ Int32(truncatingIfNeeded: j &- start))
                    j &+= 1
                } else if c == 2 {
                    found = j
                    break
                } else {
                    if j &+ 1 >= limit { break }
                    j &+= 2
                }
            }
            scanned = j &- start
            if found >= 0 {
                terminator = found
                break
            }
            if atEnd { break }
            if scanned > maxSegmentLength { throw .segmentTooLong(offset: offset, limit: maxSegmentLength) }
            _ = try ensure(scanned + 2)
        }
        // Positions relative to `pos`, because absorbing line breaks may refill and move the buffer.
        let contentRel: Int
        let endRel: Int
        if terminator >= 0 {
            contentRel = terminator &- pos
            // Usually the next segment follows the terminator at once.
            let next = terminator &+ 1
            if next < filled && !ByteClass.isLineBreak(buffer[next]) {
                endRel = next &- pos
            } else {
                endRel = try absorbLineBreaks(from: next) &- pos
            }
        } else {
            contentRel = filled &- pos
            endRel = contentRel
        }
        separators.commit()
        let separatorCount = seps.count &- sepStart
        let tagEndRel = separatorCount > 0 ? Int(seps[sepStart] &- base) : contentRel
        let tag = SegmentTag(packing: buffer + pos + prefix, count: min(max(tagEndRel &- prefix, 0), 4))
        b.records.append(SegmentRecord(
            start: base, tagStart: base &+ Int32(truncatingIfNeeded: prefix), contentEnd: base &+ Int32(truncatingIfNeeded: contentRel),
            end: base &+ Int32(truncatingIfNeeded: endRel), firstSeparator: Int32(truncatingIfNeeded: sepStart),
            separatorCount: Int32(truncatingIfNeeded: separatorCount), tag: tag, offset: bufferOffset &+ pos &+ prefix))
        b.bytes.append(buffer + pos, count: endRel)
        pos &+= endRel
        return tag
    }

    private func takeRemainder(into b: SegmentStoreBuilder, prefix: Int) throws(EDIReadError) -> SegmentTag? {
        let n = filled - pos
        let base = Int32(b.bytes.count)
        b.records.append(SegmentRecord(
            start: base, tagStart: base + Int32(n), contentEnd: base + Int32(n), end: base + Int32(n),
            firstSeparator: Int32(b.separators.count), separatorCount: 0, tag: SegmentTag(rawValue: 0), offset: bufferOffset + filled))
        b.bytes.append(buffer + pos, count: n)
        pos = filled
        return SegmentTag(rawValue: 0)
    }
}

/// Writes element separators straight into a builder's table, reserving room as it goes.
private struct SeparatorWriter {
    let table: PlainBuffer<Int32>
    private var out: UnsafeMutablePointer<Int32>
    /// Room reserved after the last committed separator, and separators written into it.
    private var room = 64
    private var n = 0

    init(_ table: PlainBuffer<Int32>) {
        self.table = table
        out = table.tail(reserving: room)
    }

    @inline(__always)
    mutating func write(_ value: Int32) {
        if n == room {
            commit()
            room &*= 2
            out = table.tail(reserving: room)
        }
        out[n] = value
        n &+= 1
    }

    /// Counts the separators written in the table.
    mutating func commit() {
        table.didAppend(n)
        n = 0
    }
}

extension SegmentTag {
    init(rawValue: UInt32) { self.rawValue = rawValue }

    @inline(__always)
    init(packing p: UnsafePointer<UInt8>, count: Int) {
        // Most tags have three letters.
        if count == 3 {
            self.init(rawValue: UInt32(p[0]) << 16 | UInt32(p[1]) << 8 | UInt32(p[2]))
            return
        }
        var v: UInt32 = 0
        for i in 0..<count { v = (v << 8) | UInt32(p[i]) }
        self.init(rawValue: v)
    }
}

/// Where one segment lies inside a ``SegmentStore``'s bytes.
public struct SegmentRecord: Sendable {
    /// First byte that belongs to the segment, including bytes skipped before its tag.
    public internal(set) var start: Int32
    /// First byte of the tag.
    public internal(set) var tagStart: Int32
    /// End of the segment's data: the terminator's index, or `end` when the terminator is missing.
    public internal(set) var contentEnd: Int32
    /// One past the last byte (terminator and line breaks included).
    public internal(set) var end: Int32
    /// Index of the first element separator in the store's separator table.
    public internal(set) var firstSeparator: Int32
    /// Number of element separators (= number of elements).
    public internal(set) var separatorCount: Int32
    /// Tag packed into an integer for quick comparisons.
    public internal(set) var tag: SegmentTag
    /// Byte offset of the tag in the whole input.
    public internal(set) var offset: Int
}

/// A segment tag packed into an integer (up to three ASCII bytes), so tag tests cost one compare.
public struct SegmentTag: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The packed bytes.
    public let rawValue: UInt32

    /// Packs up to the first four bytes of a tag.
    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        var v: UInt32 = 0
        var n = 0
        for b in bytes {
            if n == 4 { break }
            v = (v << 8) | UInt32(b)
            n += 1
        }
        rawValue = v
    }

    /// Packs a tag written as text.
    public init(_ text: String) { self.init(bytes: Array(text.utf8)) }

    /// Packs a tag written as a literal.
    public init(stringLiteral value: String) { self.init(value) }

    /// The tag as text.
    public var description: String {
        var bytes: [UInt8] = []
        var v = rawValue
        while v != 0 {
            bytes.insert(UInt8(v & 0xFF), at: 0)
            v >>= 8
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // Envelope tags as constants: computed from literals, so using them costs no lazy-global check.
    static var ISA: SegmentTag { SegmentTag(rawValue: 0x495341) }
    static var IEA: SegmentTag { SegmentTag(rawValue: 0x494541) }
    static var GS: SegmentTag { SegmentTag(rawValue: 0x4753) }
    static var GE: SegmentTag { SegmentTag(rawValue: 0x4745) }
    static var ST: SegmentTag { SegmentTag(rawValue: 0x5354) }
    static var SE: SegmentTag { SegmentTag(rawValue: 0x5345) }
    static var TA1: SegmentTag { SegmentTag(rawValue: 0x544131) }
    static var UNA: SegmentTag { SegmentTag(rawValue: 0x554E41) }
    static var UNB: SegmentTag { SegmentTag(rawValue: 0x554E42) }
    static var UNZ: SegmentTag { SegmentTag(rawValue: 0x554E5A) }
    static var UNG: SegmentTag { SegmentTag(rawValue: 0x554E47) }
    static var UNE: SegmentTag { SegmentTag(rawValue: 0x554E45) }
    static var UNH: SegmentTag { SegmentTag(rawValue: 0x554E48) }
    static var UNT: SegmentTag { SegmentTag(rawValue: 0x554E54) }
}

/// The bytes of a run of consecutive segments with their element boundaries, shared by the segment views.
public final class SegmentStore: Sendable {
    /// The raw bytes, exactly as read.
    public let bytes: [UInt8]
    let records: [SegmentRecord]
    let separators: [Int32]
    /// Delimiters of the interchange the segments came from.
    public let delimiters: Delimiters

    init(bytes: [UInt8], records: [SegmentRecord], separators: [Int32], delimiters: Delimiters) {
        self.bytes = bytes
        self.records = records
        self.separators = separators
        self.delimiters = delimiters
    }

    /// Number of segments.
    public var count: Int { records.count }

    /// The segment at `index` (0-based).
    public subscript(index: Int) -> Segment { Segment(store: self, index: index) }

    /// All segments in order.
    public var segments: [Segment] { (0..<records.count).map { Segment(store: self, index: $0) } }

    /// Calls `body` with every segment's record (where its tag, data and element separators
    /// lie), without copying them: for readers that walk the elements of every segment in
    /// `bytes` in place instead of splitting them again (the tokenizer already found them).
    public func withSegmentRecords<R, E: Error>(_ body: (UnsafeBufferPointer<SegmentRecord>) throws(E) -> R) throws(E) -> R {
        try records.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the table of element separator offsets in `bytes`, shared by all
    /// segments, without copying it: element `k` (1-based) of a segment starts after the
    /// separator at ``SegmentRecord/firstSeparator`` + `k` - 1 and ends at the segment's next
    /// separator, or at ``SegmentRecord/contentEnd`` for the last element.
    public func withElementSeparators<R, E: Error>(_ body: (UnsafeBufferPointer<Int32>) throws(E) -> R) throws(E) -> R {
        try separators.withUnsafeBufferPointer(body)
    }
}

/// A growable run of plain values appended with `memcpy`.
///
/// `Array.append(contentsOf:)` costs about a hundred instructions per call, which at one call per segment
/// was a sixth of the reader's time; the reader also reuses one of these for every transaction set.
final class PlainBuffer<T> {
    private(set) var base: UnsafeMutablePointer<T>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(never)
    private func grow(to n: Int) {
        let bigger = UnsafeMutablePointer<T>.allocate(capacity: n)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = n
    }

    func reserve(_ n: Int) { if n > capacity { grow(to: n) } }

    @inline(__always)
    func append(_ v: T) {
        if count == capacity { grow(to: capacity * 2) }
        (base + count).initialize(to: v)
        count += 1
    }

    @inline(__always)
    func append(_ p: UnsafePointer<T>, count n: Int) {
        guard n > 0 else { return }
        if count + n > capacity { grow(to: max(capacity * 2, count + n)) }
        (base + count).initialize(from: p, count: n)
        count += n
    }

    /// Room for `n` more values after the last one; write them there, then call `didAppend`.
    func tail(reserving n: Int) -> UnsafeMutablePointer<T> {
        if count + n > capacity { grow(to: max(capacity * 2, count + n)) }
        return base + count
    }

    /// Counts `n` values written through `tail(reserving:)`.
    func didAppend(_ n: Int) { count += n }

    subscript(i: Int) -> T { base[i] }

    /// Drops values from `i` on (plain values: nothing to release).
    func truncate(to i: Int) { count = min(count, max(0, i)) }

    func array(_ range: Range<Int>? = nil) -> [T] {
        let r = range ?? 0..<count
        return Array(UnsafeBufferPointer(start: base + r.lowerBound, count: r.count))
    }
}

/// Collects segments read from the input into one store (bytes, segment records, element separators).
struct SegmentStoreBuilder {
    let bytes = PlainBuffer<UInt8>(capacity: 256)
    let records = PlainBuffer<SegmentRecord>(capacity: 8)
    let separators = PlainBuffer<Int32>(capacity: 32)

    var isEmpty: Bool { records.count == 0 }

    func build(delimiters: Delimiters) -> SegmentStore {
        SegmentStore(bytes: bytes.array(), records: records.array(), separators: separators.array(), delimiters: delimiters)
    }

    /// Empties the builder, keeping its memory for the next set.
    func reset() {
        bytes.truncate(to: 0)
        records.truncate(to: 0)
        separators.truncate(to: 0)
    }

    /// Appends every segment of another builder (rebasing its positions).
    func append(contentsOf other: SegmentStoreBuilder) {
        let byteBase = Int32(bytes.count)
        let sepBase = Int32(separators.count)
        bytes.append(other.bytes.base, count: other.bytes.count)
        for i in 0..<other.separators.count { separators.append(other.separators[i] + byteBase) }
        for i in 0..<other.records.count {
            var r = other.records[i]
            r.start += byteBase
            r.tagStart += byteBase
            r.contentEnd += byteBase
            r.end += byteBase
            r.firstSeparator += sepBase
            records.append(r)
        }
    }

    /// Moves the last segment into a builder of its own (used when a segment turns out to open a new unit).
    func removeLast() -> SegmentStoreBuilder {
        let moved = SegmentStoreBuilder()
        guard records.count > 0 else { return moved }
        let last = records[records.count - 1]
        records.truncate(to: records.count - 1)
        let byteBase = last.start
        let sepBase = last.firstSeparator
        moved.bytes.append(bytes.base + Int(last.start), count: Int(last.end - last.start))
        for i in Int(last.firstSeparator)..<separators.count { moved.separators.append(separators[i] - byteBase) }
        var r = last
        r.start = 0
        r.tagStart -= byteBase
        r.contentEnd -= byteBase
        r.end -= byteBase
        r.firstSeparator -= sepBase
        moved.records.append(r)
        bytes.truncate(to: Int(last.start))
        separators.truncate(to: Int(last.firstSeparator))
        return moved
    }
}

/// One segment: a view into a ``SegmentStore``.
public struct Segment: Sendable {
    /// The store that holds the bytes.
    public let store: SegmentStore
    /// Index of the segment in its store.
    public let index: Int

    var record: SegmentRecord { store.records[index] }

    /// The segment tag (`ST`, `UNH`, `N1`…).
    public var tag: SegmentTag { record.tag }

    /// The tag as text.
    public var tagText: String { tag.description }

    /// Byte offset of the tag in the input.
    public var offset: Int { record.offset }

    /// Whether the segment ended with a terminator (false only at a truncated end of input).
    public var isTerminated: Bool { record.contentEnd < record.end && store.bytes[Int(record.contentEnd)] == store.delimiters.segment }

    /// Every byte of the segment as read: skipped prefix, tag, elements, terminator and line breaks.
    public var rawBytes: ArraySlice<UInt8> { store.bytes[Int(record.start)..<Int(record.end)] }

    /// Tag and elements without terminator and line breaks.
    public var contentBytes: ArraySlice<UInt8> { store.bytes[Int(record.tagStart)..<Int(record.contentEnd)] }

    /// Number of data elements after the tag (trailing empty ones included, as written).
    public var elementCount: Int { Int(record.separatorCount) }

    /// The element at a 1-based position (`ISA01` is `element(1)`); nil past the last one.
    public func element(_ position: Int) -> Element? {
        let r = record
        guard position >= 1, position <= Int(r.separatorCount) else { return nil }
        let sepIndex = Int(r.firstSeparator) + position - 1
        let from = Int(store.separators[sepIndex]) + 1
        let to = position < Int(r.separatorCount) ? Int(store.separators[sepIndex + 1]) : Int(r.contentEnd)
        return Element(bytes: store.bytes[from..<to], delimiters: store.delimiters)
    }

    /// The value of an element (release characters resolved), or "" when absent.
    public func value(_ position: Int) -> String { element(position)?.text ?? "" }

    /// The value of one component of an element (1-based), or "" when absent.
    public func value(_ position: Int, _ component: Int) -> String {
        element(position)?.component(component)?.text ?? ""
    }

    /// All elements in order.
    public var elements: [Element] { (0..<elementCount).compactMap { element($0 + 1) } }
}

/// One data element: a slice of the segment's bytes.
public struct Element: Sendable {
    /// The raw bytes (still escaped, components and repetitions not split).
    public let bytes: ArraySlice<UInt8>
    /// The interchange's delimiters.
    public let delimiters: Delimiters

    /// Whether the element has no data.
    public var isEmpty: Bool { bytes.isEmpty }

    /// The value with release characters resolved.
    public var text: String { String(decoding: Element.unescape(bytes, release: delimiters.release), as: UTF8.self) }

    /// The repetitions of the element (one when the syntax has no repetition separator).
    public var repetitions: [Element] {
        guard let rep = delimiters.repetition else { return [self] }
        return split(on: rep).map { Element(bytes: $0, delimiters: delimiters) }
    }

    /// The components of the element (one when it is not composite).
    public var components: [Component] {
        split(on: delimiters.component).map { Component(bytes: $0, release: delimiters.release) }
    }

    /// The component at a 1-based position, nil past the last one.
    public func component(_ position: Int) -> Component? {
        let all = components
        return position >= 1 && position <= all.count ? all[position - 1] : nil
    }

    /// Splits on a delimiter, honouring the release character.
    func split(on delimiter: UInt8) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        // Room for the usual composite at once instead of growing from empty (four reallocations).
        parts.reserveCapacity(8)
        var start = bytes.startIndex
        var i = bytes.startIndex
        let release = delimiters.release
        while i < bytes.endIndex {
            let b = bytes[i]
            if let release, b == release {
                i += 2
                continue
            }
            if b == delimiter {
                parts.append(bytes[start..<i])
                start = i + 1
            }
            i += 1
        }
        parts.append(bytes[start..<min(bytes.endIndex, max(start, bytes.endIndex))])
        return parts
    }

    /// Removes release characters.
    static func unescape(_ bytes: ArraySlice<UInt8>, release: UInt8?) -> ArraySlice<UInt8> {
        guard let release, bytes.contains(release) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == release, i + 1 < bytes.endIndex {
                out.append(bytes[i + 1])
                i += 2
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out[...]
    }
}

/// One component of a composite element.
public struct Component: Sendable {
    /// The raw bytes (still escaped).
    public let bytes: ArraySlice<UInt8>
    let release: UInt8?

    /// The value with release characters resolved.
    public var text: String { String(decoding: Element.unescape(bytes, release: release), as: UTF8.self) }

    /// The unescaped bytes.
    public var valueBytes: ArraySlice<UInt8> { Element.unescape(bytes, release: release) }

    /// Whether the component has no data.
    public var isEmpty: Bool { bytes.isEmpty }
}

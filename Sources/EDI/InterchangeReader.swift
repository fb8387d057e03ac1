/// The envelope header of one interchange: `ISA`, or `UNB` with its optional `UNA` service string advice.
public struct InterchangeHeader: Sendable {
    /// X12 or EDIFACT.
    public let standard: EDIStandard
    /// Delimiters declared by the header (or the defaults).
    public let delimiters: Delimiters
    /// The header segments as read (`ISA`; or `UNA` then `UNB`; or `UNB`).
    public let store: SegmentStore

    /// The ISA or UNB segment.
    public var segment: Segment { store[store.count - 1] }
    /// The UNA advice, when present.
    public var serviceStringAdvice: Segment? { store.count > 1 ? store[0] : nil }
}

/// One X12 transaction set (ST…SE) or EDIFACT message (UNH…UNT), with all its segments.
public struct TransactionSet: Sendable {
    /// The segments, header and trailer included.
    public let store: SegmentStore

    /// The ST or UNH segment.
    public var header: Segment { store[0] }
    /// The SE or UNT segment, nil when the input lacks it (or ends inside it).
    public var trailer: Segment? {
        guard store.count > 1 else { return nil }
        let last = store[store.count - 1]
        return (last.tag == .SE || last.tag == .UNT) && last.isTerminated ? last : nil
    }
    /// Number of segments, header and trailer included.
    public var segmentCount: Int { store.count }
    /// All segments in order.
    public var segments: [Segment] { store.segments }
    /// Byte offset of the header segment.
    public var offset: Int { header.offset }
}

/// One step of a streamed input: an envelope segment, a whole transaction set, or a stray segment.
public enum EDIEvent: Sendable {
    /// An ISA or UNB (with UNA) header begins an interchange.
    case interchangeHeader(InterchangeHeader)
    /// A GS or UNG header begins a functional group.
    case groupHeader(Segment)
    /// A complete (or, at the end of a truncated input, partial) transaction set or message.
    case transactionSet(TransactionSet)
    /// A GE or UNE trailer.
    case groupTrailer(Segment)
    /// An IEA or UNZ trailer.
    case interchangeTrailer(Segment)
    /// A segment outside any transaction set that is not an envelope segment (including a TA1).
    case straySegment(Segment)
}

/// Reads interchanges one event at a time, so only the current transaction set is ever held in memory.
public final class InterchangeReader<Source: ByteSource> {
    private let tokenizer: SegmentTokenizer<Source>
    private var expectingHeader = true
    private var standard = EDIStandard.x12
    private let setBuilder = SegmentStoreBuilder()
    private var inSet = false
    private var pending: SegmentStoreBuilder?
    private var interchanges = 0
    private var finished = false
    /// Largest transaction set accepted, in bytes.
    public let maxTransactionSetBytes: Int

    /// Reads from a source; `maxTransactionSetBytes` bounds memory on hostile input.
    public init(source: Source, chunkSize: Int = 1 << 20, maxTransactionSetBytes: Int = 256 << 20) {
        tokenizer = SegmentTokenizer(source: source, chunkSize: chunkSize)
        self.maxTransactionSetBytes = min(maxTransactionSetBytes, Int(Int32.max) - (4 << 20))
    }

    /// Bytes consumed so far.
    public var bytesRead: Int { tokenizer.bytesConsumed }

    /// The next event, or nil at the end of the input.
    public func next() throws(EDIReadError) -> EDIEvent? {
        if finished { return nil }
        while true {
            if let p = pending {
                pending = nil
                if let event = try classify(p) { return event }
                continue
            }
            if expectingHeader {
                guard let skip = try tokenizer.skipToHeader() else {
                    finished = true
                    if interchanges == 0 { throw .empty }
                    return nil
                }
                return try readHeader(skip: skip)
            }
            // A new header ends the current interchange even when its trailer is missing.
            if try tokenizer.nextStartsHeader() {
                expectingHeader = true
                if inSet { return .transactionSet(takeSet()) }
                continue
            }
            if inSet {
                // Appends in place: a local copy of the builder would make every append copy the arrays.
                guard let tag = try tokenizer.next(into: setBuilder) else {
                    finished = true
                    return .transactionSet(takeSet())
                }
                if tag == .SE || tag == .UNT {
                    return .transactionSet(takeSet())
                }
                if Self.isEnvelopeTag(tag) {
                    // The trailer is missing: this segment belongs to the next unit.
                    pending = setBuilder.removeLast()
                    return .transactionSet(takeSet())
                }
                if setBuilder.bytes.count > maxTransactionSetBytes {
                    throw .transactionSetTooLarge(offset: Int(setBuilder.records[0].offset), limit: maxTransactionSetBytes)
                }
                continue
            }
            let single = SegmentStoreBuilder()
            guard try tokenizer.next(into: single) != nil else {
                finished = true
                return nil
            }
            if let event = try classify(single) { return event }
        }
    }

    private func takeSet() -> TransactionSet {
        inSet = false
        let set = TransactionSet(store: setBuilder.build(delimiters: tokenizer.delimiters))
        setBuilder.reset()
        return set
    }

    /// Decides what a segment read outside a transaction set starts or ends.
    private func classify(_ b: SegmentStoreBuilder) throws(EDIReadError) -> EDIEvent? {
        let tag = b.records[0].tag
        let store = { b.build(delimiters: self.tokenizer.delimiters) }
        switch tag {
        case .ST, .UNH:
            // One builder serves every set: its memory is reused, never regrown from empty.
            setBuilder.reset()
            setBuilder.append(contentsOf: b)
            inSet = true
            return nil
        case .GS, .UNG:
            return .groupHeader(store()[0])
        case .GE, .UNE:
            return .groupTrailer(store()[0])
        case .IEA, .UNZ:
            expectingHeader = true
            return .interchangeTrailer(store()[0])
        default:
            return .straySegment(store()[0])
        }
    }

    private func readHeader(skip: Int) throws(EDIReadError) -> EDIEvent {
        let start = tokenizer.offset + skip
        let head = try tokenizer.peek(skip + 200)
        let h = head.count > skip ? Array(head[skip...]) : []
        let b = SegmentStoreBuilder()
        expectingHeader = false
        interchanges += 1
        if h.starts(with: Array("ISA".utf8)) {
            let d = try Self.x12Delimiters(h, offset: start)
            standard = .x12
            tokenizer.use(d)
            _ = try tokenizer.next(into: b, prefix: skip)
            return .interchangeHeader(InterchangeHeader(standard: .x12, delimiters: d, store: b.build(delimiters: d)))
        }
        if h.starts(with: Array("UNA".utf8)) {
            guard h.count >= 9 else { throw .truncatedHeader(offset: start) }
            let space = UInt8(ascii: " ")
            let d = Delimiters(segment: h[8], element: h[4], component: h[3], repetition: h[7] == space ? nil : h[7],
                               release: h[6] == space ? nil : h[6], decimalMark: h[5])
            guard d.areUsable else { throw .invalidDelimiters(offset: start) }
            standard = .edifact
            tokenizer.use(d)
            _ = try tokenizer.takeFixed(prefix: skip, length: 9, into: b)
            _ = try tokenizer.next(into: b)
            return .interchangeHeader(InterchangeHeader(standard: .edifact, delimiters: d, store: b.build(delimiters: d)))
        }
        if h.starts(with: Array("UNB".utf8)) {
            var d = h.count > 3 && h[3] == 0x1D ? Delimiters.edifactLevelB : Delimiters.edifactLevelA
            standard = .edifact
            tokenizer.use(d)
            _ = try tokenizer.next(into: b, prefix: skip)
            // Without UNA, syntax version 4 adds `*` as the repetition separator.
            if d == .edifactLevelA, b.build(delimiters: d)[0].value(1, 2) == "4" {
                d.repetition = UInt8(ascii: "*")
                tokenizer.use(d)
            }
            return .interchangeHeader(InterchangeHeader(standard: .edifact, delimiters: d, store: b.build(delimiters: d)))
        }
        let binary = h.prefix(64).contains { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20 && $0 != 0x1C && $0 != 0x1D && $0 != 0x1F) }
        throw .notEDI(offset: start, looksBinary: binary)
    }

    /// Delimiters from an ISA header; tolerates a header that is not fixed width by counting separators.
    static func x12Delimiters(_ h: [UInt8], offset: Int) throws(EDIReadError) -> Delimiters {
        guard h.count > 4 else { throw .truncatedHeader(offset: offset) }
        let element = h[3]
        var separators: [Int] = []
        for i in 3..<h.count where h[i] == element {
            separators.append(i)
            if separators.count == 16 { break }
        }
        guard separators.count == 16, separators[15] + 2 < h.count else { throw .truncatedHeader(offset: offset) }
        let component = h[separators[15] + 1]
        let segment = h[separators[15] + 2]
        var repetition: UInt8?
        let version = h[(separators[11] + 1)..<separators[12]]
        if separators[10] + 2 == separators[11] {
            let r = h[separators[10] + 1]
            if Array(version).lexicographicallyPrecedes(Array("00402".utf8)) == false, !ByteClass.isAlphanumeric(r), r != 0x20 {
                repetition = r
            }
        }
        let d = Delimiters(segment: segment, element: element, component: component, repetition: repetition)
        guard d.areUsable else { throw .invalidDelimiters(offset: offset) }
        return d
    }

    @inline(__always)
    static func isEnvelopeTag(_ t: SegmentTag) -> Bool {
        t == .ST || t == .UNH || t == .GS || t == .GE || t == .UNG || t == .UNE || t == .IEA || t == .UNZ
    }
}

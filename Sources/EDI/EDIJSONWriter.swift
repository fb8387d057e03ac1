/// Streams the segment tree of an input as JSON, one event at a time (memory stays at one transaction set).
///
/// Shape: `{"interchanges":[{"standard","delimiters","header":[seg…],"items":[{"group":{"header","transactionSets":[[seg…]…],"trailer"}} | {"transactionSet":[seg…]} | {"stray":seg}],"trailer":seg|null}]}`.
/// A segment is `{"tag","offset","elements":[…]}` where an element is a string, an array of components, or
/// `{"repetitions":[…]}`; `prefix`/`suffix` hold bytes before the tag and line breaks after the terminator,
/// `terminated:false` marks a segment cut by the end of input. Values are unescaped.
public struct EDIJSONWriter {
    private var out: [UInt8] = []
    private var inInterchange = false
    private var inGroup = false
    private var firstInterchange = true
    private var firstItem = true
    private var firstSet = true
    private let sink: ([UInt8]) -> Void

    /// Creates a writer that hands finished chunks of JSON to `sink`.
    public init(sink: @escaping ([UInt8]) -> Void) {
        self.sink = sink
        out += Array("{\"interchanges\":[".utf8)
    }

    /// Writes one event.
    public mutating func write(_ event: EDIEvent) {
        switch event {
        case let .interchangeHeader(h):
            closeInterchange(trailer: nil)
            if !firstInterchange { out.append(UInt8(ascii: ",")) }
            firstInterchange = false
            inInterchange = true
            firstItem = true
            out += Array("{\"standard\":\"\(h.standard.rawValue)\",\"delimiters\":".utf8)
            writeDelimiters(h.delimiters)
            out += Array(",\"header\":[".utf8)
            for (i, s) in h.store.segments.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if s.tag == .UNA { writeServiceAdvice(s) } else { writeSegment(s) }
            }
            out += Array("],\"items\":[".utf8)
        case let .groupHeader(s):
            closeGroup(trailer: nil)
            item()
            out += Array("{\"group\":{\"header\":".utf8)
            writeSegment(s)
            out += Array(",\"transactionSets\":[".utf8)
            inGroup = true
            firstSet = true
        case let .transactionSet(t):
            if inGroup {
                if !firstSet { out.append(UInt8(ascii: ",")) }
                firstSet = false
                writeSet(t)
            } else {
                item()
                out += Array("{\"transactionSet\":".utf8)
                writeSet(t)
                out.append(UInt8(ascii: "}"))
            }
        case let .groupTrailer(s):
            if inGroup {
                closeGroup(trailer: s)
            } else {
                stray(s)
            }
        case let .interchangeTrailer(s):
            closeInterchange(trailer: s)
        case let .straySegment(s):
            closeGroup(trailer: nil)
            stray(s)
        }
        if out.count > 1 << 16 { flush() }
    }

    /// Closes every open object and flushes.
    public mutating func finish() {
        closeInterchange(trailer: nil)
        out += Array("]}\n".utf8)
        flush()
    }

    private mutating func flush() {
        sink(out)
        out.removeAll(keepingCapacity: true)
    }

    private mutating func item() {
        if !firstItem { out.append(UInt8(ascii: ",")) }
        firstItem = false
    }

    private mutating func stray(_ s: Segment) {
        item()
        out += Array("{\"stray\":".utf8)
        writeSegment(s)
        out.append(UInt8(ascii: "}"))
    }

    private mutating func closeGroup(trailer: Segment?) {
        guard inGroup else { return }
        out += Array("],\"trailer\":".utf8)
        if let trailer { writeSegment(trailer) } else { out += Array("null".utf8) }
        out += Array("}}".utf8)
        inGroup = false
    }

    private mutating func closeInterchange(trailer: Segment?) {
        guard inInterchange else { return }
        closeGroup(trailer: nil)
        out += Array("],\"trailer\":".utf8)
        if let trailer { writeSegment(trailer) } else { out += Array("null".utf8) }
        out.append(UInt8(ascii: "}"))
        inInterchange = false
    }

    private mutating func writeDelimiters(_ d: Delimiters) {
        func ch(_ b: UInt8?) -> [UInt8] {
            guard let b else { return Array("null".utf8) }
            var o: [UInt8] = []
            JSONText.appendString([b][...], to: &o)
            return o
        }
        out += Array("{\"segment\":".utf8) + ch(d.segment) + Array(",\"element\":".utf8) + ch(d.element)
        out += Array(",\"component\":".utf8) + ch(d.component) + Array(",\"repetition\":".utf8) + ch(d.repetition)
        out += Array(",\"release\":".utf8) + ch(d.release) + Array(",\"decimal\":".utf8) + ch(d.decimalMark) + [UInt8(ascii: "}")]
    }

    private mutating func writeSet(_ t: TransactionSet) {
        out.append(UInt8(ascii: "["))
        for i in 0..<t.store.count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeSegment(t.store[i])
        }
        out.append(UInt8(ascii: "]"))
    }

    private mutating func writeServiceAdvice(_ s: Segment) {
        out += Array("{\"tag\":\"UNA\",\"offset\":\(s.offset),\"advice\":".utf8)
        JSONText.appendString(s.contentBytes.dropFirst(3), to: &out)
        writeAffixes(s)
        out.append(UInt8(ascii: "}"))
    }

    private mutating func writeAffixes(_ s: Segment) {
        let r = s.record
        if r.tagStart > r.start {
            out += Array(",\"prefix\":".utf8)
            JSONText.appendString(s.store.bytes[Int(r.start)..<Int(r.tagStart)], to: &out)
        }
        let afterTerminator = Int(r.contentEnd) + (s.isTerminated ? 1 : 0)
        if afterTerminator < Int(r.end) {
            out += Array(",\"suffix\":".utf8)
            JSONText.appendString(s.store.bytes[afterTerminator..<Int(r.end)], to: &out)
        }
        if !s.isTerminated { out += Array(",\"terminated\":false".utf8) }
    }

    private mutating func writeSegment(_ s: Segment) {
        out += Array("{\"tag\":".utf8)
        JSONText.appendString(Element.unescape(s.store.bytes[Int(s.record.tagStart)..<(s.elementCount > 0 ? Int(s.store.separators[Int(s.record.firstSeparator)]) : Int(s.record.contentEnd))], release: s.store.delimiters.release), to: &out)
        out += Array(",\"offset\":\(s.offset),\"elements\":[".utf8)
        for p in 1...max(s.elementCount, 1) where p <= s.elementCount {
            if p > 1 { out.append(UInt8(ascii: ",")) }
            let e = s.element(p)!
            let reps = s.tag == .ISA ? [e] : e.repetitions
            if reps.count > 1 {
                out += Array("{\"repetitions\":[".utf8)
                for (i, r) in reps.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    writeElementValue(r, isa: false)
                }
                out += Array("]}".utf8)
            } else {
                writeElementValue(e, isa: s.tag == .ISA)
            }
        }
        out.append(UInt8(ascii: "]"))
        writeAffixes(s)
        out.append(UInt8(ascii: "}"))
    }

    private mutating func writeElementValue(_ e: Element, isa: Bool) {
        // ISA16 is the component separator itself: never split the ISA.
        let comps = isa ? [Component(bytes: e.bytes, release: nil)] : e.components
        if comps.count == 1 {
            JSONText.appendString(comps[0].valueBytes, to: &out)
        } else {
            out.append(UInt8(ascii: "["))
            for (i, c) in comps.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(c.valueBytes, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}

/// JSON string escaping on bytes.
enum JSONText {
    static let hex = Array("0123456789abcdef".utf8)

    /// Appends a JSON string; bytes that are not valid UTF-8 are written as U+FFFD.
    static func appendString(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let valid = bytes.allSatisfy { $0 < 0x80 } || String(validating: bytes, as: UTF8.self) != nil
        let source: [UInt8] = valid ? Array(bytes) : Array(String(decoding: bytes, as: UTF8.self).utf8)
        var i = 0
        while i < source.count {
            let b = source[i]
            i += 1
            // A byte order mark is written escaped, as JSON readers may drop a literal one.
            if b == 0xEF, i + 1 < source.count, source[i] == 0xBB, source[i + 1] == 0xBF {
                out += Array("\\ufeff".utf8)
                i += 2
                continue
            }
            switch b {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), b]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0..<0x20, 0x7F:
                out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

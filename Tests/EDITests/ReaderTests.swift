import Foundation
import Testing
@testable import EDI

@Suite("Reading X12 and EDIFACT")
struct ReaderTests {
    @Test("ISA header gives element, component and segment delimiters")
    func isaDelimiters() throws {
        let ic = try #require(try Interchange.parseAll(x12Interchange([po850])).first)
        #expect(ic.standard == .x12)
        #expect(ic.header.delimiters.element == UInt8(ascii: "*"))
        #expect(ic.header.delimiters.component == UInt8(ascii: ">"))
        #expect(ic.header.delimiters.segment == UInt8(ascii: "~"))
        #expect(ic.header.delimiters.repetition == nil, "ISA11 'U' in 00401 is not a repetition separator")
        let set = try #require(ic.allTransactionSets.first)
        #expect(set.segmentCount == 6)
        #expect(set.segments[1].tagText == "BEG")
        #expect(set.segments[1].value(3) == "PO1001")
        #expect(set.segments[1].value(4) == "")
        #expect(set.segments[1].elementCount == 5)
    }

    @Test("ISA11 is the repetition separator from release 00402 on")
    func repetitionSeparator() throws {
        let bytes = Array((isa(version: "00501", repetition: "^") + "GS*PO*A*B*20240315*1031*1*X*005010~ST*850*0001*X~REF*ZZ*A^B~SE*3*0001~GE*1*1~IEA*1*000000001~").utf8)
        let ic = try #require(try Interchange.parseAll(bytes).first)
        #expect(ic.header.delimiters.repetition == UInt8(ascii: "^"))
        let ref = ic.allTransactionSets[0].segments[1]
        #expect(ref.element(2)?.repetitions.map(\.text) == ["A", "B"])
    }

    @Test("every segment carries its byte offset")
    func offsets() throws {
        let bytes = x12Interchange([po850])
        let ic = try #require(try Interchange.parseAll(bytes).first)
        for s in ic.segments {
            let tag = Array(bytes[s.offset..<(s.offset + s.tagText.utf8.count)])
            #expect(tag.text == s.tagText)
        }
        #expect(ic.allTransactionSets[0].offset == 106 + 51)
    }

    @Test("components split on the component separator")
    func components() throws {
        let bytes = Array((isa() + "GS*PO*A*B*20240315*1031*1*X*004010~ST*850*0001~PO1*1*1*EA*1**UP>X>Y~SE*3*0001~GE*1*1~IEA*1*000000001~").utf8)
        let ic = try #require(try Interchange.parseAll(bytes).first)
        let po1 = ic.allTransactionSets[0].segments[1]
        #expect(po1.element(6)?.components.map(\.text) == ["UP", "X", "Y"])
        #expect(po1.value(6, 3) == "Y")
    }

    @Test("UNA declares the EDIFACT service characters and the release character protects them")
    func unaAndRelease() throws {
        let text = "UNA|*,# !UNB*UNOC|3*S*R*240315|1031*7!UNH*1*ORDERS|D|96A|UN!FTX*AAI***O#!NEIL #* #| ## END!UNT*3*1!UNZ*1*7!"
        let ic = try #require(try Interchange.parseAll(Array(text.utf8)).first)
        let d = ic.header.delimiters
        #expect(d.component == UInt8(ascii: "|") && d.element == UInt8(ascii: "*") && d.decimalMark == UInt8(ascii: ","))
        #expect(d.release == UInt8(ascii: "#") && d.segment == UInt8(ascii: "!") && d.repetition == nil)
        let ftx = ic.allTransactionSets[0].segments[1]
        #expect(ftx.elementCount == 4)
        #expect(ftx.value(4) == "O!NEIL * | # END")
        #expect(ic.trailer?.value(2) == "7")
    }

    @Test("an escaped release character just before a terminator does not hide the terminator")
    func escapedReleaseBeforeTerminator() throws {
        let msg = "UNH+1+ORDERS:D:96A:UN'FTX+AAI+++50??'UNT+3+1'"
        let ic = try #require(try Interchange.parseAll(edifactInterchange([msg])).first)
        let set = ic.allTransactionSets[0]
        #expect(set.segmentCount == 3)
        #expect(set.segments[1].value(4) == "50?")
    }

    @Test("without UNA the level A defaults apply; syntax 4 adds * as repetition separator")
    func edifactDefaults() throws {
        let v3 = try #require(try Interchange.parseAll(edifactInterchange([ordersMessage], una: false)).first)
        #expect(v3.header.delimiters == .edifactLevelA)
        #expect(v3.header.serviceStringAdvice == nil)
        let v4text = "UNB+UNOC:4+S+R+20240315:1031+1'UNH+1+ORDERS:D:96A:UN'RFF+ON:A*ON:B'UNT+3+1'UNZ+1+1'"
        let v4 = try #require(try Interchange.parseAll(Array(v4text.utf8)).first)
        #expect(v4.header.delimiters.repetition == UInt8(ascii: "*"))
        #expect(v4.allTransactionSets[0].segments[1].element(1)?.repetitions.count == 2)
    }

    @Test("level B syntax without UNA uses the IS4/IS3/IS1 control characters")
    func levelB() throws {
        let text = "UNB\u{1D}UNOB\u{1F}3\u{1D}S\u{1D}R\u{1D}240315\u{1F}1031\u{1D}1\u{1C}UNH\u{1D}1\u{1D}ORDERS\u{1F}D\u{1F}96A\u{1F}UN\u{1C}UNT\u{1D}2\u{1D}1\u{1C}UNZ\u{1D}1\u{1D}1\u{1C}"
        let ic = try #require(try Interchange.parseAll(Array(text.utf8)).first)
        #expect(ic.header.delimiters == .edifactLevelB)
        #expect(ic.allTransactionSets.count == 1)
        #expect(ic.allTransactionSets[0].header.value(2, 1) == "ORDERS")
    }

    @Test("several interchanges, CR/LF after terminators and a leading BOM round-trip byte for byte")
    func severalInterchangesRoundTrip() throws {
        var text = "\u{FEFF}\r\n"
        text += x12Interchange([po850]).text.replacingOccurrences(of: "~", with: "~\r\n")
        text += edifactInterchange([ordersMessage]).text.replacingOccurrences(of: "'", with: "'\n")
        text += x12Interchange([po850, po850.replacingOccurrences(of: "0001", with: "0002")]).text
        let bytes = Array(text.utf8)
        let all = try Interchange.parseAll(bytes)
        #expect(all.map(\.standard) == [.x12, .edifact, .x12])
        #expect(all.flatMap(\.bytes) == bytes)
        #expect(all[2].allTransactionSets.count == 2)
        #expect(all[0].allTransactionSets[0].segments[1].value(3) == "PO1001")
    }

    @Test("generated fixtures of every document type round-trip byte for byte, whatever the chunk size")
    func fixturesRoundTrip() throws {
        for name in ["x12/gen-850.x12", "x12/gen-867.x12", "x12/gen-845.x12", "x12/gen-844.x12",
                     "edifact/gen-ORDERS.edi", "edifact/gen-SLSRPT.edi", "edifact/gen-PRICAT.edi"] {
            let bytes = try fixture(name)
            let all = try Interchange.parseAll(bytes)
            #expect(all.flatMap(\.bytes) == bytes, "\(name)")
            // Small chunks force segments to straddle refills.
            let reader = InterchangeReader(source: InMemoryByteSource(bytes), chunkSize: 256)
            var out: [UInt8] = []
            var sets = 0
            while let e = try reader.next() {
                switch e {
                case let .interchangeHeader(h): out += h.store.bytes
                case let .groupHeader(s), let .groupTrailer(s), let .interchangeTrailer(s), let .straySegment(s): out += s.rawBytes
                case let .transactionSet(t):
                    out += t.store.bytes
                    sets += 1
                }
            }
            #expect(out == bytes, "\(name) with 256-byte chunks")
            #expect(sets == all[0].allTransactionSets.count)
        }
    }

    @Test("an empty file is reported as empty")
    func empty() {
        #expect(throws: EDIReadError.empty) { try Interchange.parseAll([]) }
        #expect(throws: EDIReadError.empty) { try Interchange.parseAll(Array(" \r\n".utf8)) }
    }

    @Test("a binary file is reported as binary, text that is not EDI as not EDI")
    func notEDI() {
        #expect(throws: EDIReadError.notEDI(offset: 0, looksBinary: true)) { try Interchange.parseAll([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 1]) }
        #expect(throws: EDIReadError.notEDI(offset: 2, looksBinary: false)) { try Interchange.parseAll(Array("\n\nhello world".utf8)) }
    }

    @Test("a file cut inside the ISA header is reported as truncated")
    func truncatedHeader() {
        #expect(throws: EDIReadError.truncatedHeader(offset: 0)) { try Interchange.parseAll(Array("ISA*00*          *00*    ".utf8)) }
        #expect(throws: EDIReadError.truncatedHeader(offset: 0)) { try Interchange.parseAll(Array("UNA:+".utf8)) }
    }

    @Test("alphanumeric or duplicate delimiters are refused")
    func badDelimiters() {
        let text = "ISA*00*          *00*          *ZZ*SENDERID       *ZZ*RECEIVERID     *240315*1031*U*00401*000000001*0*P*A~"
        #expect(throws: EDIReadError.invalidDelimiters(offset: 0)) { try Interchange.parseAll(Array(text.utf8)) }
    }

    @Test("a file cut inside a segment keeps its bytes and marks the segment unterminated")
    func truncatedSegment() throws {
        let full = x12Interchange([po850])
        let cut = Array(full[0..<(full.count - 8)])
        let all = try Interchange.parseAll(cut)
        #expect(all.flatMap(\.bytes) == cut)
        let last = try #require(all[0].segments.last)
        #expect(!last.isTerminated)
    }

    @Test("a segment with thousands of elements keeps every element boundary")
    func manyElements() throws {
        let wide = "REF" + String(repeating: "*X", count: 5000) + "~"
        let bytes = x12Interchange(["ST*850*0001~" + wide + "SE*3*0001~"])
        let ic = try #require(try Interchange.parseAll(bytes).first)
        let ref = ic.allTransactionSets[0].segments[1]
        #expect(ref.elementCount == 5000)
        #expect(ref.value(4999) == "X" && ref.element(5001) == nil)
        #expect(ic.bytes == bytes)
    }

    @Test("a segment with no terminator for over a megabyte is refused, not buffered")
    func runawaySegment() {
        var bytes = Array((isa() + "GS*").utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "A"), count: 3 << 20)
        #expect(throws: EDIReadError.self) { try Interchange.parseAll(bytes) }
    }
}

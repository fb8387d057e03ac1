import Foundation
import Testing
@testable import EDI

/// One guide's golden cases: where to break a valid document, and what the acknowledgement must say.
struct GuideCase: CustomTestStringConvertible, Sendable {
    let name: String
    let fixture: String
    /// Segment and element (and component) holding a date, a code from a short list, and a length-limited value.
    let date: (tag: String, element: Int, component: Int?)
    let code: (tag: String, element: Int, component: Int?)
    let long: (tag: String, element: Int, component: Int?)
    /// A mandatory segment to remove.
    let mandatory: String

    var testDescription: String { name }
}

let guideCases: [GuideCase] = [
    GuideCase(name: "850", fixture: "x12/gen-850.x12", date: ("BEG", 5, nil), code: ("PID", 1, nil), long: ("BEG", 3, nil), mandatory: "BEG"),
    GuideCase(name: "867", fixture: "x12/gen-867.x12", date: ("BPT", 3, nil), code: ("PID", 1, nil), long: ("BPT", 2, nil), mandatory: "BPT"),
    GuideCase(name: "845", fixture: "x12/gen-845.x12", date: ("BPA", 2, nil), code: ("PID", 1, nil), long: ("BPA", 4, nil), mandatory: "BPA"),
    GuideCase(name: "844", fixture: "x12/gen-844.x12", date: ("BAA", 3, nil), code: ("PID", 1, nil), long: ("BAA", 5, nil), mandatory: "BAA"),
    GuideCase(name: "849", fixture: "x12/claim-response-849.x12", date: ("BRC", 2, nil), code: ("AAA", 1, nil), long: ("BRC", 4, nil), mandatory: "BRC"),
    GuideCase(name: "ORDERS", fixture: "edifact/gen-ORDERS.edi", date: ("DTM", 1, 2), code: ("UNS", 1, nil), long: ("BGM", 2, nil), mandatory: "BGM"),
    GuideCase(name: "SLSRPT", fixture: "edifact/gen-SLSRPT.edi", date: ("DTM", 1, 2), code: ("IMD", 1, nil), long: ("BGM", 2, nil), mandatory: "BGM"),
    GuideCase(name: "PRICAT", fixture: "edifact/gen-PRICAT.edi", date: ("DTM", 1, 2), code: ("IMD", 1, nil), long: ("BGM", 2, nil), mandatory: "BGM"),
]

/// Edits the one transaction set of a fixture segment by segment, then fixes SE01/UNT so only the intended error remains.
func edit(_ bytes: [UInt8], _ change: (inout [[[String]]]) -> Void) throws -> [UInt8] {
    let ic = try #require(try Interchange.parseAll(bytes).first)
    let d = ic.header.delimiters
    let set = try #require(ic.allTransactionSets.first)
    // Each segment as elements of components: [[tag], [c1, c2], …].
    var segs: [[[String]]] = set.segments.map { s in [[s.tagText]] + s.elements.map { $0.components.map(\.text) } }
    change(&segs)
    let trailerCount = segs.count
    segs[segs.count - 1][1] = [String(trailerCount)]
    let release = d.release
    func esc(_ v: String) -> [UInt8] {
        var o: [UInt8] = []
        for b in v.utf8 {
            if let release, b == release || b == d.element || b == d.segment || b == d.component { o.append(release) }
            o.append(b)
        }
        return o
    }
    var body: [UInt8] = []
    for s in segs {
        body += Array(s[0][0].utf8)
        for e in s.dropFirst() {
            body.append(d.element)
            for (i, c) in e.enumerated() {
                if i > 0 { body.append(d.component) }
                body += esc(c)
            }
        }
        body.append(d.segment)
    }
    // Fixtures hold one set with nothing skipped before its ST/UNH tag.
    let setStart = set.offset
    return Array(bytes[0..<setStart]) + body + Array(bytes[(setStart + set.store.bytes.count)...])
}

func setValue(_ segs: inout [[[String]]], _ at: (tag: String, element: Int, component: Int?), _ value: String) {
    guard let i = segs.firstIndex(where: { $0[0][0] == at.tag }) else { return }
    while segs[i].count <= at.element { segs[i].append([""]) }
    if let c = at.component {
        while segs[i][at.element].count < c { segs[i][at.element].append("") }
        segs[i][at.element][c - 1] = value
    } else {
        segs[i][at.element] = [value]
    }
}

@Suite("Guide golden acknowledgements")
struct GuideGoldenTests {
    func ack(_ bytes: [UInt8]) throws -> (ack: [UInt8], report: InterchangeReport) {
        let r = try #require(try EDIValidation.validate(source: InMemoryByteSource(bytes), checker: repositoryGuides).first)
        let ack = r.standard == .x12
            ? try #require(try Acknowledgment.functional(.ack997, for: r, settings: ackSettings))
            : try #require(try Acknowledgment.contrl(for: r, settings: ackSettings))
        return (ack, r)
    }

    func ext(_ c: GuideCase) -> String { c.fixture.hasPrefix("x12") ? "997" : "contrl" }

    @Test("a valid document is accepted", arguments: guideCases)
    func valid(_ c: GuideCase) throws {
        let (a, r) = try ack(try fixture(c.fixture))
        #expect(r.isValid)
        try expectGolden(a, "guides/\(c.name)-valid.\(ext(c))")
    }

    @Test("a wrong segment count is rejected", arguments: guideCases)
    func wrongCount(_ c: GuideCase) throws {
        var text = try fixture(c.fixture).text
        let x12 = c.fixture.hasPrefix("x12")
        let trailer = x12 ? "~SE*" : "'UNT+"
        let range = try #require(text.range(of: trailer, options: .backwards))
        let numberStart = range.upperBound
        let numberEnd = try #require(text[numberStart...].firstIndex(where: { !$0.isNumber }))
        let n = Int(text[numberStart..<numberEnd])! + 1
        text.replaceSubrange(numberStart..<numberEnd, with: String(n))
        let (a, r) = try ack(Array(text.utf8))
        #expect(!r.isValid)
        #expect(a.text.contains(x12 ? "AK5*R*4" : "+4+29+UNT'"))
        try expectGolden(a, "guides/\(c.name)-wrong-count.\(ext(c))")
    }

    @Test("an unknown segment is rejected", arguments: guideCases)
    func unknownSegment(_ c: GuideCase) throws {
        let bytes = try edit(try fixture(c.fixture)) { segs in segs.insert([["ZZZ"], ["1"]], at: 2) }
        let (a, r) = try ack(bytes)
        #expect(!r.isValid)
        #expect(a.text.contains(c.fixture.hasPrefix("x12") ? "AK3*ZZZ*3**1" : "UCS+3+15'"))
        try expectGolden(a, "guides/\(c.name)-unknown-segment.\(ext(c))")
    }

    @Test("a bad date is rejected", arguments: guideCases)
    func badDate(_ c: GuideCase) throws {
        let bytes = try edit(try fixture(c.fixture)) { segs in setValue(&segs, c.date, "20241340") }
        let (a, r) = try ack(bytes)
        #expect(!r.isValid)
        #expect(a.text.contains(c.fixture.hasPrefix("x12") ? "*8*20241340" : "UCD+12+1:2'"))
        try expectGolden(a, "guides/\(c.name)-bad-date.\(ext(c))")
    }

    @Test("a code outside the list is rejected", arguments: guideCases)
    func badCode(_ c: GuideCase) throws {
        let bytes = try edit(try fixture(c.fixture)) { segs in setValue(&segs, c.code, "Q") }
        let (a, r) = try ack(bytes)
        #expect(!r.isValid)
        #expect(a.text.contains(c.fixture.hasPrefix("x12") ? "*7*Q" : "UCD+12+1'"))
        try expectGolden(a, "guides/\(c.name)-bad-code.\(ext(c))")
    }

    @Test("a value that is too long is rejected", arguments: guideCases)
    func tooLong(_ c: GuideCase) throws {
        let bytes = try edit(try fixture(c.fixture)) { segs in setValue(&segs, c.long, String(repeating: "X", count: 71)) }
        let (a, r) = try ack(bytes)
        #expect(!r.isValid)
        #expect(a.text.contains(c.fixture.hasPrefix("x12") ? "*5*XXXX" : "UCD+39+"))
        try expectGolden(a, "guides/\(c.name)-too-long.\(ext(c))")
    }

    @Test("a missing mandatory segment is rejected", arguments: guideCases)
    func missingMandatory(_ c: GuideCase) throws {
        let bytes = try edit(try fixture(c.fixture)) { segs in segs.removeAll { $0[0][0] == c.mandatory } }
        let (a, r) = try ack(bytes)
        #expect(!r.isValid)
        #expect(a.text.contains(c.fixture.hasPrefix("x12") ? "AK3*\(c.mandatory)*" : "+13'"))
        try expectGolden(a, "guides/\(c.name)-missing-mandatory.\(ext(c))")
    }
}

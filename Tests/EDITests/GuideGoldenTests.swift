import Foundation
import Testing
@testable import EDI

/// One guide's golden cases: where to break a valid document, and what the acknowledgement must say.
struct GuideCase: CustomTestStringConvertible, Sendable {
    let name: String
    let fixture: String
    /// Segment and element (and component) holding a date, a code from a short list, and a length-limited value.
    /// No date for 997 and 999: none of their segments has one.
    let date: (tag: String, element: Int, component: Int?)?
    let code: (tag: String, element: Int, component: Int?)
    let long: (tag: String, element: Int, component: Int?)
    /// A mandatory segment to remove.
    let mandatory: String

    var testDescription: String { name }

    var isX12: Bool { fixture.hasPrefix("x12") }

    /// 997, 999 and APERAK are answers themselves: the hub sends no 997 for an FA group and no CONTRL for an APERAK
    /// (that would start an acknowledgement loop), so for them the golden is the `edi validate` report.
    var isAcknowledged: Bool { !["997", "999", "APERAK"].contains(name) }
}

let guideCases: [GuideCase] = [
    GuideCase(name: "850", fixture: "x12/gen-850.x12", date: ("BEG", 5, nil), code: ("PID", 1, nil), long: ("BEG", 3, nil), mandatory: "BEG"),
    GuideCase(name: "855", fixture: "x12/order-ack-855.x12", date: ("BAK", 4, nil), code: ("PID", 1, nil), long: ("BAK", 3, nil), mandatory: "BAK"),
    GuideCase(name: "810", fixture: "x12/invoice-810.x12", date: ("BIG", 1, nil), code: ("PID", 1, nil), long: ("BIG", 2, nil), mandatory: "BIG"),
    GuideCase(name: "856", fixture: "x12/ship-notice-856.x12", date: ("BSN", 3, nil), code: ("PID", 1, nil), long: ("BSN", 2, nil), mandatory: "BSN"),
    GuideCase(name: "852", fixture: "x12/product-activity-852.x12", date: ("XQ", 2, nil), code: ("AMT", 3, nil), long: ("N1", 2, nil), mandatory: "XQ"),
    GuideCase(name: "867", fixture: "x12/gen-867.x12", date: ("BPT", 3, nil), code: ("PID", 1, nil), long: ("BPT", 2, nil), mandatory: "BPT"),
    GuideCase(name: "845", fixture: "x12/gen-845.x12", date: ("BPA", 2, nil), code: ("PID", 1, nil), long: ("BPA", 4, nil), mandatory: "BPA"),
    GuideCase(name: "844", fixture: "x12/gen-844.x12", date: ("BAA", 3, nil), code: ("PID", 1, nil), long: ("BAA", 5, nil), mandatory: "BAA"),
    GuideCase(name: "849", fixture: "x12/claim-response-849.x12", date: ("BRC", 2, nil), code: ("AAA", 1, nil), long: ("BRC", 4, nil), mandatory: "BRC"),
    GuideCase(name: "997", fixture: "x12/functional-ack-997.x12", date: nil, code: ("AK5", 1, nil), long: ("AK2", 2, nil), mandatory: "AK1"),
    GuideCase(name: "999", fixture: "x12/implementation-ack-999.x12", date: nil, code: ("IK5", 1, nil), long: ("AK2", 2, nil), mandatory: "AK1"),
    GuideCase(name: "ORDERS", fixture: "edifact/gen-ORDERS.edi", date: ("DTM", 1, 2), code: ("UNS", 1, nil), long: ("BGM", 2, nil), mandatory: "BGM"),
    GuideCase(name: "INVOIC", fixture: "edifact/invoice-INVOIC.edi", date: ("DTM", 1, 2), code: ("IMD", 1, nil), long: ("BGM", 2, nil), mandatory: "BGM"),
    GuideCase(name: "DESADV", fixture: "edifact/despatch-advice-DESADV.edi", date: ("DTM", 1, 2), code: ("IMD", 1, nil), long: ("BGM", 2, nil), mandatory: "BGM"),
    GuideCase(name: "SLSRPT", fixture: "edifact/gen-SLSRPT.edi", date: ("DTM", 1, 2), code: ("IMD", 1, nil), long: ("BGM", 2, nil), mandatory: "BGM"),
    GuideCase(name: "PRICAT", fixture: "edifact/gen-PRICAT.edi", date: ("DTM", 1, 2), code: ("IMD", 1, nil), long: ("BGM", 2, nil), mandatory: "BGM"),
    GuideCase(name: "INVRPT", fixture: "edifact/inventory-report-INVRPT.edi", date: ("DTM", 1, 2), code: ("IMD", 1, nil), long: ("BGM", 2, nil), mandatory: "BGM"),
    // APERAK has no IMD or UNS: its one short code list is the date format qualifier (2379).
    GuideCase(name: "APERAK", fixture: "edifact/application-error-APERAK.edi", date: ("DTM", 1, 2), code: ("DTM", 1, 3), long: ("BGM", 2, nil), mandatory: "BGM"),
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

/// What the hub says about one document: its acknowledgement, or for the kinds it never acknowledges its `edi validate` report.
struct GuideAnswer {
    let text: String
    let report: InterchangeReport
    let isAcknowledgment: Bool

    /// Whether the answer shows `ack` (acknowledgement notation) or, for a report, `report`.
    func shows(ack: String, report: String) -> Bool { text.contains(isAcknowledgment ? ack : report) }
}

@Suite("Guide golden acknowledgements")
struct GuideGoldenTests {
    func answer(_ c: GuideCase, _ bytes: [UInt8]) throws -> GuideAnswer {
        let r = try #require(try EDIValidation.validate(source: InMemoryByteSource(bytes), checker: repositoryGuides).first)
        let ack = r.standard == .x12
            ? try Acknowledgment.functional(.ack997, for: r, settings: ackSettings)
            : try Acknowledgment.contrl(for: r, settings: ackSettings)
        guard c.isAcknowledged else {
            #expect(ack == nil)
            let text = try EDITool.validate(source: InMemoryByteSource(bytes), checker: repositoryGuides).text
            return GuideAnswer(text: text, report: r, isAcknowledgment: false)
        }
        return GuideAnswer(text: try #require(ack).text, report: r, isAcknowledgment: true)
    }

    func golden(_ c: GuideCase, _ variant: String) -> String {
        let ext = c.isAcknowledged ? (c.isX12 ? "997" : "contrl") : "txt"
        return "guides/\(c.name)-\(variant).\(ext)"
    }

    /// A UCD element position: `1` or `1:2`.
    func ucdPosition(_ at: (tag: String, element: Int, component: Int?)) -> String {
        String(at.element) + (at.component.map { ":\($0)" } ?? "")
    }

    @Test("a valid document is accepted", arguments: guideCases)
    func valid(_ c: GuideCase) throws {
        let a = try answer(c, try fixture(c.fixture))
        #expect(a.report.isValid)
        try expectGolden(Array(a.text.utf8), golden(c, "valid"))
    }

    @Test("a wrong segment count is rejected", arguments: guideCases)
    func wrongCount(_ c: GuideCase) throws {
        var text = try fixture(c.fixture).text
        let trailer = c.isX12 ? "~SE*" : "'UNT+"
        let range = try #require(text.range(of: trailer, options: .backwards))
        let numberStart = range.upperBound
        let numberEnd = try #require(text[numberStart...].firstIndex(where: { !$0.isNumber }))
        let n = Int(text[numberStart..<numberEnd])! + 1
        text.replaceSubrange(numberStart..<numberEnd, with: String(n))
        let a = try answer(c, Array(text.utf8))
        #expect(!a.report.isValid)
        #expect(c.isX12 ? a.shows(ack: "AK5*R*4", report: "AK5 4 (") : a.shows(ack: "+4+29+UNT'", report: "0085 29 (control count mismatch) in UNT"))
        try expectGolden(Array(a.text.utf8), golden(c, "wrong-count"))
    }

    @Test("an unknown segment is rejected", arguments: guideCases)
    func unknownSegment(_ c: GuideCase) throws {
        let bytes = try edit(try fixture(c.fixture)) { segs in segs.insert([["ZZZ"], ["1"]], at: 2) }
        let a = try answer(c, bytes)
        #expect(!a.report.isValid)
        #expect(c.isX12
            ? a.shows(ack: "AK3*ZZZ*3**1", report: "AK3 1 (unrecognized segment)")
            : a.shows(ack: "UCS+3+15'", report: "0085 15 (not supported in position)"))
        try expectGolden(Array(a.text.utf8), golden(c, "unknown-segment"))
    }

    // Only guides with a date element: 997 and 999 have none.
    @Test("a bad date is rejected", arguments: guideCases.filter { $0.date != nil })
    func badDate(_ c: GuideCase) throws {
        let date = try #require(c.date)
        let bytes = try edit(try fixture(c.fixture)) { segs in setValue(&segs, date, "20241340") }
        let a = try answer(c, bytes)
        #expect(!a.report.isValid)
        #expect(c.isX12
            ? a.shows(ack: "*8*20241340", report: "AK4 8 (invalid date) value '20241340'")
            : a.shows(ack: "UCD+12+\(ucdPosition(date))'", report: "0085 12 (invalid value) value '20241340'"))
        try expectGolden(Array(a.text.utf8), golden(c, "bad-date"))
    }

    @Test("a code outside the list is rejected", arguments: guideCases)
    func badCode(_ c: GuideCase) throws {
        let bytes = try edit(try fixture(c.fixture)) { segs in setValue(&segs, c.code, "Q") }
        let a = try answer(c, bytes)
        #expect(!a.report.isValid)
        #expect(c.isX12
            ? a.shows(ack: "*7*Q", report: "AK4 7 (invalid code) value 'Q'")
            : a.shows(ack: "UCD+12+\(ucdPosition(c.code))'", report: "0085 12 (invalid value) value 'Q'"))
        try expectGolden(Array(a.text.utf8), golden(c, "bad-code"))
    }

    @Test("a value that is too long is rejected", arguments: guideCases)
    func tooLong(_ c: GuideCase) throws {
        let bytes = try edit(try fixture(c.fixture)) { segs in setValue(&segs, c.long, String(repeating: "X", count: 71)) }
        let a = try answer(c, bytes)
        #expect(!a.report.isValid)
        #expect(c.isX12 ? a.shows(ack: "*5*XXXX", report: "AK4 5 (too long) value 'XXXX") : a.shows(ack: "UCD+39+", report: "0085 39 (element too long)"))
        try expectGolden(Array(a.text.utf8), golden(c, "too-long"))
    }

    @Test("a missing mandatory segment is rejected", arguments: guideCases)
    func missingMandatory(_ c: GuideCase) throws {
        let bytes = try edit(try fixture(c.fixture)) { segs in segs.removeAll { $0[0][0] == c.mandatory } }
        let a = try answer(c, bytes)
        #expect(!a.report.isValid)
        #expect(c.isX12
            ? a.shows(ack: "AK3*\(c.mandatory)*", report: "segment \(c.mandatory) at position")
            : a.shows(ack: "+13'", report: "0085 13 (missing)"))
        try expectGolden(Array(a.text.utf8), golden(c, "missing-mandatory"))
    }
}

import Foundation
import Testing
@testable import EDI

@Suite("Command-line operations and JSON")
struct ToolTests {
    func json(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        try EDITool.json(source: InMemoryByteSource(bytes), sink: { out += $0 })
        return out
    }

    @Test("JSON of a small interchange matches its golden file")
    func jsonGolden() throws {
        let bytes = x12Interchange(["ST*850*0001~BEG*00*SA*PO1001**20240220~PO1*1*1*EA*1**UP>X>Y~SE*4*0001~"])
        try expectGolden(try json(bytes), "json/small-850.json")
    }

    @Test("JSON turns back into the same bytes for every fixture, line breaks and escapes included")
    func jsonRoundTrip() throws {
        var inputs: [[UInt8]] = []
        for name in ["x12/gen-850.x12", "x12/gen-867.x12", "x12/gen-845.x12", "x12/gen-844.x12", "x12/claim-response-849.x12",
                     "edifact/gen-ORDERS.edi", "edifact/gen-SLSRPT.edi", "edifact/gen-PRICAT.edi"] {
            inputs.append(try fixture(name))
        }
        inputs.append(Array(("\u{FEFF}\r\n" + x12Interchange([po850]).text.replacingOccurrences(of: "~", with: "~\r\n")).utf8))
        inputs.append(Array("UNA:+.? 'UNB+UNOC:4+S+R+20240315:1031+1'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++O?'NEIL ?+ ?: ??'RFF+ON:1*ON:2'UNT+4+1'UNZ+1+1'".utf8))
        let truncated = x12Interchange([po850])
        inputs.append(Array(truncated[0..<(truncated.count - 9)]))
        for input in inputs {
            let back = try EDIJSONReader.edi(fromJSON: try json(input))
            #expect(back == input, "\(Array(input.prefix(60)).text)")
        }
    }

    @Test("JSON that is not ours is refused with a path")
    func jsonRefused() {
        #expect(throws: EDIJSONError.notJSON) { try EDIJSONReader.edi(fromJSON: Array("{".utf8)) }
        #expect(throws: EDIJSONError.unexpectedShape("$")) { try EDIJSONReader.edi(fromJSON: Array("[1]".utf8)) }
        #expect(throws: EDIJSONError.unexpectedShape("$.interchanges[0]")) { try EDIJSONReader.edi(fromJSON: Array("{\"interchanges\":[3]}".utf8)) }
    }

    @Test("inspect summarises envelopes")
    func inspect() throws {
        let bytes = x12Interchange([po850, po850.replacingOccurrences(of: "0001", with: "0002")]) + edifactInterchange([ordersMessage])
        let text = try EDITool.inspect(source: InMemoryByteSource(bytes))
        try expectGolden(Array(text.utf8), "tool/inspect.txt")
        #expect(text.contains("group PO 1 version 004010: 2 set(s) (850 ×2)"))
    }

    @Test("validate lists each problem with its position and code and says INVALID")
    func validate() throws {
        let bad = try edit(try fixture("x12/gen-850.x12")) { segs in setValue(&segs, ("BEG", 5, nil), "20241340") }
        let result = try EDITool.validate(source: InMemoryByteSource(bad), checker: repositoryGuides)
        #expect(!result.valid)
        try expectGolden(Array(result.text.utf8), "tool/validate-bad-date.txt")
        #expect(result.text.contains("BEG05 [373]: AK4 8 (invalid date) value '20241340'"))
        let good = try EDITool.validate(source: InMemoryByteSource(try fixture("x12/gen-850.x12")), checker: repositoryGuides)
        #expect(good.valid)
    }

    @Test("ack picks 997 for X12 and CONTRL for EDIFACT, and refuses a mismatched kind")
    func ack() throws {
        let x = try EDITool.acknowledge(source: InMemoryByteSource(x12Interchange([po850])), choice: .automatic, settings: ackSettings)
        #expect(x.text.contains("ST*997*0001~"))
        let e = try EDITool.acknowledge(source: InMemoryByteSource(edifactInterchange([ordersMessage])), choice: .automatic, settings: ackSettings)
        #expect(e.text.contains("CONTRL:D:3:UN"))
        #expect(throws: EDIToolError.self) {
            try EDITool.acknowledge(source: InMemoryByteSource(edifactInterchange([ordersMessage])), choice: .ack997, settings: ackSettings)
        }
    }

    @Test("the progress bar shows the fraction read and the speed")
    func progressLine() {
        #expect(ProgressBar.line(bytes: 50_000_000, total: 100_000_000, seconds: 2) == "[###############...............] 50%  25.0 MB/s")
        #expect(ProgressBar.line(bytes: 3_000_000, total: nil, seconds: 1) == "3 MB read, 3.0 MB/s")
    }

    @Test("empty, binary and truncated files give clear messages")
    func messages() {
        #expect(EDIReadError.empty.description == "the file is empty: no EDI interchange found")
        #expect(EDIReadError.notEDI(offset: 0, looksBinary: true).description.contains("looks binary"))
        #expect(EDIReadError.truncatedHeader(offset: 0).description.contains("truncated"))
    }
}

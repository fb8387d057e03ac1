import Foundation
import Testing
@testable import EDI

@Suite("Envelope validation")
struct EnvelopeValidationTests {
    func report(_ bytes: [UInt8]) throws -> InterchangeReport {
        try #require(try EDIValidation.validate(bytes).first)
    }

    @Test("a correct X12 interchange has no envelope error")
    func validX12() throws {
        let r = try report(x12Interchange([po850]))
        #expect(r.isValid)
        #expect(r.issues.isEmpty)
        #expect(r.groups.count == 1 && r.groups[0].received == 1 && r.groups[0].accepted == 1)
        #expect(r.controlNumber == "000000001" && r.version == "00401" && r.senderID == "SENDERID       ")
    }

    @Test("generated fixtures pass envelope validation")
    func generatedFixtures() throws {
        for name in ["x12/gen-850.x12", "x12/gen-867.x12", "x12/gen-845.x12", "x12/gen-844.x12",
                     "edifact/gen-ORDERS.edi", "edifact/gen-SLSRPT.edi", "edifact/gen-PRICAT.edi"] {
            let r = try report(try fixture(name))
            #expect(r.isValid, "\(name): \(r.issues)")
        }
    }

    @Test("SE01 that does not count the segments gives AK5 code 4")
    func segmentCount() throws {
        let r = try report(x12Interchange([po850.replacingOccurrences(of: "SE*6*", with: "SE*7*")]))
        #expect(r.groups[0].sets[0].errors == [.segmentCountMismatch])
        #expect(r.groups[0].accepted == 0)
    }

    @Test("ST02 different from SE02 gives AK5 code 3")
    func setControlNumber() throws {
        let r = try report(x12Interchange([po850.replacingOccurrences(of: "SE*6*0001", with: "SE*6*0002")]))
        #expect(r.groups[0].sets[0].errors == [.controlNumberMismatch])
    }

    @Test("a missing SE gives AK5 code 2 and the next set is still read")
    func missingSE() throws {
        let broken = po850.replacingOccurrences(of: "SE*6*0001~", with: "")
        let r = try report(x12Interchange([broken, po850.replacingOccurrences(of: "0001", with: "0002")]))
        #expect(r.groups[0].sets.map(\.errors) == [[.trailerMissing], []])
        #expect(r.groups[0].received == 2 && r.groups[0].accepted == 1)
    }

    @Test("duplicate ST02 in a group gives AK5 code 23")
    func duplicateSetNumber() throws {
        let r = try report(x12Interchange([po850, po850]))
        #expect(r.groups[0].sets[1].errors == [.controlNumberNotUnique])
    }

    @Test("GE01 and GE02 mismatches give AK9 codes 5 and 4")
    func groupTrailer() throws {
        let r = try report(x12Interchange([po850], setCount: 2, ge02: "9"))
        #expect(r.groups[0].errors == [.setCountMismatch, .controlNumberMismatch])
    }

    @Test("IEA01 and IEA02 mismatches give TA1 notes 021 and 001")
    func interchangeTrailer() throws {
        let r = try report(x12Interchange([po850], groupCount: 3, iea02: "000000002"))
        #expect(r.issues.map(\.x12Code) == [.invalidGroupCount, .controlNumberMismatch])
        #expect(r.issues.map(\.elementPosition) == [1, 2])
    }

    @Test("a truncated interchange reports the missing trailers: TA1 023, AK9 3, AK5 2")
    func truncated() throws {
        let full = x12Interchange([po850])
        let r = try report(Array(full[0..<(full.count - 30)]))
        #expect(r.issues.map(\.x12Code).contains(.prematureEndOfFile))
        #expect(r.groups[0].errors == [.trailerMissing])
        #expect(r.groups[0].sets[0].errors == [.trailerMissing])
    }

    @Test("an ISA element of the wrong width gets the TA1 note of that element")
    func isaWidth() throws {
        var text = x12Interchange([po850]).text
        text = text.replacingOccurrences(of: "*SENDERID       *", with: "*SENDERID*")
        let r = try report(Array(text.utf8))
        #expect(r.issues.first?.x12Code == .invalidSenderID)
        #expect(r.issues.first?.elementPosition == 6)
        #expect(r.issues.contains { $0.x12Code == .invalidControlStructure })
    }

    @Test("an invalid ISA date and usage indicator get TA1 notes 014 and 020")
    func isaValues() throws {
        var text = x12Interchange([po850]).text
        text = text.replacingOccurrences(of: "*240315*1031*U*00401*000000001*0*P*", with: "*241315*1031*U*00401*000000001*0*X*")
        let r = try report(Array(text.utf8))
        #expect(r.issues.map(\.x12Code) == [.invalidDate, .invalidTestIndicator])
    }

    @Test("a data segment between sets is reported with TA1 note 024")
    func straySegment() throws {
        let r = try report(x12Interchange([po850 + "REF*ZZ*X~"]))
        #expect(r.issues.map(\.x12Code) == [.invalidContent])
        #expect(r.issues[0].tag == "REF")
    }

    @Test("a correct EDIFACT interchange has no envelope error")
    func validEdifact() throws {
        let r = try report(edifactInterchange([ordersMessage]))
        #expect(r.isValid, "\(r.issues)")
        #expect(r.version == "UNOC:3" && r.senderID == "SENDER" && r.senderQualifier == "14")
        #expect(r.ungroupedSets.count == 1 && r.ungroupedSets[0].identifier == "ORDERS")
    }

    @Test("UNT count and reference errors give 0085 codes 29 and 28")
    func untErrors() throws {
        let r = try report(edifactInterchange([ordersMessage.replacingOccurrences(of: "UNT+8+1", with: "UNT+9+2")]))
        #expect(r.ungroupedSets[0].edifactErrors.map(\.code) == [.referencesDoNotMatch, .controlCountMismatch])
    }

    @Test("UNZ count and reference errors give 0085 codes 29 and 28")
    func unzErrors() throws {
        let r = try report(edifactInterchange([ordersMessage], unzCount: 2, unzRef: "5"))
        #expect(r.issues.map(\.edifactCode) == [.controlCountMismatch, .referencesDoNotMatch])
    }

    @Test("UNG/UNE groups are checked: count and reference")
    func ungUne() throws {
        let text = "UNA:+.? 'UNB+UNOC:3+S+R+240315:1031+1'UNG+ORDERS+S+R+240315:1031+G1+UN+D:96A'" + ordersMessage + "UNE+2+G2'UNZ+1+1'"
        let r = try report(Array(text.utf8))
        #expect(r.issues.isEmpty)
        #expect(r.groups.count == 1)
        #expect(r.groups[0].edifactErrors.map(\.code) == [.controlCountMismatch, .referencesDoNotMatch])
    }

    @Test("an unknown syntax identifier and a bad UNB date are invalid values")
    func unbErrors() throws {
        let text = "UNB+XXXX:3+S+R+241340:1031+1'" + ordersMessage + "UNZ+1+1'"
        let r = try report(Array(text.utf8))
        #expect(r.issues.map(\.edifactCode) == [.invalidValue, .invalidValue])
        #expect(r.issues.map(\.elementPosition) == [1, 4])
    }

    @Test("a missing UNT is reported as missing and the next message is still read")
    func missingUNT() throws {
        let second = ordersMessage.replacingOccurrences(of: "+1+", with: "+2+").replacingOccurrences(of: "UNT+8+1", with: "UNT+8+2")
        let r = try report(edifactInterchange([ordersMessage.replacingOccurrences(of: "UNT+8+1'", with: ""), second]))
        #expect(r.ungroupedSets.map { $0.edifactErrors.map(\.code) } == [[.missing], []])
    }

    @Test("several interchanges in one input give one report each")
    func severalReports() throws {
        let bytes = x12Interchange([po850]) + edifactInterchange([ordersMessage])
        let reports = try EDIValidation.validate(bytes)
        #expect(reports.map(\.standard) == [.x12, .edifact])
        #expect(reports.allSatisfy { $0.isValid })
    }
}

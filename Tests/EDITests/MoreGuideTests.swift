import Foundation
import Testing
@testable import EDI

/// Minimal valid documents for the guides that have no generated fixture.
let minimalDocuments: [(name: String, bytes: [UInt8])] = [
    ("855", x12Interchange(["ST*855*0001~BAK*00*AC*PO1001*20240220~PO1*1*10*EA*12.5**UP*010770026643~ACK*IA*10*EA~SE*5*0001~"], functionalID: "PR")),
    ("810", x12Interchange(["ST*810*0001~BIG*20240220*INV1001**PO1001~IT1*1*10*EA*12.5**UP*010770026643~TDS*12500~SE*5*0001~"], functionalID: "IN")),
    ("856", x12Interchange(["ST*856*0001~BSN*00*SHP1001*20240220*1200~HL*1**S~HL*2*1*I~LIN**UP*010770026643~SE*6*0001~"], functionalID: "SH")),
    ("852", x12Interchange(["ST*852*0001~XQ*H*20240101*20240107~LIN**UP*010770026643~ZA*QS*10*EA~SE*5*0001~"], functionalID: "PD")),
    ("997", x12Interchange(["ST*997*0001~AK1*PO*1~AK2*850*0001~AK5*A~AK9*A*1*1*1~SE*6*0001~"], functionalID: "FA")),
    ("999", x12Interchange(["ST*999*0001*005010X231A1~AK1*PO*1*005010~AK2*850*0001~IK5*A~AK9*A*1*1*1~SE*6*0001~"],
                           functionalID: "FA", gsVersion: "005010X231A1", isaVersion: "00501")),
    ("INVOIC", edifactInterchange(["UNH+1+INVOIC:D:96A:UN'BGM+380+INV1001+9'DTM+137:20240220:102'NAD+BY+5412345000013::9'LIN+1++4000862141404:EN'QTY+47:10'MOA+203:125'UNS+S'MOA+77:125'UNT+10+1'"])),
    ("DESADV", edifactInterchange(["UNH+1+DESADV:D:96A:UN'BGM+351+DES1001+9'DTM+137:20240220:102'NAD+SU+5412345000013::9'CPS+1'LIN+1++4000862141404:EN'QTY+12:10'UNT+8+1'"])),
    ("INVRPT", edifactInterchange(["UNH+1+INVRPT:D:96A:UN'BGM+35+INV1001+9'DTM+137:20240220:102'LIN+1++4000862141404:EN'QTY+145:10'UNT+6+1'"])),
    ("APERAK", edifactInterchange(["UNH+1+APERAK:D:96A:UN'BGM+313+AP1001+27'DTM+137:20240220:102'ERC+12'UNT+5+1'"])),
]

@Suite("Guides without generated fixtures")
struct MoreGuideTests {
    @Test("a minimal valid document passes its guide", arguments: minimalDocuments.map(\.name))
    func minimalValid(_ name: String) throws {
        let bytes = try #require(minimalDocuments.first { $0.name == name }).bytes
        let r = try #require(try EDIValidation.validate(bytes, checker: repositoryGuides).first)
        let sets = r.groups.flatMap(\.sets) + r.ungroupedSets
        #expect(sets.count == 1)
        #expect(sets.allSatisfy { $0.guideChecked }, "\(name) was not checked against a guide")
        #expect(r.isValid, "\(name): \(sets.map(\.segmentIssues)) \(r.issues)")
    }

    @Test("a segment out of place is reported with its position", arguments: minimalDocuments.map(\.name))
    func outOfPlace(_ name: String) throws {
        let bytes = try #require(minimalDocuments.first { $0.name == name }).bytes
        // Put a second copy of the beginning segment at the end of the body (where the guide does not allow it).
        let broken = try edit(bytes) { segs in segs.insert(segs[1], at: segs.count - 1) }
        let r = try #require(try EDIValidation.validate(broken, checker: repositoryGuides).first)
        let set = try #require((r.groups.flatMap(\.sets) + r.ungroupedSets).first)
        #expect(!set.isAccepted)
        let issue = try #require(set.segmentIssues.first)
        #expect(issue.position == set.segmentCount - 1)
        #expect([SegmentErrorCode.segmentOutOfSequence, .segmentOverMaximumUse].contains(issue.x12Code))
    }
}

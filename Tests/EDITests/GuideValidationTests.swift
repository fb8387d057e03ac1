import Foundation
import Testing
@testable import EDI

@Suite("Implementation guides")
struct GuideValidationTests {
    @Test("every required guide loads")
    func guidesLoad() {
        let expected = ["x12 004010 850", "x12 004010 855", "x12 004010 810", "x12 004010 856", "x12 004010 844", "x12 004010 845",
                        "x12 004010 849", "x12 004010 852", "x12 004010 867", "x12 004010 997", "x12 005010 999",
                        "edifact D96A ORDERS", "edifact D96A INVOIC", "edifact D96A DESADV", "edifact D96A PRICAT",
                        "edifact D96A SLSRPT", "edifact D96A INVRPT", "edifact D96A APERAK"]
        for key in expected { #expect(repositoryGuides.guides[key] != nil, "\(key)") }
    }

    @Test("generated documents of every type pass their guide")
    func generatedPass() throws {
        for name in ["x12/gen-850.x12", "x12/gen-867.x12", "x12/gen-845.x12", "x12/gen-844.x12",
                     "edifact/gen-ORDERS.edi", "edifact/gen-SLSRPT.edi", "edifact/gen-PRICAT.edi"] {
            let r = try #require(try EDIValidation.validate(try fixture(name), checker: repositoryGuides).first)
            let sets = r.groups.flatMap(\.sets) + r.ungroupedSets
            #expect(sets.allSatisfy { $0.guideChecked }, "\(name)")
            for s in sets { #expect(s.segmentIssues.isEmpty, "\(name): \(s.segmentIssues)") }
        }
    }

    @Test("BIG08 to BIG10 carry the standard's element numbers: 353, 306, 76")
    func invoiceHeaderElementNumbers() throws {
        let invoiceNumber = String(repeating: "9", count: 23)
        let set = "ST*810*0001~BIG*20240305*INV1001*20240220*PO1001***DI*00*X*\(invoiceNumber)~IT1*1*10*EA*12.5**UP*010770026643~TDS*12500~SE*5*0001~"
        let r = try #require(try EDIValidation.validate(x12Interchange([set], functionalID: "IN"), checker: repositoryGuides).first)
        let issue = try #require(r.groups.first?.sets.first?.segmentIssues.first)
        #expect(issue.tag == "BIG")
        #expect(issue.elements.map(\.position) == [10])
        #expect(issue.elements.first?.reference == "76")
        #expect(issue.elements.first?.x12Code == .tooLong)
    }
}

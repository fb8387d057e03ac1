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
}

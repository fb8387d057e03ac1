import EDIMapping
import Testing

/// Runs every golden pair and the round-trip property of every mapping in edi-mappings/.
struct CatalogueTests {
    static let mappings = MappingTestRunner(catalogue: catalogue).mappingFiles()

    @Test("the catalogue contains the ADF lead mapping")
    func catalogueIsFound() {
        #expect(Self.mappings.contains("xml/adf-lead.yaml"))
    }

    @Test("every mapping passes its golden pairs and round trip", arguments: mappings)
    func goldenPairs(mapping: String) {
        let results = MappingTestRunner(catalogue: catalogue).run(mapping: mapping)
        #expect(!results.isEmpty)
        for result in results {
            #expect(result.passed, "\(result.input): \(result.failures.joined(separator: "\n"))")
        }
    }
}

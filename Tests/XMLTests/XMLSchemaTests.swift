import Testing
import XML

struct XMLSchemaTests {
    func schema() throws -> XMLSchema {
        try XMLSchema(SafeXMLParser().parse(fixture("valid/invoice.xsd")))
    }

    @Test("a valid document has no violations")
    func valid() throws {
        let document = try SafeXMLParser().parse(fixture("valid/invoice.xml"))
        #expect(try schema().violations(in: document).isEmpty)
        try schema().validate(document)
    }

    @Test("violations are reported with the line of the offending element")
    func invalid() throws {
        let document = try SafeXMLParser().parse(fixture("valid/invoice-invalid.xml"))
        let violations = try schema().violations(in: document)
        #expect(violations.map(\.line) == [3, 4])
        #expect(violations.first?.message.contains("xs:date") == true)
        #expect(violations.last?.message.contains("quantity") == true)
        #expect(throws: XMLError.schemaViolations(violations)) { try schema().validate(document) }
    }

    @Test("a broken XSD is refused with diagnostics")
    func brokenSchema() {
        let xsd = """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
              <xs:element name="a" type="xs:nope"/>
            </xs:schema>
            """
        do {
            _ = try XMLSchema(xsd: xsd)
            Issue.record("compiled a broken schema")
        } catch {
            guard case let .invalidSchema(diagnostics) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(diagnostics.first?.line == 2)
        }
    }

    @Test("an xs:include is never fetched from the file system")
    func includeNotFetched() throws {
        let xsd = """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
              <xs:include schemaLocation="file:///etc/hostname"/>
              <xs:element name="a" type="xs:string"/>
            </xs:schema>
            """
        // libxml2 reports the failed load as a warning or error; either way nothing is read.
        if let schema = try? XMLSchema(xsd: xsd) {
            #expect(schema.violations(in: try SafeXMLParser().parse("<a>x</a>")).isEmpty)
        }
    }
}

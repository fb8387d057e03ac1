import EDIMapping
import Foundation
import Testing
import XML

struct XMLMappingTests {
    func lead() throws -> DocumentMapper {
        DocumentMapper(try catalogue.mapping("xml/adf-lead.yaml"))
    }

    @Test("a lead is written as ADF 1.0 with its processing instruction and predicates as attributes")
    func writeADF() throws {
        let document = try json(#"""
            {"status": "new", "customer": {"firstName": "Ann", "lastName": "Lee", "phones": [{"number": "555", "type": "mobile"}]},
             "vehicles": [{"interest": "test_drive", "make": "Contoso"}]}
            """#)
        let text = String(decoding: try lead().write([document]), as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?adf version=\"1.0\"?>\n<adf>"))
        #expect(text.contains("<vehicle interest=\"test-drive\">"))
        #expect(text.contains("<name part=\"first\">Ann</name>"))
        #expect(text.contains("<phone type=\"cellphone\">555</phone>"))
    }

    @Test("stray ampersands, surrounding e-mail text and a late XML declaration are tolerated")
    func lenientInput() throws {
        let input = "Hello,\n<?ADF VERSION=\"1.0\"?>\n<?xml version=\"1.0\"?>\n<adf><prospect><customer><contact>"
            + "<name part=\"full\">Smith & Jones</name></contact></customer></prospect></adf>\nThanks"
        let documents = try lead().read(Array(input.utf8))
        #expect(documents.first.flatMap { JSONPointer("/customer/fullName").value(in: $0) } == .string("Smith & Jones"))
    }

    @Test("hostile XML is refused by the safe parser underneath the mapping")
    func hostileInput() throws {
        let input = "<?xml version=\"1.0\"?><!DOCTYPE adf [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><adf>&x;</adf>"
        do {
            _ = try lead().read(Array(input.utf8))
            Issue.record("read a document with a DOCTYPE")
        } catch {
            guard case let .input(file, message)? = error as? MappingError else { Issue.record("\(error)"); return }
            #expect(file == "xml/adf-lead.yaml")
            #expect(message.contains("DOCTYPE"))
        }
    }

    @Test("a lead without a customer fails with the binding and element line")
    func missingCustomer() throws {
        let input = "<adf>\n<prospect>\n<requestdate>2026-11-20T08:15:00Z</requestdate>\n</prospect>\n</adf>"
        #expect(throws: MappingError.binding(
            file: "xml/adf-lead.yaml", binding: "prospect/customer", position: "<prospect> line 2", message: "required value is missing"
        )) {
            try lead().read(Array(input.utf8))
        }
    }

    @Test("a lead whose values break the schema is refused after reading")
    func schemaAfterRead() throws {
        let input = "<adf><prospect><vehicle><year>2026</year><vin>NOT-A-VIN</vin></vehicle><customer><contact><email>x@example.com</email></contact></customer></prospect></adf>"
        do {
            _ = try lead().read(Array(input.utf8))
            Issue.record("accepted a bad VIN")
        } catch {
            guard case let .schema(_, violations)? = error as? MappingError else { Issue.record("\(error)"); return }
            #expect(violations == ["/vehicles/0/vin: does not match ^[A-HJ-NPR-Z0-9]{17}$"])
        }
    }

    @Test("the wrong root element is refused")
    func wrongRoot() throws {
        #expect(throws: MappingError.input(file: "xml/adf-lead.yaml", message: "root element is <lead>, expected <adf>")) {
            try lead().read(Array("<lead/>".utf8))
        }
    }

    @Test("a lead read on the worker pool gives the same JSON as on the caller's thread")
    func readOnPool() async throws {
        let bytes = try #require(FileManager.default.contents(atPath: catalogue.absolute("xml/tests/adf-lead/standard.xml")))
        let mapper = try lead()
        let onPool = try await mapper.read(Array(bytes), on: XMLWorkerPool(threads: 1))
        #expect(onPool == (try mapper.read(Array(bytes))))
        await #expect(throws: MappingError.self) { try await mapper.read(Array("<lead/>".utf8), on: XMLWorkerPool(threads: 1)) }
    }
}

import Testing
import XML

struct XPathTests {
    let namespaces = ["i": "urn:partnerhub:test:invoice", "p": "urn:partnerhub:test:party"]

    func invoice() throws -> ParsedXMLDocument {
        try SafeXMLParser().parse(fixture("valid/invoice.xml"))
    }

    @Test("namespaced element and attribute queries return string values")
    func namespacedStrings() throws {
        let document = try invoice()
        #expect(try document.strings("/i:invoice/i:line/@sku", namespaces: namespaces) == ["A-1", "B-2"])
        #expect(try document.string("/i:invoice/p:seller/@id", namespaces: namespaces) == "BRAND-7")
        #expect(try document.string("/i:invoice/i:missing", namespaces: namespaces) == nil)
    }

    @Test("numbers, booleans and strings come back as their XPath types")
    func scalarResults() throws {
        let document = try invoice()
        #expect(try document.evaluate("sum(/i:invoice/i:line/i:amount)", namespaces: namespaces) == .number(34.97))
        #expect(try document.evaluate("count(//i:line) = 2", namespaces: namespaces) == .boolean(true))
        #expect(try document.evaluate("concat('n=', /i:invoice/@number)", namespaces: namespaces) == .string("n=INV-1001"))
    }

    @Test("element results carry their line and subtree")
    func elementNodes() throws {
        guard case let .nodes(nodes) = try invoice().evaluate("//i:line[@quantity > 1]", namespaces: namespaces) else {
            Issue.record("expected nodes")
            return
        }
        #expect(nodes.count == 1)
        #expect(nodes.first?.kind == .element)
        #expect(nodes.first?.line == 5)
        #expect(nodes.first?.element?.elements.first?.attribute("currency") == "USD")
        #expect(nodes.first?.value == "29.97")
    }

    @Test("a syntax error is a typed error naming the expression")
    func syntaxError() throws {
        let document = try invoice()
        do {
            _ = try document.evaluate("/i:invoice[", namespaces: namespaces)
            Issue.record("evaluated a broken expression")
        } catch {
            guard case let .invalidXPath(expression, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(expression == "/i:invoice[")
        }
    }

    @Test("an unbound prefix is an error rather than an empty result")
    func unboundPrefix() throws {
        #expect(throws: XMLError.self) { try invoice().evaluate("/x:invoice") }
    }
}

import Testing
import XML

struct ParsingTests {
    @Test("a namespaced document becomes a tree with names, namespaces, attributes and merged CDATA")
    func tree() throws {
        let document = try SafeXMLParser().parse(fixture("valid/invoice.xml")).tree()
        let root = document.root
        #expect(root.name == "invoice")
        #expect(root.namespaceURI == "urn:partnerhub:test:invoice")
        #expect(root.attribute("number") == "INV-1001")
        #expect(root.elements.map(\.name) == ["issued", "seller", "line", "line", "note"])
        #expect(root.elements[1].namespaceURI == "urn:partnerhub:test:party")
        #expect(root.elements.last?.text == "Ships <fast> & free")
        #expect(root.elements[2].line == 5)
    }

    @Test("a document declared ISO-8859-1 is transcoded to UTF-8")
    func latin1() throws {
        let document = try SafeXMLParser().parse(fixture("valid/latin1.xml"))
        #expect(try document.string("/lead/name") == "José Müller")
    }

    @Test("a document declared windows-1252 maps 0x80-0x9F to their Unicode characters")
    func windows1252() throws {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"windows-1252\"?><p>".utf8) + [0x93, 0x80, 0x94] + Array("</p>".utf8)
        #expect(try SafeXMLParser().parse(bytes).string("/p") == "\u{201C}€\u{201D}")
    }

    @Test("an undeclared encoding other than UTF-8 is refused")
    func unknownEncoding() {
        #expect(throws: XMLError.unsupportedEncoding("ebcdic-cp-us")) {
            try SafeXMLParser().parse("<?xml version=\"1.0\" encoding=\"EBCDIC-CP-US\"?><a/>")
        }
    }

    @Test("a mismatched end tag is reported with libxml2's line and column")
    func notWellFormed() {
        do {
            _ = try SafeXMLParser().parse("<a>\n  <b></c>\n</a>")
            Issue.record("parsed a broken document")
        } catch {
            guard case let .notWellFormed(message, at) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(at?.line == 2)
            #expect((at?.column ?? 0) > 0)
            #expect(message.contains("mismatch"))
        }
    }

    @Test("an undefined entity reference is an error, not an empty string")
    func undefinedEntity() {
        #expect(throws: XMLError.self) { try SafeXMLParser().parse("<a>&secret;</a>") }
    }

    @Test("XInclude elements stay plain elements and are never processed")
    func xincludeNotProcessed() throws {
        let text = """
            <doc xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/hostname" parse="text"/></doc>
            """
        let root = try SafeXMLParser().parse(text).tree().root
        #expect(root.elements.first?.name == "include")
        #expect(root.text.isEmpty)
    }

    @Test("processing instructions before the root are kept")
    func processingInstructions() throws {
        let tree = try SafeXMLParser().parse("<?xml version=\"1.0\"?>\n<?adf version=\"1.0\"?>\n<adf/>").tree()
        #expect(tree.processingInstructions == [XMLProcessingInstruction(target: "adf", data: "version=\"1.0\"")])
    }

    @Test("writing a tree and parsing it back gives the same tree")
    func writerRoundTrip() throws {
        let original = try SafeXMLParser().parse(fixture("valid/invoice.xml")).tree()
        let written = XMLWriter().string(original)
        let again = try SafeXMLParser().parse(written).tree()
        #expect(again == original)
    }

    @Test("mixed content is written without indentation, so its text survives a round trip (found by fuzzing)")
    func mixedContentRoundTrip() throws {
        let original = try SafeXMLParser().parse("<a>x<b>y</b>z<c/></a>").tree()
        let again = try SafeXMLParser().parse(XMLWriter().string(original)).tree()
        #expect(again == original)
        #expect(again.root.text == "xyz")
    }

    @Test("the writer escapes markup and attribute whitespace")
    func escaping() throws {
        let element = XMLTreeElement(
            name: "n", attributes: [XMLTreeAttribute(name: "v", value: "a\"<&>\n\tb")], children: [.text("x < y & z\r")])
        let text = XMLWriter(indent: nil).string(XMLTreeDocument(root: element))
        #expect(text.hasSuffix("<n v=\"a&quot;&lt;&amp;&gt;&#10;&#9;b\">x &lt; y &amp; z&#13;</n>\n"))
        #expect(try SafeXMLParser().parse(text).tree().root == element)
    }

    @Test("a large document parses on the worker pool and the caller gets the same result")
    func asyncParse() async throws {
        let lines = (0..<20_000).map { "<line n=\"\($0)\"><sku>S\($0)</sku></line>" }.joined()
        let bytes = Array("<report>\(lines)</report>".utf8)
        let pool = XMLWorkerPool(threads: 2)
        let document = try await SafeXMLParser().parse(bytes, on: pool)
        #expect(try document.evaluate("count(/report/line)") == .number(20_000))
    }

    @Test("errors from the worker pool keep their type")
    func asyncError() async {
        let pool = XMLWorkerPool(threads: 1)
        await #expect(throws: XMLError.doctypeNotAllowed(at: XMLPosition(line: 1, column: 1))) {
            try await SafeXMLParser().parse(Array("<!DOCTYPE a><a/>".utf8), on: pool)
        }
    }

    @Test("many concurrent parses and queries do not interfere")
    func concurrency() async throws {
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 1...32 {
                group.addTask {
                    let body = String(repeating: "<i/>", count: n)
                    let document = try SafeXMLParser().parse("<r>\(body)</r>")
                    let bad = (try? SafeXMLParser().parse("<r><i></r>")) == nil
                    guard case let .number(count) = try document.evaluate("count(/r/i)"), bad else { return -1 }
                    return Int(count) - n
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts.count == 32)
        #expect(counts.allSatisfy { $0 == 0 })
    }
}

import EDIMapping
import Foundation
import Testing

struct TranslationTests {
    @Test("the document kind is recognized from ISA/ST, UNA/UNH and the XML root", arguments: [
        ("x12/tests/867-sell-through/interchange.edi", MappingSyntax.x12, "867"),
        ("x12/tests/845-promotion/spring-program.edi", .x12, "845"),
        ("edifact/tests/slsrpt-sell-through/generated.edi", .edifact, "SLSRPT"),
        ("xml/tests/adf-lead/email-body-variant.xml", .xml, "ADF"),
    ])
    func detect(file: String, syntax: MappingSyntax, document: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: catalogue.absolute(file)))
        #expect(DocumentKind.detect(Array(bytes)) == DocumentKind(syntax: syntax, document: document))
    }

    @Test("a partner's overlay is chosen over the base mapping, and the base otherwise")
    func chooseMapping() throws {
        let kind = DocumentKind(syntax: .x12, document: "845")
        #expect(try catalogue.mapping(for: kind, partner: "acme-distribution").file == "x12/845-promotion.acme-distribution.yaml")
        #expect(try catalogue.mapping(for: kind, partner: "someone-else").file == "x12/845-promotion.yaml")
        #expect(throws: MappingError.self) { try catalogue.mapping(for: DocumentKind(syntax: .x12, document: "999"), partner: nil) }
    }

    @Test("an interchange streams through the EDI module as one JSON line per transaction set")
    func streaming() throws {
        let mapper = DocumentMapper(try catalogue.mapping("x12/867-sell-through.yaml"))
        var lines: [String] = []
        let count = try StreamingTranslator(mapper: mapper).translate(
            file: catalogue.absolute("x12/tests/867-sell-through/interchange.edi"), emit: { lines.append($0) })
        #expect(count == 2)
        let expected = try CanonicalDocuments.parse(Array(#require(FileManager.default.contents(
            atPath: catalogue.absolute("x12/tests/867-sell-through/interchange.json")))))
        #expect(try lines.map { try JSONText.parse($0) } == expected)
        #expect(lines.allSatisfy { !$0.contains("\n") })
    }

    @Test("NDJSON, a JSON array and a single object are all read as canonical documents")
    func canonicalInput() throws {
        #expect(try CanonicalDocuments.parse(Array("{\"a\":1}\n{\"a\":2}\n".utf8)).count == 2)
        #expect(try CanonicalDocuments.parse(Array("[{\"a\":1},{\"a\":2},{\"a\":3}]".utf8)).count == 3)
        #expect(try CanonicalDocuments.parse(Array("{\"a\":1}".utf8)) == [.object(["a": .number("1")])])
        #expect(throws: JSONSyntaxError.self) { try CanonicalDocuments.parse(Array("{\"a\":".utf8)) }
    }

    @Test("NDJSON is written back one transaction set at a time with increasing control numbers")
    func streamingWriter() throws {
        let mapper = DocumentMapper(try catalogue.mapping("x12/867-sell-through.yaml"))
        let documents = try CanonicalDocuments.parse(Array(#require(FileManager.default.contents(
            atPath: catalogue.absolute("x12/tests/867-sell-through/interchange.json")))))
        let path = NSTemporaryDirectory() + "edimapping-\(UUID().uuidString).ndjson"
        try (documents.map { JSONText.string($0, pretty: false) }.joined(separator: "\n") + "\n\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        var chunks: [String] = []
        let count = try StreamingWriter(mapper: mapper).write(ndjson: path) { chunks.append(String(decoding: $0, as: UTF8.self)) }
        #expect(count == 2)
        #expect(chunks.map { $0.split(separator: "\n").first.map(String.init) } == ["ST*867*0001~", "ST*867*0002~"])
        #expect(try mapper.read(Array(chunks.joined().utf8)) == documents)
    }

    @Test("a line of NDJSON that is not JSON is an error naming its line")
    func streamingWriterBadLine() throws {
        let mapper = DocumentMapper(try catalogue.mapping("x12/867-sell-through.yaml"))
        let path = NSTemporaryDirectory() + "edimapping-\(UUID().uuidString).ndjson"
        try "\n{\"broken\":".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try StreamingWriter(mapper: mapper).write(ndjson: path) { _ in }
            Issue.record("wrote from broken JSON")
        } catch {
            guard case let .input(_, message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("line 2"))
        }
    }
}

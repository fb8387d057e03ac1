import EDI
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
        #expect(throws: MappingError.self) { try CanonicalDocuments.parse(Array("{\"a\":".utf8)) }
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
        let count = try StreamingWriter(mapper: mapper).write(path: path) { chunks.append(String(decoding: $0, as: UTF8.self)) }
        #expect(count == 2)
        #expect(chunks.map { $0.split(separator: "\n").first.map(String.init) } == ["ST*867*0001~", "ST*867*0002~"])
        #expect(try mapper.read(Array(chunks.joined().utf8)) == documents)
    }

    @Test("a document of NDJSON that is not JSON, or breaks the mapping, is an error naming it and its line")
    func streamingWriterBadDocument() throws {
        let mapper = DocumentMapper(try catalogue.mapping("x12/867-sell-through.yaml"))
        let broken = try temporaryFile("\n{\"broken\": }")
        #expect(throws: MappingError.input(file: broken, message: "document 1 (line 2): " + Self.parseError("{\"broken\": }"))) {
            try StreamingWriter(mapper: mapper).write(path: broken) { _ in }
        }
        let valid = JSONText.string(try Self.documents("x12/tests/867-sell-through/interchange.json")[0], pretty: false)
        let unmappable = try temporaryFile(valid + "\n\n{\"reportId\": 42}\n")
        do {
            try StreamingWriter(mapper: mapper).write(path: unmappable) { _ in }
            Issue.record("wrote a document that breaks its schema")
        } catch {
            guard case let .document(source, number, line, inner) = error, case .schema = inner else { Issue.record("\(error)"); return }
            #expect(source == unmappable && number == 2 && line == 3)
        }
        let empty = try temporaryFile(" \n")
        #expect(throws: MappingError.input(file: "x12/867-sell-through.yaml", message: "\(empty) holds no canonical documents")) {
            try StreamingWriter(mapper: mapper).write(path: empty) { _ in }
        }
    }

    @Test("X12 sets are written inside one ISA/GS interchange that the EDI module accepts and reads back")
    func x12Interchange() throws {
        let mapper = DocumentMapper(try catalogue.mapping("x12/867-sell-through.yaml"))
        let documents = try Self.documents("x12/tests/867-sell-through/interchange.json")
        let path = try temporaryFile("[" + documents.map { JSONText.string($0, pretty: true) }.joined(separator: ",\n") + "]")
        let parties = InterchangeParties(
            sender: PartyID(qualifier: "ZZ", id: "PREMIERDIST"), receiver: PartyID(qualifier: "01", id: "123456789"),
            controlNumber: 905, isTest: true, prepared: Self.march16)
        var output: [UInt8] = []
        #expect(try StreamingWriter(mapper: mapper, interchange: parties).write(path: path) { output += $0 } == 2)
        #expect(String(decoding: output, as: UTF8.self) == (try Self.fixture("867-enveloped.x12")))
        let report = try #require(try EDIValidation.validate(output).first)
        #expect(report.envelopeAccepted && report.groups.first?.functionalID == "PT" && report.groups.first?.accepted == 2)
        #expect(report.usage == "T" && report.controlNumber == "000000905")
        #expect(try mapper.read(output) == documents)
    }

    @Test("EDIFACT messages are written inside UNA/UNB…UNZ in ISO 8859-1, and a character outside it is refused")
    func edifactInterchange() throws {
        let mapper = DocumentMapper(try catalogue.mapping("edifact/slsrpt-sell-through.yaml"))
        var documents = try Self.documents("edifact/tests/slsrpt-sell-through/two-locations.json")
        let parties = InterchangeParties(
            sender: PartyID(qualifier: "14", id: "5412345000013"), receiver: PartyID(qualifier: "14", id: "4012345000009"),
            controlNumber: 77, prepared: Self.march16)
        let ndjson = documents.map { JSONText.string($0, pretty: false) }.joined(separator: "\n")
        var output: [UInt8] = []
        try StreamingWriter(mapper: mapper, interchange: parties).write(path: try temporaryFile(ndjson)) { output += $0 }
        #expect(String(decoding: output, as: UTF8.self) == (try Self.fixture("slsrpt-enveloped.edi")))
        let report = try #require(try EDIValidation.validate(output).first)
        #expect(report.isValid && report.setsReceived == documents.count && report.version == "UNOC:3")
        #expect(try mapper.read(output) == documents)

        let name = "Müller Großhandel"
        documents[0] = try Self.renamingReporter(of: documents[0], to: name)
        output = []
        try StreamingWriter(mapper: mapper, interchange: parties).write(path: try temporaryFile(JSONText.string(documents[0], pretty: false))) {
            output += $0
        }
        #expect(output.contains(0xFC) && output.contains(0xDF) && !output.contains(0xC3), "ü and ß as single ISO 8859-1 bytes")
        documents[0] = try Self.renamingReporter(of: documents[0], to: "Preis in €")
        let euro = try temporaryFile(JSONText.string(documents[0], pretty: false))
        do {
            try StreamingWriter(mapper: mapper, interchange: parties).write(path: euro) { _ in }
            Issue.record("wrote € into UNOC")
        } catch {
            #expect(error.description.contains("document 1 (line 1)") && error.description.contains("U+20AC"), "\(error)")
        }
    }

    @Test("with the guide check, a document whose set breaks its guide is refused, naming the element")
    func guideCheckedInterchange() throws {
        let mapper = DocumentMapper(try catalogue.mapping("edifact/pricat-promotion.yaml"))
        var documents = try Self.documents("edifact/tests/pricat-promotion/spring.json")
        var members = try #require(documents[0].objectValue)
        var programs = try #require(members["programs"]?.arrayValue)
        var program = try #require(programs[0].objectValue)
        program["programId"] = .string("SPRING-SOUNDBARS")  // PGI 5389 holds three characters
        programs[0] = .object(program)
        members["programs"] = .array(programs)
        documents[0] = .object(members)
        let path = try temporaryFile(JSONText.string(documents[0], pretty: false))
        let parties = InterchangeParties(
            sender: PartyID(qualifier: "14", id: "5412345000013"), receiver: PartyID(qualifier: "14", id: "4012345000009"), controlNumber: 1)
        var written: [UInt8] = []
        do {
            try StreamingWriter(mapper: mapper, interchange: parties, guideCheck: try GuideCheck(catalogue: catalogue)).write(path: path) {
                written += $0
            }
            Issue.record("wrote a PGI group code longer than 5389 allows")
        } catch {
            #expect(error.description.contains("document 1 (line 1)") && error.description.contains("PGI02-1 [5389]"), "\(error)")
        }
        #expect(written.isEmpty)
        try StreamingWriter(mapper: mapper, interchange: parties).write(path: path) { written += $0 }
        #expect(String(decoding: written, as: UTF8.self).contains("PGI+11+SPRING-SOUNDBARS"))
    }

    @Test("interchange fields that do not fit are refused before anything is written")
    func interchangeLimits() throws {
        let mapper = DocumentMapper(try catalogue.mapping("x12/867-sell-through.yaml"))
        let path = try temporaryFile(JSONText.string(try Self.documents("x12/tests/867-sell-through/interchange.json")[0], pretty: false))
        let long = PartyID(qualifier: "ZZ", id: "A-SENDER-ID-OF-16")
        var written = 0
        #expect(throws: MappingError.self) {
            try StreamingWriter(mapper: mapper, interchange: InterchangeParties(sender: long, receiver: long, controlNumber: 1)).write(path: path) {
                written += $0.count
            }
        }
        #expect(written == 0)
        do {
            try StreamingWriter(mapper: mapper, interchange: InterchangeParties(sender: long, receiver: long, controlNumber: 1)).write(path: path) { _ in }
        } catch {
            #expect(error.description.contains("ISA06 `A-SENDER-ID-OF-16` is longer than its 15 characters"), "\(error)")
        }
        let party = PartyID(qualifier: "ZZ", id: "ME")
        #expect(throws: MappingError.self) {
            try StreamingWriter(mapper: mapper, interchange: InterchangeParties(sender: party, receiver: party, controlNumber: 0)).write(path: path) { _ in }
        }
        #expect(PartyID(parsing: "ZZ:ACME DIST") == PartyID(qualifier: "ZZ", id: "ACME DIST"))
        #expect(PartyID(parsing: "ACME") == nil && PartyID(parsing: ":ACME") == nil && PartyID(parsing: "ZZ:") == nil)
    }

    private static let march16 = Date(timeIntervalSince1970: 1_773_651_600)  // 2026-03-16 09:00 UTC

    private static func documents(_ file: String) throws -> [JSONValue] {
        try CanonicalDocuments.parse(Array(#require(FileManager.default.contents(atPath: catalogue.absolute(file)))))
    }

    private static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/interchange/\(name)")
        return String(decoding: try #require(FileManager.default.contents(atPath: url.path)), as: UTF8.self)
    }

    private static func parseError(_ text: String) -> String {
        do {
            _ = try JSONText.parse(Array(text.utf8))
            return ""
        } catch {
            return error.description
        }
    }

    /// The document with another reporter name.
    private static func renamingReporter(of document: JSONValue, to name: String) throws -> JSONValue {
        var members = try #require(document.objectValue)
        var reporter = try #require(members["reporter"]?.objectValue)
        reporter["name"] = .string(name)
        members["reporter"] = .object(reporter)
        return .object(members)
    }

    private func temporaryFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "edimapping-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

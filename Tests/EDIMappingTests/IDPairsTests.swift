import EDIMapping
import Foundation
import Testing

/// Product IDs in LIN travel as qualifier/value pairs in whatever order a partner sends them; the first pair is
/// mandatory, so a line without the first mapped ID must not leave it empty.
struct IDPairsTests {
    static let mapping = """
        mapping: lines
        syntax: x12
        document: "867"
        id_pairs: [LIN/02]
        bindings:
          - id: lines
            each: LIN
            json: /lines
            bindings:
              - { id: line, edi: "01", json: /line }
              - { id: upc, edi: "LIN[02=UP]/03", json: /upc }
              - { id: mpn, edi: "LIN[04=MG|VP]/05", json: /mpn }
        """

    private func mapper(_ text: String = mapping) throws -> DocumentMapper {
        try ScratchCatalogue(files: ["m.yaml": text]).mapper("m.yaml")
    }

    private func set(_ body: String) -> [UInt8] {
        Array(("ST*867*0001~\n" + body + "\nSE*3*0001~\n").utf8)
    }

    private func json(_ text: String) throws -> JSONValue { try JSONText.parse(Array(text.utf8)) }

    @Test("a qualifier is read from whichever pair holds it", arguments: [
        "LIN*1*UP*012345678905*MG*CS-SB200~",
        "LIN*1*MG*CS-SB200*UP*012345678905~",
        "LIN*1*VP*CS-SB200*ZZ*IGNORED*UP*012345678905~",
        "LIN*1***MG*CS-SB200*UP*012345678905~",
    ])
    func readAnywhere(segment: String) throws {
        #expect(try mapper().read(set(segment)) == [json(#"{"lines": [{"line": "1", "upc": "012345678905", "mpn": "CS-SB200"}]}"#)])
    }

    @Test("pairs are written packed from the first position, in binding order")
    func writtenPacked() throws {
        let written = try mapper().write([json(#"""
            {"lines": [{"line": "1", "upc": "012345678905", "mpn": "CS-SB200"}, {"line": "2", "mpn": "CABLE-CAT6"}, {"line": "3"}]}
            """#)])
        let lines = String(decoding: written, as: UTF8.self).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("LIN") } == ["LIN*1*UP*012345678905*MG*CS-SB200~", "LIN*2*MG*CABLE-CAT6~", "LIN*3~"])
        #expect(try mapper().read(written) == [json(#"""
            {"lines": [{"line": "1", "upc": "012345678905", "mpn": "CS-SB200"}, {"line": "2", "mpn": "CABLE-CAT6"}, {"line": "3"}]}
            """#)])
    }

    @Test("a binding that does not name one qualifier and read its partner is refused", arguments: [
        ("LIN[03=UP]/04", "binding lines/upc: LIN holds qualifier/value pairs from LIN02; name one qualifier and read its partner (`LIN[02=UP]/03`)"),
        ("LIN[02=UP]/05", "binding lines/upc: LIN holds qualifier/value pairs from LIN02; name one qualifier and read its partner (`LIN[02=UP]/03`)"),
        ("LIN[06=MG]/07", "binding lines/mpn: qualifier MG already has its place at LIN06"),
    ])
    func misplacedQualifier(path: String, message: String) throws {
        let text = Self.mapping.replacingOccurrences(of: "LIN[02=UP]/03", with: path)
        #expect(throws: MappingError.definition(file: "m.yaml", line: message.contains("mpn") ? 12 : 11, message: message)) {
            try mapper(text)
        }
    }

    @Test("an id_pairs entry must be a segment and an element")
    func malformedDeclaration() throws {
        let text = Self.mapping.replacingOccurrences(of: "id_pairs: [LIN/02]", with: "id_pairs: [LIN]")
        #expect(throws: MappingError.definition(file: "m.yaml", line: 4, message: "an id_pairs entry is a segment and the element its pairs start at (`LIN/02`)")) {
            try mapper(text)
        }
    }
}

/// The compiled plan reads `id_pairs` like the reference engine: pairs in any order, empty pairs before them,
/// unknown qualifiers between them, and more pairs than the plan tries (handed to the reference engine).
struct CompiledIDPairsTests {
    @Test("LIN pairs anywhere read the same through both engines", arguments: [
        "LIN*1*UP*012345678905*MG*CS-SB200~",
        "LIN*1*MG*CS-SB200*UP*012345678905~",
        "LIN*1***ZZ*OTHER*MG*CS-SB200~",
        "LIN*1*MG~",
        "LIN*1*MG**UP~",
        "LIN*1~",
        "LIN~",
        "LIN*1" + String(repeating: "*ZZ*X", count: 19) + "*MG*LAST-IN-THE-PLAN~",
        "LIN*1" + String(repeating: "*ZZ*X", count: 20) + "*MG*PAST-THE-PLAN~",
    ])
    func bothEngines(lin: String) throws {
        let definition = try catalogue.mapping("x12/867-sell-through.yaml")
        let golden = String(decoding: try #require(FileManager.default.contents(
            atPath: catalogue.absolute("x12/tests/867-sell-through/interchange.edi"))), as: UTF8.self)
        let line = try #require(golden.split(separator: "\n").first { $0.hasPrefix("LIN*") })
        let bytes = Array(golden.replacingOccurrences(of: String(line), with: lin).utf8)
        let compiled = try CompiledReadTests.outcome(definition, .compiled, bytes)
        #expect(compiled == (try CompiledReadTests.outcome(definition, .reference, bytes)))
        #expect(compiled.error == nil && !compiled.lines.isEmpty)
        #expect(try CompiledReadTests.deferred(definition, bytes) == (lin.contains("PAST-THE-PLAN") ? 1 : 0))
        if lin.contains("THE-PLAN") { #expect(compiled.lines.joined().contains("\"mpn\":\"\(lin.split(separator: "*").last!.dropLast())\"")) }
    }
}

import EDI
@testable import EDIMapping
import Foundation
import Testing

/// The compiled read plan against the reference engine (the binding walker): the same NDJSON
/// byte for byte, and the same error, for every EDI mapping's golden inputs, generated files,
/// and documents broken one segment or element at a time.
struct CompiledReadTests {
    static let ediMappings = MappingTestRunner(catalogue: catalogue).mappingFiles().filter { !$0.hasPrefix("xml/") }

    /// Generated interchanges (`../shared/tools/gen_edi.py`, default seed) and their mappings.
    static let generated: [(file: String, mapping: String)] = [
        ("867.x12", "x12/867-sell-through.premier-distribution.yaml"),
        ("850.x12", "x12/850-order.yaml"),
        ("844.x12", "x12/844-claim.yaml"),
        ("slsrpt.edi", "edifact/slsrpt-sell-through.yaml"),
        ("orders.edi", "edifact/orders-order.yaml"),
        ("pricat.edi", "edifact/pricat-promotion.yaml"),
    ]

    @Test("every EDI mapping in the catalogue compiles", arguments: ediMappings)
    func compiles(mapping: String) throws {
        #expect(StreamingTranslator(mapper: DocumentMapper(try catalogue.mapping(mapping))).fallbackReason == nil)
    }

    @Test("golden inputs give the same lines through both engines, none left to the reference", arguments: ediMappings)
    func goldenInputs(mapping: String) throws {
        let definition = try catalogue.mapping(mapping)
        for test in definition.tests {
            let bytes = try Self.interchange(Array(#require(FileManager.default.contents(atPath: catalogue.absolute(test.input)))), definition.syntax)
            let compiled = try Self.outcome(definition, .compiled, bytes)
            #expect(compiled == (try Self.outcome(definition, .reference, bytes)), "\(test.input)")
            #expect(compiled.lines.count > 0, "\(test.input)")
            #expect(try Self.deferred(definition, bytes) == 0, "\(test.input)")
        }
    }

    @Test("generated files give the same lines through both engines", arguments: generated.map(\.file))
    func generatedFiles(file: String) throws {
        let mapping = try #require(Self.generated.first { $0.file == file }?.mapping)
        let definition = try catalogue.mapping(mapping)
        let bytes = Array(try #require(FileManager.default.contents(atPath: Self.fixtures + file)))
        let compiled = try Self.outcome(definition, .compiled, bytes)
        #expect(compiled.error == nil)
        #expect(compiled == (try Self.outcome(definition, .reference, bytes)))
        #expect(try Self.deferred(definition, bytes) == 0)
    }

    @Test("a document missing any one segment fails or reads the same through both engines", arguments: ediMappings)
    func droppedSegments(mapping: String) throws {
        let definition = try catalogue.mapping(mapping)
        for test in definition.tests {
            let bytes = try Self.interchange(Array(#require(FileManager.default.contents(atPath: catalogue.absolute(test.input)))), definition.syntax)
            let segments = Self.segments(bytes, definition.syntax)
            for (index, segment) in segments.enumerated() where !Self.isEnvelope(segment) {
                var variant = segments
                variant.remove(at: index)
                try Self.expectSame(definition, Array(variant.joined()), "\(test.input) without segment \(index + 1)")
            }
        }
    }

    @Test("a document with any one element emptied or garbled fails or reads the same through both engines", arguments: ediMappings)
    func brokenElements(mapping: String) throws {
        let definition = try catalogue.mapping(mapping)
        let separator = definition.syntax == .x12 ? UInt8(ascii: "*") : UInt8(ascii: "+")
        for test in definition.tests {
            let bytes = try Self.interchange(Array(#require(FileManager.default.contents(atPath: catalogue.absolute(test.input)))), definition.syntax)
            let segments = Self.segments(bytes, definition.syntax)
            for (index, segment) in segments.enumerated() where !Self.isEnvelope(segment) {
                let elements = segment.split(separator: separator, omittingEmptySubsequences: false)
                for element in 1..<elements.count {
                    for replacement in [[], Array("X!é-0".utf8)] {
                        var changed = elements.map(Array.init)
                        changed[element] = replacement + (element == elements.count - 1 ? Self.terminator(of: Array(elements[element])) : [])
                        var variant = segments
                        variant[index] = Array(changed.joined(separator: [separator]))
                        try Self.expectSame(definition, Array(variant.joined()), "\(test.input) segment \(index + 1) element \(element)")
                    }
                }
            }
        }
    }

    @Test("qualifiers written with release characters or non-ASCII text match as their text does")
    func releasedQualifiers() throws {
        // Qualifiers are compared on raw bytes where release characters cannot change the text.
        let definition = try catalogue.mapping("edifact/slsrpt-sell-through.yaml")
        let generated = String(decoding: try #require(FileManager.default.contents(atPath: Self.fixtures + "slsrpt.edi")), as: UTF8.self)
        let cases = [
            ("MOA+203:", "MOA+2?03:"),      // the same qualifier, released
            ("QTY+153:", "QTY+153?:"),      // longer text: no longer the qualifier
            ("PIA+1+", "PIA+?1+"),
            (":SA'", ":S?A'"),              // a later component, released
            (":EN'", ":E?:N'"),             // a later component holding a released separator
            ("DTM+137:", "DTM+1é:"),        // non-ASCII text
            ("LOC+162+", "LOC+16+"),        // a shorter value
        ]
        for (original, replacement) in cases {
            let text = generated.replacingOccurrences(of: original, with: replacement)
            #expect(text != generated, "\(replacement)")
            try Self.expectSame(definition, Array(text.utf8), replacement)
        }
    }

    @Test("errors name the same mapping file, binding and segment through both engines")
    func errors() throws {
        let definition = try catalogue.mapping("x12/867-sell-through.premier-distribution.yaml")
        let golden = String(decoding: try #require(FileManager.default.contents(
            atPath: catalogue.absolute("x12/tests/867-premier-distribution/generated.x12"))), as: UTF8.self)
        let cases = [
            golden.replacingOccurrences(of: "BPT*00*RS00000001", with: "BPT*00*"),          // required report id
            golden.replacingOccurrences(of: "DTM*003*20240225", with: "DTM*003*20240231"),  // not a date
            golden.replacingOccurrences(of: "UP*038082025666", with: "UP*03808202566X"),   // schema pattern
            golden.replacingOccurrences(of: "PTD*SS***IV*INV474356364", with: "PTD*ZZ***IV*INV474356364"), // table code
            golden.replacingOccurrences(of: "ST*867*0001", with: "ST*850*0001"),            // document type
        ]
        for (index, text) in cases.enumerated() {
            let compiled = try Self.outcome(definition, .compiled, Array(text.utf8))
            #expect(compiled.error != nil, "case \(index)")
            #expect(compiled == (try Self.outcome(definition, .reference, Array(text.utf8))), "case \(index)")
        }
    }

    // MARK: - Helpers

    struct Outcome: Equatable {
        var lines: [String] = []
        var error: MappingError?
    }

    static let fixtures: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Fixtures").path + "/"
    }()

    static func outcome(_ definition: MappingDefinition, _ engine: TranslationEngine, _ bytes: [UInt8]) throws -> Outcome {
        var outcome = Outcome()
        do {
            try StreamingTranslator(mapper: DocumentMapper(definition), engine: engine).translate(bytes: bytes) { outcome.lines.append($0) }
        } catch {
            outcome.error = error
        }
        return outcome
    }

    /// How many sets the plan leaves to the reference engine.
    static func deferred(_ definition: MappingDefinition, _ bytes: [UInt8]) throws -> Int {
        var reader = CompiledReader(plan: try ReadPlanCompiler.compile(definition, validatesSchema: true))
        let interchange = InterchangeReader(source: InMemoryByteSource(bytes))
        var count = 0
        while let event = try interchange.next() {
            if case let .transactionSet(set) = event, !reader.read(set) { count += 1 }
        }
        return count
    }

    static func expectSame(_ definition: MappingDefinition, _ bytes: [UInt8], _ comment: String) throws {
        let compiled = try outcome(definition, .compiled, bytes)
        let reference = try outcome(definition, .reference, bytes)
        #expect(compiled == reference, "\(comment)")
    }

    /// A bare transaction set (golden files) wrapped in an envelope for the EDI module.
    static func interchange(_ bytes: [UInt8], _ syntax: MappingSyntax) throws -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if syntax == .x12, text.hasPrefix("ST") {
            return Array(("ISA*00*          *00*          *ZZ*SENDERID       *ZZ*RECEIVERID     *240315*1037*U*00401*000000001*0*P*>~\n"
                + "GS*PT*SENDERID*RECEIVERID*20240315*1037*1*X*004010~\n" + text + "\nGE*1*1~\nIEA*1*000000001~\n").utf8)
        }
        if syntax == .edifact, text.hasPrefix("UNH") {
            return Array(("UNA:+.? '\nUNB+UNOC:3+SENDER+RECEIVER+240315:1037+1'\n" + text + "\nUNZ+1+1'\n").utf8)
        }
        return bytes
    }

    /// The segments with their terminators and line breaks (no release characters in these files).
    static func segments(_ bytes: [UInt8], _ syntax: MappingSyntax) -> [[UInt8]] {
        let terminator = syntax == .x12 ? UInt8(ascii: "~") : UInt8(ascii: "'")
        var segments: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            current.append(bytes[index])
            let released = syntax == .edifact && index > 0 && bytes[index - 1] == UInt8(ascii: "?")
            if bytes[index] == terminator, !released, !(syntax == .edifact && current.starts(with: Array("UNA".utf8)) && current.count < 9) {
                while index + 1 < bytes.count, bytes[index + 1] == 0x0A || bytes[index + 1] == 0x0D {
                    index += 1
                    current.append(bytes[index])
                }
                segments.append(current)
                current = []
            }
            index += 1
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    static func isEnvelope(_ segment: [UInt8]) -> Bool {
        ["ISA", "GS", "GE", "IEA", "UNA", "UNB", "UNZ", "ST", "SE", "UNH", "UNT"].contains { tag in
            segment.starts(with: Array(tag.utf8)) && segment.count > tag.count && !(65...90).contains(segment[tag.count])
                && !(48...57).contains(segment[tag.count])
        }
    }

    /// The terminator and line break at the end of a segment's last element.
    static func terminator(of element: [UInt8]) -> [UInt8] {
        guard let end = element.lastIndex(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "'") }) else { return [] }
        return Array(element[end...])
    }
}

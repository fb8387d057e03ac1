import Testing
@testable import XML

/// Serialized so that one document's memory does not show up in another's measurement.
@Suite(.serialized)
struct HostileXMLTests {
    static let budget = Duration.milliseconds(100)
    static let memoryBudget = 20 * 1024 * 1024

    /// Parses a fixture, asserts it was refused within budget and returns the error.
    func refusal(_ name: String) throws -> XMLError? {
        let bytes = try fixture("hostile/\(name)")
        var outcome: Result<ParsedXMLDocument, XMLError>?
        let parser = SafeXMLParser()
        let cost = Cost.of {
            do throws(XMLError) { outcome = .success(try parser.parse(bytes)) } catch { outcome = .failure(error) }
        }
        #expect(cost.duration < Self.budget, "\(name) took \(cost.duration)")
        #expect(cost.peakGrowth < Self.memoryBudget, "\(name) raised peak RSS by \(cost.peakGrowth) bytes")
        #expect(cost.residentGrowth < Self.memoryBudget, "\(name) kept \(cost.residentGrowth) bytes")
        guard case let .failure(error)? = outcome else {
            Issue.record("\(name) was parsed instead of refused")
            return nil
        }
        return error
    }

    @Test("XXE, external DTDs and entity bombs are refused at their DOCTYPE", arguments: [
        ("xxe-file.xml", 2), ("xxe-network.xml", 2), ("external-dtd.xml", 2),
        ("parameter-entity.xml", 2), ("billion-laughs.xml", 2), ("quadratic-blowup.xml", 2),
    ])
    func doctypeAttacks(name: String, line: Int) throws {
        let error = try refusal(name)
        #expect(error == .doctypeNotAllowed(at: XMLPosition(line: line, column: 1)))
    }

    @Test("deep nesting is refused at the first element beyond the depth limit")
    func deepNesting() throws {
        let error = try refusal("deep-nesting.xml")
        // 64 `<a>` fit; the 65th starts at column 64 * 3 + 1 of line 2.
        #expect(error == .nestingTooDeep(limit: 64, at: XMLPosition(line: 2, column: 193)))
    }

    @Test("a huge attribute value is refused by the start-tag size limit")
    func hugeAttribute() throws {
        let error = try refusal("huge-attribute.xml")
        #expect(error == .startTagTooLarge(limit: 64 * 1024, at: XMLPosition(line: 2, column: 1)))
    }

    @Test("a start tag with 50,000 attributes is refused before libxml2 sees it")
    func manyAttributes() throws {
        let error = try refusal("many-attributes.xml")
        #expect(error == .tooManyAttributes(limit: 256, at: XMLPosition(line: 2, column: 1)))
    }

    @Test("a truncated UTF-8 sequence is refused with its position")
    func invalidUTF8() throws {
        let error = try refusal("invalid-utf8.xml")
        // "<?xml ...?>\n<lead>\n  <name>caf" puts the bad byte at line 3, column 12.
        #expect(error == .invalidUTF8(byteOffset: 57, at: XMLPosition(line: 3, column: 12)))
    }

    @Test("an overlong UTF-8 encoding of '<' is refused")
    func overlongUTF8() throws {
        let error = try refusal("overlong-utf8.xml")
        guard case .invalidUTF8(_, let at)? = error else {
            Issue.record("expected invalidUTF8, got \(String(describing: error))")
            return
        }
        #expect(at.line == 2)
    }

    @Test("a 60,000-character element name is refused by libxml2's name limit")
    func longName() throws {
        let error = try refusal("long-name.xml")
        guard case .notWellFormed(_, let at)? = error else {
            Issue.record("expected notWellFormed, got \(String(describing: error))")
            return
        }
        #expect(at?.line == 2)
    }

    @Test("UTF-16 documents are refused as an unsupported encoding")
    func utf16() throws {
        #expect(try refusal("utf16.xml") == .unsupportedEncoding("UTF-16"))
    }

    @Test("an input larger than the size limit is refused before any scanning")
    func oversizedInput() {
        let big = Array("<a>".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 12 * 1024 * 1024) + Array("</a>".utf8)
        let cost = Cost.of {
            #expect(throws: XMLError.inputTooLarge(bytes: big.count, limit: 8 * 1024 * 1024)) {
                try SafeXMLParser().parse(big)
            }
        }
        #expect(cost.duration < Self.budget)
    }

    @Test("libxml2's own DOCTYPE hook refuses a DTD even without the prescan")
    func doctypeHookWithoutPrescan() throws {
        let bytes = try fixture("hostile/billion-laughs.xml")
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: XMLError.self) {
            try bytes.withUnsafeBufferPointer { buffer throws(XMLError) in
                _ = try LibXML2Parse.parse(buffer)
            }
        }
        do throws(XMLError) {
            _ = try bytes.withUnsafeBufferPointer { buffer throws(XMLError) in try LibXML2Parse.parse(buffer) }
        } catch {
            guard case .doctypeNotAllowed = error else {
                Issue.record("expected doctypeNotAllowed, got \(error)")
                return
            }
        }
        #expect(clock.now - start < Self.budget)
    }

    @Test("the XXE target never appears in an error message")
    func noLeakInMessages() throws {
        for name in ["xxe-file.xml", "xxe-network.xml"] {
            let error = try refusal(name)
            #expect(!(error?.description.contains("root:") ?? true))
        }
    }
}

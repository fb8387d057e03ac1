import EDIMapping
import Foundation
import Testing

/// Canonical JSON arrives as NDJSON, as objects one after another or as one array; it is cut into documents
/// as the bytes come, whatever the chunks, and every malformed layout is refused with its line.
struct DocumentStreamTests {
    private func split(_ text: String, chunk: Int = .max) throws -> [(line: Int, json: JSONValue)] {
        var splitter = CanonicalDocumentSplitter()
        var documents: [(Int, JSONValue)] = []
        let bytes = Array(text.utf8)
        var start = 0
        repeat {
            let end = min(bytes.count, start + max(1, min(chunk, bytes.count)))
            try splitter.feed(bytes[start..<end]) { (document) throws(JSONSyntaxError) in
                documents.append((document.line, try JSONText.parse(document.bytes)))
            }
            start = end
        } while start < bytes.count
        let count = try splitter.finish()
        #expect(count == documents.count)
        return documents
    }

    private func syntaxError(_ text: String) -> CanonicalDocumentSplitter.SyntaxError? {
        do {
            _ = try split(text)
        } catch let error as SplitError<JSONSyntaxError> {
            if case let .syntax(problem) = error { return problem }
        } catch let error as CanonicalDocumentSplitter.SyntaxError {
            return error
        } catch {}
        return nil
    }

    @Test("NDJSON, pretty objects one after another, an array and an empty array", arguments: [
        ("{\"a\":1}\n\n{\"a\":2}\r\n", [1, 3]),
        ("{\n  \"a\": 1\n}\n{\n  \"a\": 2\n}", [1, 4]),
        ("\u{FEFF}[\n {\"a\": 1},\n {\"a\": 2}\n]\n", [2, 3]),
        ("{\"a\":1} {\"a\":2}", [1, 1]),
        ("[]", []),
        ("  \n ", []),
    ])
    func layouts(text: String, lines: [Int]) throws {
        let documents = try split(text)
        #expect(documents.map(\.line) == lines)
        #expect(documents.map(\.json) == lines.indices.map { .object(["a": .number(String($0 + 1))]) })
    }

    @Test("strings with brackets, braces, quotes and escapes do not end a document early")
    func stringsAreOpaque() throws {
        let text = #"[{"a":"}]{[","b":"quote \" and backslash \\","c":[{"d":"\u007D"}]},{"e":"\\\""}]"#
        let documents = try split(text)
        #expect(documents.count == 2)
        #expect(documents[0].json.objectValue?["a"] == .string("}]{["))
        #expect(documents[1].json.objectValue?["e"] == .string("\\\""))
    }

    @Test("any chunking gives the same documents as reading the whole input", arguments: 0..<25)
    func chunkingDoesNotMatter(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed))
        let objects = (0..<Int.random(in: 1...6, using: &random)).map { _ in Self.randomObject(depth: 0, &random) }
        let texts = objects.map { JSONText.string($0, pretty: Bool.random(using: &random)) }
        let text = seed % 2 == 0 ? "[" + texts.joined(separator: " ,\n") + "]" : texts.joined(separator: "\n")
        let whole = try split(text).map(\.json)
        #expect(whole == objects)
        for chunk in [1, 2, 3, 7, 64] {
            #expect(try split(text, chunk: chunk).map(\.json) == objects, "chunks of \(chunk) bytes")
        }
    }

    @Test("a malformed layout is refused with the line of the problem", arguments: [
        ("[{\"a\":1},\n{\"a\":2},\n]", 3, "comma before `]`"),
        ("[{\"a\":1}\n{\"a\":2}]", 2, "expected `,` or `]` after document 1"),
        ("[{\"a\":1}]\n{\"a\":2}", 2, "after the end of the top-level array"),
        ("{\"a\":1}\n\n{\"a\":", 3, "ends inside the document that starts on line 3"),
        ("[{\"a\":1},\n", 2, "no `]`"),
        ("{\"a\":1}\n42\n", 2, "expected a JSON object"),
        ("{\"a\":1},{\"a\":2}", 1, "expected a JSON object (a canonical document), found `,`"),
        ("[[{\"a\":1}]]", 1, "expected a JSON object"),
    ])
    func malformed(text: String, line: Int, message: String) throws {
        let problem = try #require(syntaxError(text))
        #expect(problem.line == line)
        #expect(problem.message.contains(message), "\(problem)")
    }

    private static func randomObject(depth: Int, _ random: inout SeededGenerator) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for index in 0..<Int.random(in: 0...4, using: &random) {
            let key = "k\(index)" + String((0..<Int.random(in: 0...3, using: &random)).map { _ in Self.tricky.randomElement(using: &random)! })
            switch Int.random(in: 0...4, using: &random) {
            case 0 where depth < 3: members[key] = randomObject(depth: depth + 1, &random)
            case 1 where depth < 3: members[key] = .array([randomObject(depth: depth + 1, &random), .string("]")])
            case 2: members[key] = .number(String(Int.random(in: -999...999, using: &random)))
            default: members[key] = .string(String((0..<Int.random(in: 0...8, using: &random)).map { _ in Self.tricky.randomElement(using: &random)! }))
            }
        }
        return .object(members)
    }

    private static let tricky: [Character] = ["{", "}", "[", "]", "\"", "\\", ",", ":", "a", "é", "€", "\n", "\t", " "]
}

/// A small deterministic generator, so a failing case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import EDIMapping
import Testing

struct JSONTests {
    @Test("numbers are canonical so equal amounts compare equal")
    func canonicalNumbers() throws {
        #expect(try json("[1.50, 1e2, -0.0, 0.000]") == .array([.number("1.5"), .number("100"), .number("0"), .number("0")]))
        #expect(try json("12.5") == json("1.25e1"))
    }

    @Test("JSON text round-trips through the writer with sorted keys")
    func roundTrip() throws {
        let value = try json(#"{"b": [true, null, "x\n\u00e9\ud83d\ude00"], "a": {"c": -3.25}}"#)
        #expect(JSONText.string(value, pretty: false) == #"{"a":{"c":-3.25},"b":[true,null,"x\né😀"]}"#)
        #expect(try JSONText.parse(JSONText.string(value)) == value)
    }

    @Test("deeply nested or malformed JSON is a typed error, not a crash")
    func hostileJSON() {
        #expect(throws: JSONSyntaxError.self) { try JSONText.parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: JSONSyntaxError.self) { try JSONText.parse("{\"a\": 1,}") }
        #expect(throws: JSONSyntaxError.self) { try JSONText.parse("1e999999") }
        #expect(throws: JSONSyntaxError.self) { try JSONText.parse("\"\\ud800\"") }
    }

    @Test("JSON pointers escape / and ~ and create objects on set")
    func pointers() {
        var value = JSONValue.object([:])
        JSONPointer("/a~1b/c~0d").set(.string("x"), in: &value)
        #expect(value == .object(["a/b": .object(["c~d": .string("x")])]))
        #expect(JSONPointer("/a~1b/c~0d").value(in: value) == .string("x"))
        #expect(JSONPointer(tokens: ["a/b"]).description == "/a~1b")
    }
}

struct JSONSchemaTests {
    @Test("the supported keywords are checked with pointers in the messages")
    func keywords() throws {
        let schema = try JSONSchema(json(#"""
            {"type": "object", "required": ["id"], "additionalProperties": false,
             "properties": {"id": {"type": "string", "pattern": "^[A-Z]+$"}, "n": {"type": "integer", "minimum": 1},
                            "d": {"type": "string", "format": "date"}, "tags": {"type": "array", "maxItems": 1, "items": {"enum": ["a"]}}}}
            """#))
        #expect(schema.violations(of: try json(#"{"id": "AB", "n": 2, "d": "2026-02-28", "tags": ["a"]}"#)).isEmpty)
        #expect(schema.violations(of: try json(#"{"n": 1.5, "d": "2026-02-30", "tags": ["b", "a"], "x": 1}"#)) == [
            "/: missing required property id",
            "/d: is not a valid date",
            "/n: expected integer, found number",
            "/tags/0: \"b\" is not one of [\"a\"]",
            "/tags: more than 1 items",
            "/x: no value is allowed here",
        ])
    }

    @Test("a schema using an unsupported keyword is refused rather than half-checked")
    func unsupportedKeyword() throws {
        #expect(throws: JSONSchemaError(location: "#", message: "unsupported keyword oneOf")) {
            try JSONSchema(json(#"{"oneOf": [{"type": "string"}]}"#))
        }
    }
}

struct CodecTests {
    static let yaml = """
        mapping: codecs
        syntax: x12
        document: "1"
        bindings:
          - { edi: ZZZ/01, json: /date, codec: date8 }
          - { edi: ZZZ/02, json: /short, codec: date6 }
          - { edi: ZZZ/03, json: /time, codec: time }
          - { edi: ZZZ/04, json: /amount, codec: implied3 }
          - { edi: ZZZ/05, json: /count, codec: integer }
        """

    func mapper() throws -> DocumentMapper {
        try ScratchCatalogue(files: ["c.yaml": Self.yaml]).mapper("c.yaml")
    }

    @Test("dates, times, implied decimals and integers convert both ways")
    func bothWays() throws {
        let input = Array("ST*1*0001~ZZZ*20240229*991231*0830*-1500*007~SE*3*0001~".utf8)
        let documents = try mapper().read(input)
        #expect(documents == [try json(#"{"date": "2024-02-29", "short": "1999-12-31", "time": "08:30", "amount": -1.5, "count": 7}"#)])
        let written = String(decoding: try mapper().write(documents), as: UTF8.self)
        #expect(written.contains("ZZZ*20240229*991231*0830*-1500*7~"))
    }

    @Test("an impossible calendar date is refused with the binding named")
    func badDate() throws {
        #expect(throws: MappingError.binding(file: "c.yaml", binding: "date", position: "transaction set at segment 1 (ZZZ/01)",
                                             message: "2023-02-29 is not a calendar date")) {
            try mapper().read(Array("ST*1*0001~ZZZ*20230229~SE*3*0001~".utf8))
        }
    }

    @Test("a number with more decimals than an implied scale is refused on write")
    func impliedOverflow() throws {
        #expect(throws: MappingError.self) { try mapper().write([json(#"{"amount": 1.2345}"#)]) }
    }

    @Test("a negative or huge decimal scale is a definition error, not a trap later", arguments: ["implied-1", "{ implied: 40 }", "{ decimal: { scale: -2 } }"])
    func badScale(codec: String) throws {
        let yaml = "mapping: c\nsyntax: x12\ndocument: \"1\"\nbindings:\n  - { edi: ZZZ/01, json: /a, codec: \(codec) }\n"
        #expect(throws: MappingError.definition(file: "c.yaml", line: 5, message: "a decimal scale must be between 0 and 18")) {
            try ScratchCatalogue(files: ["c.yaml": yaml]).catalogue.mapping("c.yaml")
        }
    }
}

import EDIMapping
import Testing

struct EngineTests {
    static let tables = [
        "tables/yes-no.yaml": "table: yes-no\ncodes:\n  Y: true\n  N: false\n",
    ]

    static let report = """
        mapping: report
        syntax: x12
        document: "999"
        bindings:
          - { id: number, edi: BGN/02, json: /number, required: true }
          - { id: from, edi: "DTM[01=090]/02", json: /from, codec: date8 }
          - { id: to, edi: "DTM[01=091]/02", json: /to, codec: date8 }
          - { id: promo_end, edi: "DTM[01=036]/02", json: /promoEnd, codec: date8, direction: in }
          - { id: sender_copy, edi: "REF[01=ZZ]/02", json: /number, direction: out }
          - id: items
            each: "LX"
            json: /items
            bindings:
              - { id: line, edi: "01", index: true }
              - { id: flag, edi: "REF[01=FL]/02", json: /flag, codec: { table: yes-no } }
              - { id: qty, edi: "QTY[01=01]/02", json: /quantity, codec: implied2, required: true }
              - { id: unit, edi: "QTY[01=01]/03", json: /unit, default: EA }
              - { id: kind, edi: "QTY[01=01]/04", emit: K1 }
        """

    func mapper() throws -> DocumentMapper {
        try ScratchCatalogue(files: Self.tables.merging(["m.yaml": Self.report]) { $1 }).mapper("m.yaml")
    }

    func edi(_ body: String) -> [UInt8] {
        Array(("ST*999*0001~\n" + body + "\nSE*1*0001~\n").utf8)
    }

    @Test("a qualifier predicate selects the segment on read")
    func predicateFiltersOnRead() throws {
        let documents = try mapper().read(edi("BGN**N-1~DTM*091*20261130~DTM*090*20261101~"))
        #expect(documents == [try json(#"{"number": "N-1", "from": "2026-11-01", "to": "2026-11-30"}"#)])
    }

    @Test("a qualifier predicate is written as a constant, and write-only bindings are written")
    func predicateWrittenAsConstant() throws {
        let written = try mapper().write([json(#"{"number": "N-1", "from": "2026-11-01", "to": "2026-11-30", "promoEnd": "2026-12-31"}"#)])
        #expect(String(decoding: written, as: UTF8.self) == """
            ST*999*0001~
            BGN**N-1~
            DTM*090*20261101~
            DTM*091*20261130~
            REF*ZZ*N-1~
            SE*6*0001~

            """)
    }

    @Test("a read-only binding is read but never written")
    func readOnlyBinding() throws {
        let documents = try mapper().read(edi("BGN**N-2~DTM*036*20261231~"))
        #expect(documents.first.flatMap { JSONPointer("/promoEnd").value(in: $0) } == .string("2026-12-31"))
        let written = String(decoding: try mapper().write(documents), as: UTF8.self)
        #expect(!written.contains("DTM*036"))
    }

    @Test("loop items get their index, defaults, emitted constants and implied decimals on write")
    func loopWrite() throws {
        let document = try json(#"{"number": "N-3", "items": [{"quantity": 12.5, "flag": "true"}, {"quantity": 2, "unit": "CA"}]}"#)
        let written = String(decoding: try mapper().write([document]), as: UTF8.self)
        #expect(written.contains("LX*1~\nREF*FL*Y~\nQTY*01*1250*EA*K1~\nLX*2~\nQTY*01*200*CA*K1~"))
    }

    @Test("loop items read implied decimals, code tables and defaults")
    func loopRead() throws {
        let documents = try mapper().read(edi("BGN**N-4~LX*1~QTY*01*1250~REF*FL*N~LX*2~QTY*01*7*BX~"))
        #expect(documents == [try json(#"""
            {"number": "N-4", "items": [{"quantity": 12.5, "unit": "EA", "flag": "false"}, {"quantity": 0.07, "unit": "BX"}]}
            """#)])
    }

    @Test("a missing required value names the mapping file, the binding and the segment")
    func requiredValueMissing() throws {
        #expect(throws: MappingError.binding(
            file: "m.yaml", binding: "items/qty", position: "segment 3 (LX) (QTY[01=01]/02)", message: "required value is missing"
        )) {
            try mapper().read(edi("BGN**N-5~LX*1~QTY*02*5~"))
        }
    }

    @Test("a code missing from a table is an error at its segment")
    func unknownCode() throws {
        do {
            _ = try mapper().read(edi("BGN**N-6~LX*1~QTY*01*1~REF*FL*MAYBE~"))
            Issue.record("read an unknown code")
        } catch {
            guard case let .binding(file, binding, position, message)? = error as? MappingError else { Issue.record("\(error)"); return }
            #expect(file == "m.yaml")
            #expect(binding == "items/flag")
            #expect(position.hasPrefix("segment 3 (LX)"))
            #expect(message.contains("MAYBE"))
        }
    }

    @Test("a missing required value on write names the JSON pointer")
    func requiredOnWrite() throws {
        #expect(throws: MappingError.binding(file: "m.yaml", binding: "items/qty", position: "/items/0/quantity", message: "required value is missing")) {
            try mapper().write([json(#"{"number": "N-7", "items": [{"unit": "EA"}]}"#)])
        }
    }

    @Test("a value containing an X12 delimiter is refused on write")
    func delimiterInValue() throws {
        #expect(throws: MappingError.self) { try mapper().write([json(#"{"number": "A*B"}"#)]) }
    }

    @Test("a document of another transaction set type is refused")
    func wrongDocumentType() throws {
        #expect(throws: MappingError.self) { try mapper().read(Array("ST*850*0001~BEG*00~SE*3*0001~".utf8)) }
    }

    @Test("an unknown binding key is a definition error with its line")
    func unknownKey() throws {
        let scratch = try ScratchCatalogue(files: ["m.yaml": "mapping: x\nsyntax: x12\ndocument: \"1\"\nbindings:\n  - { edi: A/01, json: /a, requierd: true }\n"])
        #expect(throws: MappingError.definition(file: "m.yaml", line: 5, message: "unknown binding key `requierd`")) {
            try scratch.catalogue.mapping("m.yaml")
        }
    }

    @Test("an overlay removes, replaces and adds bindings by id")
    func overlay() throws {
        let overlay = """
            mapping: report
            extends: m.yaml
            partner: p
            patch:
              - { op: remove, id: promo_end }
              - { op: replace, id: number, set: { edi: BGN/03 } }
              - { op: add, into: items, value: { id: note, edi: "NTE/02", json: /note } }
            """
        let scratch = try ScratchCatalogue(files: Self.tables.merging(["m.yaml": Self.report, "m.p.yaml": overlay]) { $1 })
        let mapper = try scratch.mapper("m.p.yaml")
        #expect(mapper.definition.partner == "p")
        let documents = try mapper.read(edi("BGN**IGNORED*N-8~DTM*036*20261231~LX*1~QTY*01*100~NTE**hello~"))
        #expect(documents == [try json(#"{"number": "N-8", "items": [{"quantity": 1, "unit": "EA", "note": "hello"}]}"#)])
    }

    @Test("a patch naming an unknown binding is a definition error")
    func overlayUnknownID() throws {
        let overlay = "mapping: report\nextends: m.yaml\npatch:\n  - { op: remove, id: nope }\n"
        let scratch = try ScratchCatalogue(files: Self.tables.merging(["m.yaml": Self.report, "o.yaml": overlay]) { $1 })
        #expect(throws: MappingError.definition(file: "o.yaml", line: 4, message: "no binding with id `nope` to patch")) {
            try scratch.catalogue.mapping("o.yaml")
        }
    }

    @Test("canonical JSON that breaks the schema is refused before writing, with pointers")
    func schemaOnWrite() throws {
        let mapper = DocumentMapper(try catalogue.mapping("x12/867-sell-through.yaml"))
        do {
            _ = try mapper.write([json(#"{"purpose": "original", "reportId": "R", "reporter": {"partnerId": "X"}, "transfers": [], "extra": 1}"#)])
            Issue.record("wrote an invalid document")
        } catch {
            guard case let .schema(file, violations)? = error as? MappingError else { Issue.record("\(error)"); return }
            #expect(file == "x12/867-sell-through.yaml")
            #expect(violations.contains("/: no value is allowed here") || violations.contains { $0.hasPrefix("/extra") })
            #expect(violations.contains("/transfers: fewer than 1 items"))
        }
    }

    @Test("a JSON difference is attributed to the binding that produces it")
    func bindingForPointer() throws {
        let definition = try catalogue.mapping("x12/867-sell-through.yaml")
        #expect(definition.bindingID(for: JSONPointer("/transfers/3/lines/0/upc")) == "transfers/lines/upc")
        #expect(definition.bindingID(for: JSONPointer("/transfers/0/endCustomer/address/city")) == "transfers/end_customer/address/city")
    }

    @Test("HL levels are numbered on write: HL01 in order, HL02 the parent, HL04 the child flag")
    func hierarchyNumbering() throws {
        let mapper = DocumentMapper(try catalogue.mapping("x12/856-ship-notice.yaml"))
        let document = try json(#"""
            {"purpose": "original", "shipmentId": "S1", "orders": [
              {"poNumber": "A", "items": [{"quantity": 1}, {"quantity": 2}]},
              {"poNumber": "B", "items": [{"quantity": 3}]}]}
            """#)
        let hl = String(decoding: try mapper.write([document]), as: UTF8.self)
            .split(separator: "\n").filter { $0.hasPrefix("HL*") }
        #expect(hl == ["HL*1**S*1~", "HL*2*1*O*1~", "HL*3*2*I*0~", "HL*4*2*I*0~", "HL*5*1*O*1~", "HL*6*5*I*0~"])
    }

    @Test("an HL02 that does not point at the enclosing level is refused at its segment")
    func hierarchyParentMismatch() throws {
        let mapper = DocumentMapper(try catalogue.mapping("x12/856-ship-notice.yaml"))
        let input = "ST*856*0001~BSN*00*S1~HL*1**S*1~HL*2*1*O*1~PRF*A~HL*3*1*I*0~SN1**1*EA~SE*8*0001~"
        #expect(throws: MappingError.binding(
            file: "x12/856-ship-notice.yaml", binding: "shipment/orders/items", position: "segment 6 (HL)",
            message: "HL02 1 does not point at the enclosing HL 2"
        )) {
            try mapper.read(Array(input.utf8))
        }
    }

    @Test("a group absent on read is not created on write by its defaults and constants (found by fuzzing)")
    func absentGroupStaysAbsent() throws {
        let mapper = DocumentMapper(try catalogue.mapping("edifact/pricat-promotion.yaml"))
        let input = "UNH+1+PRICAT:D:96A:UN'BGM+9+P1+9'CUX+1:USD:8'PGI+11+G1'LIN+1+1+4031641083349:EN'PRI+AAA:1:CT'UNT+7+1'"
        let documents = try mapper.read(Array(input.utf8))
        #expect(documents.first.flatMap { JSONPointer("/currency").value(in: $0) } == nil)
        let written = String(decoding: try mapper.write(documents), as: UTF8.self)
        #expect(!written.contains("CUX"))
        #expect(try mapper.read(Array(written.utf8)) == documents)
    }
}

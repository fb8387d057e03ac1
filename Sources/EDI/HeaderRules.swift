/// The fixed-width ISA rules (X12.5): widths and values of ISA01…ISA16, each with its TA1 note code.
enum X12HeaderRules {
    struct Field {
        let width: Int
        let code: InterchangeNoteCode
        let allowed: [String]?
    }

    static let fields: [Field] = [
        Field(width: 2, code: .invalidAuthorizationQualifier, allowed: ["00", "01", "02", "03", "04", "05", "06"]),
        Field(width: 10, code: .invalidAuthorization, allowed: nil),
        Field(width: 2, code: .invalidSecurityQualifier, allowed: ["00", "01"]),
        Field(width: 10, code: .invalidSecurity, allowed: nil),
        Field(width: 2, code: .invalidSenderQualifier, allowed: nil),
        Field(width: 15, code: .invalidSenderID, allowed: nil),
        Field(width: 2, code: .invalidReceiverQualifier, allowed: nil),
        Field(width: 15, code: .invalidReceiverID, allowed: nil),
        Field(width: 6, code: .invalidDate, allowed: nil),
        Field(width: 4, code: .invalidTime, allowed: nil),
        Field(width: 1, code: .invalidStandardsIdentifier, allowed: nil),
        Field(width: 5, code: .invalidVersion, allowed: nil),
        Field(width: 9, code: .invalidControlNumber, allowed: nil),
        Field(width: 1, code: .invalidAcknowledgmentRequested, allowed: ["0", "1"]),
        Field(width: 1, code: .invalidTestIndicator, allowed: ["P", "T", "I"]),
        Field(width: 1, code: .invalidComponentSeparator, allowed: nil),
    ]

    static func check(_ s: Segment) -> [InterchangeIssue] {
        var issues: [InterchangeIssue] = []
        func add(_ code: InterchangeNoteCode, _ pos: Int?, _ message: String) {
            issues.append(InterchangeIssue(x12Code: code, edifactCode: .invalidValue, tag: "ISA", elementPosition: pos, offset: s.offset, message: message))
        }
        guard s.elementCount == 16 else {
            add(.invalidControlStructure, nil, "ISA has \(s.elementCount) elements, expected 16")
            return issues
        }
        for (i, f) in fields.enumerated() {
            let e = s.element(i + 1)!
            let pos = i + 1
            let name = "ISA" + (pos < 10 ? "0" : "") + String(pos)
            if e.bytes.count != f.width {
                add(f.code, pos, "\(name) is \(e.bytes.count) characters wide, the fixed-width ISA needs \(f.width)")
                continue
            }
            let text = e.text
            if let allowed = f.allowed, !allowed.contains(text) {
                add(f.code, pos, "\(name) value '\(text)' is not allowed")
            }
            switch pos {
            case 5, 7:
                if text.utf8.allSatisfy({ $0 == 0x20 }) { add(f.code, pos, "\(name) qualifier is blank") }
            case 6, 8:
                if text.utf8.allSatisfy({ $0 == 0x20 }) { add(f.code, pos, "\(name) identifier is blank") }
            case 9:
                if !CalendarCheck.isValidDate(Array(e.bytes)) { add(.invalidDate, pos, "ISA09 '\(text)' is not a date YYMMDD") }
            case 10:
                if !CalendarCheck.isValidTime(Array(e.bytes)) { add(.invalidTime, pos, "ISA10 '\(text)' is not a time HHMM") }
            case 12, 13:
                if !text.utf8.allSatisfy(ByteClass.isDigit) { add(f.code, pos, "\(name) '\(text)' must be digits") }
            default:
                break
            }
        }
        if s.isTerminated, s.contentBytes.count != 105 {
            issues.append(InterchangeIssue(x12Code: .invalidControlStructure, edifactCode: .invalidValue, tag: "ISA", elementPosition: nil,
                                           offset: s.offset, message: "ISA is \(s.contentBytes.count + 1) characters, the fixed width is 106"))
        }
        return issues
    }
}

/// UNB rules (ISO 9735): syntax identifier and version, parties, date and time, control reference.
enum EdifactHeaderRules {
    static func check(_ s: Segment) -> [InterchangeIssue] {
        var issues: [InterchangeIssue] = []
        func add(_ code: SyntaxErrorCode, _ pos: Int, _ message: String) {
            issues.append(InterchangeIssue(x12Code: .invalidContent, edifactCode: code, tag: "UNB", elementPosition: pos, offset: s.offset, message: message))
        }
        guard s.tag == .UNB else {
            issues.append(InterchangeIssue(x12Code: .invalidContent, edifactCode: .invalidServiceSegmentTag, tag: s.tagText, elementPosition: nil,
                                           offset: s.offset, message: "expected UNB after the UNA service string advice"))
            return issues
        }
        let syntaxID = s.value(1, 1)
        let syntaxVersion = s.value(1, 2)
        let id = Array(syntaxID.utf8)
        let knownID = (id.count == 4 && id.starts(with: Array("UNO".utf8)) && ByteClass.isUpper(id[3])) || syntaxID == "KECA"
        if syntaxID.isEmpty { add(.missing, 1, "UNB syntax identifier missing") } else if !knownID { add(.invalidValue, 1, "unknown syntax identifier '\(syntaxID)'") }
        if !["1", "2", "3", "4"].contains(syntaxVersion) { add(.syntaxNotSupported, 1, "syntax version '\(syntaxVersion)' is not 1 to 4") }
        if s.value(2, 1).isEmpty { add(.missing, 2, "interchange sender missing") }
        if s.value(3, 1).isEmpty { add(.missing, 3, "interchange recipient missing") }
        let date = Array(s.value(4, 1).utf8)
        let time = Array(s.value(4, 2).utf8)
        let dateOK = syntaxVersion == "4" ? (date.count == 8 || date.count == 6) && CalendarCheck.isValidDate(date) : date.count == 6 && CalendarCheck.isValidDate(date)
        if !dateOK { add(.invalidValue, 4, "UNB date '\(s.value(4, 1))' is not valid") }
        if time.count != 4 || !CalendarCheck.isValidTime(time) { add(.invalidValue, 4, "UNB time '\(s.value(4, 2))' is not valid") }
        if s.value(5).isEmpty { add(.missing, 5, "interchange control reference missing") } else if s.value(5).count > 14 { add(.elementTooLong, 5, "interchange control reference longer than 14") }
        return issues
    }
}

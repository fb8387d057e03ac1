/// Why a guide file could not be read.
public enum GuideError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line does not follow the format; file and 1-based line.
    case syntax(file: String, line: Int, reason: String)
    /// A guide names a segment its dictionary lacks.
    case unknownSegment(file: String, tag: String)
    /// The folder or a file could not be read.
    case unreadable(path: String)

    /// A message for people.
    public var description: String {
        switch self {
        case let .syntax(file, line, reason): return "\(file):\(line): \(reason)"
        case let .unknownSegment(file, tag): return "\(file): segment \(tag) is not in the folder's segments.guide"
        case let .unreadable(path): return "cannot read \(path)"
        }
    }
}

/// Reads the text formats of `edi-mappings/guides/`: a `segments.guide` dictionary per folder and one guide per set.
///
/// Dictionary: `segment TAG`, then one indented line per element, `USAGE REF TYPE MIN MAX [CODE…] [rep=N] [datefmt=N]`
/// (REF `-` when unnamed; `datefmt=N`: the date format is the Nth component of the same composite);
/// a `composite` element's components follow, indented deeper. Guide: `guide STANDARD VERSION SET [GROUP]`, `name …`,
/// `business-id TAG POSITION`, then `TAG USAGE MAX` lines and `loop ID USAGE MAX` … `end` blocks; MAX may be `>1`.
public enum GuideParser {
    struct Line {
        let number: Int
        let indent: Int
        let tokens: [Substring]
    }

    static func lines(_ text: String) -> [Line] {
        var out: [Line] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let noComment = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let indent = noComment.prefix { $0 == " " }.count
            let tokens = noComment.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if !tokens.isEmpty { out.append(Line(number: i + 1, indent: indent, tokens: tokens)) }
        }
        return out
    }

    /// Parses a segment dictionary.
    public static func dictionary(_ text: String, file: String) throws(GuideError) -> [SegmentTag: SegmentRule] {
        var result: [SegmentTag: SegmentRule] = [:]
        var current: SegmentRule?
        var compositeIndent: Int?
        func finish() {
            if let c = current { result[SegmentTag(c.tag)] = c }
            current = nil
        }
        for line in lines(text) {
            if line.tokens[0] == "segment" {
                finish()
                guard line.tokens.count >= 2 else { throw .syntax(file: file, line: line.number, reason: "segment needs a tag") }
                current = SegmentRule(tag: String(line.tokens[1]), elements: [])
                compositeIndent = nil
                continue
            }
            guard current != nil else { throw .syntax(file: file, line: line.number, reason: "element outside a segment") }
            let rule = try element(line, file: file)
            if let ci = compositeIndent, line.indent > ci, !current!.elements.isEmpty {
                current!.elements[current!.elements.count - 1].components.append(rule)
            } else {
                current!.elements.append(rule)
                compositeIndent = rule.type == .composite ? line.indent : nil
            }
        }
        finish()
        return result
    }

    static func usage(_ t: Substring, _ file: String, _ line: Int) throws(GuideError) -> GuideUsage {
        switch t {
        case "M", "R": return .mandatory
        case "O", "C", "S": return .optional
        case "X", "N": return .notUsed
        default: throw .syntax(file: file, line: line, reason: "usage must be M, O, C or X, not \(t)")
        }
    }

    static func count(_ t: Substring, _ file: String, _ line: Int) throws(GuideError) -> Int {
        if t == ">1" { return Int.max }
        guard let n = Int(t), n >= 0 else { throw .syntax(file: file, line: line, reason: "expected a number, found \(t)") }
        return n
    }

    static func element(_ line: Line, file: String) throws(GuideError) -> ElementRule {
        let t = line.tokens
        guard t.count >= 3 else { throw .syntax(file: file, line: line.number, reason: "element needs USAGE REF TYPE MIN MAX") }
        let u = try usage(t[0], file, line.number)
        if t[2] == "composite" {
            return ElementRule(usage: u, reference: t[1] == "-" ? nil : String(t[1]), type: .composite, minLength: 0, maxLength: 0, codes: nil, components: [],
                               maxRepeat: t.count > 3 ? try repeatOption(t[3...], file, line.number) : 1, dateFormatBySibling: nil)
        }
        guard t.count >= 5 else { throw .syntax(file: file, line: line.number, reason: "element needs USAGE REF TYPE MIN MAX") }
        let type: GuideDataType
        switch t[2] {
        case "R": type = .decimal
        case "ID": type = .identifier
        case "AN", "B": type = .string
        case "DT": type = .date
        case "TM": type = .time
        case "a": type = .alphabetic
        case "n": type = .numeric
        case "an": type = .alphanumeric
        case "N": type = .implied(decimals: 0)
        default:
            if t[2].count == 2, t[2].first == "N", let d = Int(t[2].dropFirst()) {
                type = .implied(decimals: d)
            } else {
                throw .syntax(file: file, line: line.number, reason: "unknown data type \(t[2])")
            }
        }
        var codes: Set<String> = []
        var rep = 1
        var datefmt: Int?
        for opt in t[5...] {
            if opt.hasPrefix("rep=") {
                rep = try count(opt.dropFirst(4), file, line.number)
            } else if opt.hasPrefix("datefmt=") {
                datefmt = try count(opt.dropFirst(8), file, line.number)
            } else {
                codes.insert(String(opt))
            }
        }
        return ElementRule(usage: u, reference: t[1] == "-" ? nil : String(t[1]), type: type, minLength: try count(t[3], file, line.number),
                           maxLength: try count(t[4], file, line.number), codes: codes.isEmpty ? nil : codes, components: [],
                           maxRepeat: rep, dateFormatBySibling: datefmt)
    }

    static func repeatOption(_ opts: ArraySlice<Substring>, _ file: String, _ line: Int) throws(GuideError) -> Int {
        for o in opts where o.hasPrefix("rep=") { return try count(o.dropFirst(4), file, line) }
        return 1
    }

    /// Parses one set's guide against its folder's dictionary.
    public static func guide(_ text: String, file: String, dictionary: [SegmentTag: SegmentRule]) throws(GuideError) -> Guide {
        var standard = EDIStandard.x12
        var version = ""
        var identifier = ""
        var functionalID = ""
        var name = ""
        var business: (tag: String, position: Int)?
        var stack: [(id: String, usage: GuideUsage, max: Int, children: [GuideNode])] = [("", .mandatory, 1, [])]
        var used: Set<SegmentTag> = []
        for line in lines(text) {
            let t = line.tokens
            switch t[0] {
            case "guide":
                guard t.count >= 4, let s = EDIStandard(rawValue: String(t[1])) else {
                    throw .syntax(file: file, line: line.number, reason: "guide needs STANDARD VERSION SET [GROUP]")
                }
                standard = s
                version = String(t[2])
                identifier = String(t[3])
                functionalID = t.count > 4 ? String(t[4]) : ""
            case "name":
                name = t.dropFirst().joined(separator: " ")
            case "business-id":
                guard t.count == 3, let p = Int(t[2]) else { throw .syntax(file: file, line: line.number, reason: "business-id needs TAG POSITION") }
                business = (String(t[1]), p)
            case "loop":
                guard t.count == 4 else { throw .syntax(file: file, line: line.number, reason: "loop needs ID USAGE MAX") }
                stack.append((String(t[1]), try usage(t[2], file, line.number), try count(t[3], file, line.number), []))
            case "end":
                guard stack.count > 1 else { throw .syntax(file: file, line: line.number, reason: "end without loop") }
                let l = stack.removeLast()
                guard !l.children.isEmpty else { throw .syntax(file: file, line: line.number, reason: "empty loop \(l.id)") }
                stack[stack.count - 1].children.append(.loop(id: l.id, usage: l.usage, maxUse: l.max, children: l.children))
            default:
                guard t.count == 3 else { throw .syntax(file: file, line: line.number, reason: "segment line needs TAG USAGE MAX") }
                let tag = SegmentTag(String(t[0]))
                guard dictionary[tag] != nil else { throw .unknownSegment(file: file, tag: String(t[0])) }
                used.insert(tag)
                stack[stack.count - 1].children.append(.segment(tag: tag, usage: try usage(t[1], file, line.number), maxUse: try count(t[2], file, line.number)))
            }
        }
        guard stack.count == 1 else { throw .syntax(file: file, line: 0, reason: "loop \(stack.last!.id) has no end") }
        guard !identifier.isEmpty else { throw .syntax(file: file, line: 0, reason: "missing guide line") }
        var segments: [SegmentTag: SegmentRule] = [:]
        for tag in used { segments[tag] = dictionary[tag] }
        return Guide(standard: standard, version: version, identifier: identifier, functionalID: functionalID, name: name,
                     businessIdentifier: business, structure: stack[0].children, segments: segments)
    }
}

/// The logic behind `partnerhub edi …`: each command reads a source and returns text or bytes plus a verdict.
public enum EDITool {
    /// Which acknowledgement `edi ack` writes.
    public enum AcknowledgmentChoice: String, Sendable, CaseIterable {
        /// 997 for X12, CONTRL for EDIFACT.
        case automatic = "auto"
        /// X12 TA1 interchange acknowledgement.
        case ta1
        /// X12 997.
        case ack997 = "997"
        /// X12 999.
        case ack999 = "999"
        /// EDIFACT CONTRL.
        case contrl
    }

    /// Envelope summary of every interchange (`edi inspect`).
    public static func inspect<S: ByteSource>(source: S, progress: ((Int) -> Void)? = nil) throws(EDIReadError) -> String {
        let reports = try EDIValidation.validate(source: source, keepAcceptedSets: false, progress: progress)
        var out = ""
        for r in reports {
            let std = r.standard == .x12 ? "X12" : "EDIFACT"
            out += "interchange \(r.controlNumber) at byte \(r.offset): \(std) \(r.version)\n"
            out += "  from \(r.senderQualifier):\(r.senderID.trimmingTrailingSpaces) to \(r.receiverQualifier):\(r.receiverID.trimmingTrailingSpaces)"
            out += ", sent \(r.date) \(r.time), usage \(r.usage.isEmpty ? "-" : r.usage)\(r.acknowledgmentRequested ? ", acknowledgement requested" : "")\n"
            for g in r.groups {
                out += "  group \(g.functionalID) \(g.controlNumber) version \(g.version): \(g.received) set(s) \(countsText(g.setTypeCounts))\n"
            }
            if !r.ungroupedSetTypeCounts.isEmpty {
                out += "  \(r.ungroupedSetTypeCounts.values.reduce(0, +)) message(s) \(countsText(r.ungroupedSetTypeCounts))\n"
            }
            let problems = r.issues.count + r.groups.reduce(0) { $0 + $1.errors.count + $1.edifactErrors.count } + (r.setsReceived - r.setsAccepted)
            out += "  envelope: \(problems == 0 ? "valid" : "\(problems) problem(s); run `edi validate` for details")\n"
        }
        return out
    }

    static func countsText(_ counts: [String: Int]) -> String {
        "(" + counts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ") + ")"
    }

    /// Every problem with its position (`edi validate`); `valid` is false when any was found.
    public static func validate<S: ByteSource>(source: S, checker: (any TransactionSetChecker)? = nil, progress: ((Int) -> Void)? = nil) throws(EDIReadError) -> (text: String, valid: Bool) {
        let reports = try EDIValidation.validate(source: source, checker: checker, keepAcceptedSets: false, progress: progress)
        var out = ""
        var valid = true
        var sets = 0
        var rejected = 0
        for r in reports {
            let x12 = r.standard == .x12
            sets += r.setsReceived
            rejected += r.setsReceived - r.setsAccepted
            if !r.isValid { valid = false }
            out += "interchange \(r.controlNumber) at byte \(r.offset): \(r.isValid ? "valid" : "INVALID")\n"
            for i in r.issues {
                let code = x12 ? "TA1 \(i.x12Code.rawValue)" : "0085 \(i.edifactCode.rawValue)"
                out += "  byte \(i.offset) \(i.tag)\(i.elementPosition.map { pad2($0) } ?? ""): \(code): \(i.message)\n"
            }
            for g in r.groups {
                for e in g.errors { out += "  group \(g.functionalID) \(g.controlNumber) at byte \(g.offset): AK9 \(e.rawValue) (\(words(e)))\n" }
                for e in g.edifactErrors { out += "  group \(g.controlNumber) at byte \(g.offset): 0085 \(e.code.rawValue) (\(words(e.code))) in \(e.tag)\n" }
                for s in g.sets where !s.isAccepted { out += describe(s, x12: x12) }
            }
            for s in r.ungroupedSets where !s.isAccepted { out += describe(s, x12: x12) }
        }
        out += "\(reports.count) interchange(s), \(sets) transaction set(s), \(rejected) rejected: \(valid ? "valid" : "INVALID")\n"
        return (out, valid)
    }

    static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    static func describe(_ s: TransactionSetReport, x12: Bool) -> String {
        var out = "  set \(s.identifier) \(s.controlNumber) at byte \(s.offset): rejected\n"
        for e in s.errors where e != .segmentsInError { out += "    AK5 \(e.rawValue) (\(words(e)))\n" }
        for e in s.edifactErrors { out += "    0085 \(e.code.rawValue) (\(words(e.code))) in \(e.tag)\n" }
        for i in s.segmentIssues {
            let code = x12 ? "AK3 \(i.x12Code.rawValue) (\(words(i.x12Code)))" : (i.edifactCode.map { "0085 \($0.rawValue) (\(words($0)))" } ?? "element errors")
            out += "    segment \(i.tag) at position \(i.position)\(i.loopID.map { " in loop \($0)" } ?? "") byte \(i.offset): \(code)\n"
            for e in i.elements {
                let where_ = "\(i.tag)\(pad2(e.position))" + (e.component.map { "-\($0)" } ?? "")
                let code = x12 ? "AK4 \(e.x12Code.rawValue) (\(words(e.x12Code)))" : "0085 \(e.edifactCode.rawValue) (\(words(e.edifactCode)))"
                out += "      \(where_)\(e.reference.map { " [\($0)]" } ?? ""): \(code)\(e.value.map { " value '\($0)'" } ?? "")\n"
            }
        }
        return out
    }

    /// `segmentCountMismatch` → `segment count mismatch`.
    static func words<T>(_ v: T) -> String {
        var out = ""
        for ch in String(describing: v) {
            if ch.isUppercase {
                out.append(" ")
                out.append(Character(ch.lowercased()))
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// The acknowledgement(s) of every interchange (`edi ack`), concatenated; empty when nothing calls for one.
    public static func acknowledge<S: ByteSource>(source: S, choice: AcknowledgmentChoice, settings: AcknowledgmentSettings, checker: (any TransactionSetChecker)? = nil,
                                                  progress: ((Int) -> Void)? = nil) throws(EDIToolError) -> [UInt8] {
        let reports: [InterchangeReport]
        do {
            reports = try EDIValidation.validate(source: source, checker: checker, keepAcceptedSets: true, progress: progress)
        } catch {
            throw .read(error)
        }
        var out: [UInt8] = []
        var s = settings
        for r in reports {
            out += try answer(r, choice, s)
            s.interchangeControlNumber += 1
            s.groupControlNumber += 1
        }
        return out
    }

    static func answer(_ r: InterchangeReport, _ choice: AcknowledgmentChoice, _ s: AcknowledgmentSettings) throws(EDIToolError) -> [UInt8] {
        func written(_ body: () throws(EDIWriteError) -> [UInt8]?) throws(EDIToolError) -> [UInt8] {
            do { return try body() ?? [] } catch { throw .write(error) }
        }
        switch (choice, r.standard) {
        case (.automatic, .x12), (.ack997, .x12): return try written { () throws(EDIWriteError) in try Acknowledgment.functional(.ack997, for: r, settings: s) }
        case (.ack999, .x12): return try written { () throws(EDIWriteError) in try Acknowledgment.functional(.ack999, for: r, settings: s) }
        case (.ta1, .x12): return try written { () throws(EDIWriteError) in try Acknowledgment.ta1(for: r, settings: s) }
        case (.automatic, .edifact), (.contrl, .edifact): return try written { () throws(EDIWriteError) in try Acknowledgment.contrl(for: r, settings: s) }
        default: throw .acknowledgmentDoesNotFit(choice.rawValue, r.standard)
        }
    }

    /// Streams the segment tree as JSON (`edi json`).
    public static func json<S: ByteSource>(source: S, sink: @escaping ([UInt8]) -> Void, progress: ((Int) -> Void)? = nil) throws(EDIReadError) {
        let reader = InterchangeReader(source: source)
        var writer = EDIJSONWriter(sink: sink)
        var next = 1 << 20
        while let e = try reader.next() {
            writer.write(e)
            if let progress, reader.bytesRead >= next {
                progress(reader.bytesRead)
                next = reader.bytesRead + (1 << 20)
            }
        }
        writer.finish()
    }
}

/// Errors of the command-line operations, with messages for people.
public enum EDIToolError: Error, Sendable, CustomStringConvertible {
    /// The input could not be read as EDI.
    case read(EDIReadError)
    /// The answer could not be written.
    case write(EDIWriteError)
    /// The acknowledgement asked for does not exist in the input's standard.
    case acknowledgmentDoesNotFit(String, EDIStandard)

    /// A message for people.
    public var description: String {
        switch self {
        case let .read(e): return e.description
        case let .write(e): return "cannot write the acknowledgement: \(e)"
        case let .acknowledgmentDoesNotFit(kind, std): return "a \(kind) acknowledgement cannot answer an \(std == .x12 ? "X12" : "EDIFACT") interchange"
        }
    }
}

/// A one-line progress bar for slow inputs, drawn only after the first half second.
public struct ProgressBar {
    private let total: Int?
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private let draw: (String) -> Void
    private var drawn = false

    /// Creates a bar for an input of `total` bytes (nil when unknown) that writes through `draw`.
    public init(total: Int?, draw: @escaping (String) -> Void) {
        self.total = total
        self.draw = draw
        start = .now
    }

    /// Reports progress; redraws at most ten times a second.
    public mutating func update(bytes: Int) {
        let now = ContinuousClock.now
        let elapsed = now - start
        guard elapsed > .milliseconds(500) else { return }
        if let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        drawn = true
        draw("\r" + Self.line(bytes: bytes, total: total, seconds: Self.seconds(elapsed)))
    }

    /// Clears the line if anything was drawn.
    public mutating func finish() {
        if drawn { draw("\r" + String(repeating: " ", count: 72) + "\r") }
    }

    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    /// The text of the bar: `[#####·····]  45%  123.4 MB/s`.
    public static func line(bytes: Int, total: Int?, seconds: Double) -> String {
        let mb = Double(bytes) / 1e6
        let rate = seconds > 0 ? mb / seconds : 0
        let rateText = String(Int(rate * 10) / 10) + "." + String(Int(rate * 10) % 10) + " MB/s"
        guard let total, total > 0 else { return "\(Int(mb)) MB read, \(rateText)" }
        let fraction = min(1, Double(bytes) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + String(Int(fraction * 100)) + "%  " + rateText
    }
}

import ArgumentParser
import EDI
import EDIMapping
import Foundation

/// `partnerhub edi translate FILE`: partner document → canonical JSON (NDJSON for many), or
/// with `--reverse` canonical JSON → partner document.
struct EDITranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate X12, EDIFACT or XML to canonical JSON with a mapping, or back with --reverse.",
        discussion: """
            Without --mapping, the mapping is chosen from the document type (ST01, UNH message type or XML \
            root element), preferring the overlay of --partner. EDI is streamed: one JSON line per transaction set. \
            --reverse (which needs --mapping) streams canonical JSON back; with --sender and --receiver it writes a \
            whole interchange, each set checked against the implementation guide of its set.
            """
    )

    @Argument(help: "The partner file (or canonical JSON / NDJSON with --reverse); - reads standard input.") var file: String
    @Option(help: "Mapping file, relative to the catalogue (e.g. x12/867-sell-through.yaml).") var mapping: String?
    @Option(help: "Partner whose overlay to use.") var partner: String?
    @Option(help: "The mapping catalogue folder.") var catalogue = "edi-mappings"
    @Flag(help: "Write the partner document from canonical JSON (NDJSON, objects one after another, or an array).") var reverse = false
    @Option(help: "With --reverse: write a whole interchange from this sender, QUALIFIER:ID (ZZ:ACMEDIST, 14:5412345000013).")
    var sender: String?
    @Option(help: "With --reverse: the interchange's receiver, QUALIFIER:ID.") var receiver: String?
    @Option(help: "With --sender: the interchange control number (ISA13 / UNB 0020, and GS06); 1 when omitted.")
    var controlNumber: Int?
    @Flag(help: "With --sender: mark the interchange as a test (ISA15 T, UNB test indicator 1).") var testIndicator = false
    @Flag(help: "With --sender: write sets even when they break the implementation guide of their set (checked by default).")
    var noGuideCheck = false
    @Option(help: ArgumentHelp("Read EDI with the compiled plan or the reference engine (same output).", visibility: .hidden))
    var engine: Engine = .compiled
    @Flag(help: ArgumentHelp("Only parse the EDI file (InterchangeReader) and count its sets: the speed floor for translating.", visibility: .hidden))
    var parseOnly = false

    enum Engine: String, ExpressibleByArgument {
        case compiled, reference
    }

    func validate() throws {
        if reverse, mapping == nil {
            throw ValidationError("--reverse needs --mapping: canonical JSON does not say which partner format to write")
        }
        if (sender == nil) != (receiver == nil) { throw ValidationError("--sender and --receiver go together: an interchange names both") }
        if sender == nil, controlNumber != nil || testIndicator || noGuideCheck {
            throw ValidationError("--control-number, --test-indicator and --no-guide-check apply to the interchange of --sender and --receiver")
        }
        if sender != nil, !reverse { throw ValidationError("--sender and --receiver write an interchange, which only --reverse does") }
        for (name, value) in [("--sender", sender), ("--receiver", receiver)] {
            if let value, PartyID(parsing: value) == nil {
                throw ValidationError("\(name) `\(value)` is not QUALIFIER:ID (ZZ:ACMEDIST for X12, 14:5412345000013 for EDIFACT)")
            }
        }
    }

    func run() throws {
        if parseOnly { return try Self.parse(file) }
        let catalogue = MappingCatalogue(root: catalogue)
        do {
            if reverse { return try writePartnerDocument(catalogue) }
            // Only the head is read up front: EDI is streamed from the file, not loaded whole.
            let stdin = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : nil
            guard let head = stdin.map({ Array($0.prefix(64 * 1024)) }) ?? Self.head(of: file) else {
                MappingConsole.error("cannot read \(file)")
                throw ExitCode(2)
            }
            let definition = try choose(catalogue, bytes: head)
            let mapper = DocumentMapper(definition)
            if definition.syntax == .xml || stdin != nil {
                let bytes: [UInt8]
                if let stdin { bytes = Array(stdin) } else if let data = FileManager.default.contents(atPath: file) { bytes = Array(data) } else {
                    MappingConsole.error("cannot read \(file)")
                    throw ExitCode(2)
                }
                for document in try mapper.read(bytes) {
                    MappingConsole.out(JSONText.string(document, pretty: definition.syntax == .xml))
                }
            } else {
                var bar = progressBar()
                var buffer: [UInt8] = []
                buffer.reserveCapacity(2 << 20)
                let translator = StreamingTranslator(mapper: mapper, engine: engine == .compiled ? .compiled : .reference)
                try translator.translate(file: file, lines: { line in
                    buffer.append(contentsOf: line)
                    buffer.append(0x0A)
                    if buffer.count > 1 << 20 {
                        buffer.withUnsafeBufferPointer { MappingConsole.raw(borrowing: $0) }
                        buffer.removeAll(keepingCapacity: true)
                    }
                }, progress: { bar?.update(bytes: $0) })
                buffer.withUnsafeBufferPointer { MappingConsole.raw(borrowing: $0) }
                bar?.finish()
            }
        } catch let error as MappingError {
            MappingConsole.error(error.description)
            throw ExitCode(1)
        }
    }

    /// `--reverse`: canonical JSON, streamed, to the partner format.
    private func writePartnerDocument(_ catalogue: MappingCatalogue) throws {
        guard let mapping else { throw ValidationError("--reverse needs --mapping") }  // validate() said why
        var parties: InterchangeParties?
        if let sender = sender.flatMap(PartyID.init(parsing:)), let receiver = receiver.flatMap(PartyID.init(parsing:)) {
            parties = InterchangeParties(sender: sender, receiver: receiver, controlNumber: controlNumber ?? 1, isTest: testIndicator)
        }
        let guideCheck = parties == nil || noGuideCheck ? nil : try GuideCheck(catalogue: catalogue)
        let writer = StreamingWriter(
            mapper: DocumentMapper(try catalogue.mapping(mapping, partner: partner)), interchange: parties, guideCheck: guideCheck)
        if file == "-" {
            try writer.write(from: .standardInput, source: "standard input") { MappingConsole.raw($0) }
        } else {
            var bar = progressBar()
            try writer.write(path: file, progress: { bar?.update(bytes: $0) }) { MappingConsole.raw($0) }
            bar?.finish()
        }
    }

    /// A progress bar on standard error when it is a terminal.
    private func progressBar() -> ProgressBar? {
        guard isatty(2) == 1 else { return nil }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil
        return ProgressBar(total: size) { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Streams the file through the EDI module alone, for measuring `translate` against it.
    private static func parse(_ path: String) throws {
        do throws(EDIReadError) {
            let reader = InterchangeReader(source: try FileByteSource(path: path))
            var sets = 0
            while let event = try reader.next() {
                if case .transactionSet = event { sets += 1 }
            }
            MappingConsole.out("\(sets) transaction sets")
        } catch {
            MappingConsole.error("\(path): \(error.description)")
            throw ExitCode(2)
        }
    }

    private static func head(of path: String) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 64 * 1024)).map { Array($0) } ?? []
    }

    private func choose(_ catalogue: MappingCatalogue, bytes: [UInt8]) throws -> MappingDefinition {
        if let mapping { return try catalogue.mapping(mapping, partner: partner) }
        guard let kind = DocumentKind.detect(bytes) else {
            throw ValidationError("\(file) is not recognizable X12, EDIFACT or XML; give --mapping")
        }
        return try catalogue.mapping(for: kind, partner: partner)
    }
}

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
            root element), preferring the overlay of --partner. EDI is streamed: one JSON line per transaction set.
            """
    )

    @Argument(help: "The partner file (or canonical JSON / NDJSON with --reverse); - reads standard input.") var file: String
    @Option(help: "Mapping file, relative to the catalogue (e.g. x12/867-sell-through.yaml).") var mapping: String?
    @Option(help: "Partner whose overlay to use.") var partner: String?
    @Option(help: "The mapping catalogue folder.") var catalogue = "edi-mappings"
    @Flag(help: "Write the partner document from canonical JSON.") var reverse = false
    @Option(help: ArgumentHelp("Read EDI with the compiled plan or the reference engine (same output).", visibility: .hidden))
    var engine: Engine = .compiled
    @Flag(help: ArgumentHelp("Only parse the EDI file (InterchangeReader) and count its sets: the speed floor for translating.", visibility: .hidden))
    var parseOnly = false

    enum Engine: String, ExpressibleByArgument {
        case compiled, reference
    }

    func run() throws {
        if parseOnly { return try Self.parse(file) }
        let catalogue = MappingCatalogue(root: catalogue)
        // Only the head is read up front: EDI is streamed from the file, not loaded whole.
        let stdin = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : nil
        guard let head = stdin.map({ Array($0.prefix(64 * 1024)) }) ?? Self.head(of: file) else {
            MappingConsole.error("cannot read \(file)")
            throw ExitCode(2)
        }
        func whole() throws -> [UInt8] {
            if let stdin { return Array(stdin) }
            guard let data = FileManager.default.contents(atPath: file) else {
                MappingConsole.error("cannot read \(file)")
                throw ExitCode(2)
            }
            return Array(data)
        }
        do {
            let definition = try choose(catalogue, bytes: head)
            let mapper = DocumentMapper(definition)
            if reverse, definition.syntax != .xml, stdin == nil, head.first(where: { $0 > 32 }) != UInt8(ascii: "[") {
                // NDJSON (or one object): one transaction set at a time.
                try StreamingWriter(mapper: mapper).write(ndjson: file) { MappingConsole.raw($0) }
            } else if reverse {
                MappingConsole.raw(try mapper.write(CanonicalDocuments.parse(try whole())))
            } else if definition.syntax == .xml || stdin != nil {
                for document in try mapper.read(try whole()) {
                    MappingConsole.out(JSONText.string(document, pretty: definition.syntax == .xml))
                }
            } else {
                let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil
                var bar = isatty(2) == 1 ? ProgressBar(total: size) { FileHandle.standardError.write(Data($0.utf8)) } : nil
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
        } catch let error as JSONSyntaxError {
            MappingConsole.error("\(file): \(error.description)")
            throw ExitCode(2)
        }
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
        if reverse {
            throw ValidationError("--reverse needs --mapping: canonical JSON does not say which partner format to write")
        }
        guard let kind = DocumentKind.detect(bytes) else {
            throw ValidationError("\(file) is not recognizable X12, EDIFACT or XML; give --mapping")
        }
        return try catalogue.mapping(for: kind, partner: partner)
    }
}

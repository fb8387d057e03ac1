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

    func run() throws {
        let catalogue = MappingCatalogue(root: catalogue)
        guard let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file) else {
            MappingConsole.error("cannot read \(file)")
            throw ExitCode(2)
        }
        do {
            let definition = try choose(catalogue, bytes: Array(data.prefix(64 * 1024)))
            let mapper = DocumentMapper(definition)
            if reverse {
                let documents = try CanonicalDocuments.parse(Array(data))
                MappingConsole.raw(try mapper.write(documents))
            } else if definition.syntax == .xml || file == "-" {
                for document in try mapper.read(Array(data)) { MappingConsole.out(JSONText.string(document)) }
            } else {
                var bar = isatty(2) == 1 ? ProgressBar(total: data.count) { FileHandle.standardError.write(Data($0.utf8)) } : nil
                var buffer = ""
                try StreamingTranslator(mapper: mapper).translate(file: file, emit: { line in
                    buffer += line + "\n"
                    if buffer.utf8.count > 1 << 20 { MappingConsole.raw(Array(buffer.utf8)); buffer = "" }
                }, progress: { bar?.update(bytes: $0) })
                MappingConsole.raw(Array(buffer.utf8))
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

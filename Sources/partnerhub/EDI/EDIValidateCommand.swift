import ArgumentParser
import EDI

/// `partnerhub edi validate FILE`: every envelope and guide error, exit status 1 when any.
struct EDIValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Validate envelopes and implementation guides; exit 1 when invalid.")

    @Argument(help: "The EDI file.") var file: String
    @Option(help: "Folder of implementation guides (default: edi-mappings/guides when present).") var guides: String?
    @Flag(help: "Check envelopes only, not implementation guides.") var envelopeOnly = false

    func run() throws {
        let checker = try EDIGuideOption.load(guides, skip: envelopeOnly)
        do {
            var (source, bar) = try EDIConsole.open(file)
            let result = try EDITool.validate(source: source, checker: checker) { bar?.update(bytes: $0) }
            bar?.finish()
            EDIConsole.print(result.text)
            if !result.valid { throw ExitCode(1) }
        } catch let error as EDIReadError {
            EDIConsole.error(error.description)
            throw ExitCode(2)
        }
    }
}

import ArgumentParser
import EDI

/// `partnerhub edi inspect FILE`: envelope summary.
struct EDIInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Summarise the envelopes of an X12 or EDIFACT file.")

    @Argument(help: "The EDI file.") var file: String

    func run() throws {
        do {
            var (source, bar) = try EDIConsole.open(file)
            let text = try EDITool.inspect(source: source) { bar?.update(bytes: $0) }
            bar?.finish()
            EDIConsole.print(text)
        } catch {
            EDIConsole.error(error.description)
            throw ExitCode(2)
        }
    }
}

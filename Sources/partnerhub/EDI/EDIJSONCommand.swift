import ArgumentParser
import EDI
import Foundation

/// `partnerhub edi json FILE`: the segment tree as JSON, or with `--to-edi` the EDI written from such JSON.
struct EDIJSONCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "json", abstract: "Print the segment tree as JSON, or turn that JSON back into EDI.")

    @Argument(help: "The EDI file (or the JSON file with --to-edi).") var file: String
    @Flag(help: "Read JSON made by this command and print the EDI it describes.") var toEdi = false

    func run() throws {
        if toEdi {
            do {
                let json = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
                EDIConsole.write(try EDIJSONReader.edi(fromJSON: json))
            } catch let error as EDIJSONError {
                EDIConsole.error(error.description)
                throw ExitCode(2)
            }
            return
        }
        do {
            var (source, bar) = try EDIConsole.open(file)
            try EDITool.json(source: source, sink: { EDIConsole.write($0) }, progress: { bar?.update(bytes: $0) })
            bar?.finish()
        } catch {
            EDIConsole.error(error.description)
            throw ExitCode(2)
        }
    }
}

import ArgumentParser
import EDIMapping
import Foundation

/// `partnerhub mappings …`: work on the mapping catalogue in edi-mappings/.
struct MappingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "Test the two-way mappings in edi-mappings/.",
        subcommands: [MappingsTestCommand.self]
    )
}

/// `partnerhub mappings test [PATH]`: golden pairs and round trips, naming the failing binding.
struct MappingsTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the golden pairs, the round-trip property and the guide check of mappings.",
        discussion: "PATH is a mapping file or a folder, relative to the catalogue; all mappings when omitted."
    )

    @Argument(help: "A mapping file or folder inside the catalogue.") var path: String?
    @Option(help: "The mapping catalogue folder.") var catalogue = "edi-mappings"

    func run() throws {
        let runner = MappingTestRunner(catalogue: MappingCatalogue(root: catalogue))
        var files = runner.mappingFiles(under: path ?? "")
        if let path, path.hasSuffix(".yaml") { files = [path] }
        guard !files.isEmpty else {
            MappingConsole.error("no mappings found under \(catalogue)/\(path ?? "")")
            throw ExitCode(2)
        }
        var failed = 0
        for file in files {
            for result in runner.run(mapping: file) {
                if result.passed {
                    MappingConsole.out("ok    \(result.mapping)  \(result.input)")
                } else {
                    failed += 1
                    MappingConsole.out("FAIL  \(result.mapping)  \(result.input)")
                    for failure in result.failures { MappingConsole.out("      \(failure)") }
                }
            }
        }
        if failed > 0 {
            MappingConsole.out("\(failed) golden pair(s) failed")
            throw ExitCode(1)
        }
    }
}

/// Standard output and error for the mapping commands.
enum MappingConsole {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func raw(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// Writes a buffer the caller keeps, without copying it into a `Data` first (NDJSON
    /// streams write a megabyte at a time).
    static func raw(borrowing bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: start), count: bytes.count, deallocator: .none))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("partnerhub: " + text + "\n").utf8))
    }
}

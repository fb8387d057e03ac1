import ArgumentParser
import EDI
import Foundation

/// `partnerhub edi ack FILE`: prints the acknowledgement the hub would send.
struct EDIAckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Print the TA1, 997, 999 or CONTRL answering a file.")

    @Argument(help: "The EDI file.") var file: String
    @Option(help: "auto (997 or CONTRL), ta1, 997, 999 or contrl.") var kind: String = "auto"
    @Option(help: "Interchange control number of the acknowledgement.") var interchangeControlNumber = 1
    @Option(help: "Group control number of the acknowledgement.") var groupControlNumber = 1
    @Option(help: "Control number of the first acknowledgement set.") var setControlNumber = 1
    @Option(help: "Folder of implementation guides (default: edi-mappings/guides when present).") var guides: String?
    @Flag(help: "Acknowledge envelopes only, not implementation guides.") var envelopeOnly = false

    func run() throws {
        guard let choice = EDITool.AcknowledgmentChoice(rawValue: kind.lowercased()) else {
            throw ValidationError("--kind must be one of auto, ta1, 997, 999, contrl")
        }
        let checker = try EDIGuideOption.load(guides, skip: envelopeOnly)
        let now = OutboundEnvelope.dateAndTime(of: Date())
        let settings = AcknowledgmentSettings(
            interchangeControlNumber: interchangeControlNumber, groupControlNumber: groupControlNumber,
            firstSetControlNumber: setControlNumber, date: now.date, time: now.time)
        do {
            var (source, bar) = try EDIConsole.open(file)
            let ack = try EDITool.acknowledge(source: source, choice: choice, settings: settings, checker: checker) { bar?.update(bytes: $0) }
            bar?.finish()
            EDIConsole.write(ack + [0x0A])
        } catch let error as EDIReadError {
            EDIConsole.error(error.description)
            throw ExitCode(2)
        } catch let error as EDIToolError {
            EDIConsole.error(error.description)
            throw ExitCode(2)
        }
    }
}

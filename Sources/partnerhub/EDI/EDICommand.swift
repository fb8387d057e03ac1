// X12 and EDIFACT: tokenizing, envelopes, validation, acknowledgements (issue 3).
import ArgumentParser

/// `partnerhub edi …`: offline EDI tools (no database).
struct EDICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edi",
        abstract: "Inspect, validate, acknowledge and convert X12 and EDIFACT files offline.",
        subcommands: [
            EDIInspectCommand.self, EDIValidateCommand.self, EDIAckCommand.self, EDIJSONCommand.self, EDITranslateCommand.self,
        ]
    )
}

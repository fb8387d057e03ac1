import ArgumentParser

/// The `partnerhub` command line.
@main
struct PartnerHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partnerhub",
        abstract: "PartnerHub: a self-hosted hub where partner companies share leads, deals, promotions, EDI and forums.",
        subcommands: [EDICommand.self]
    )
}

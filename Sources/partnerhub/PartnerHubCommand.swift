import ArgumentParser

/// The `partnerhub` command line.
@main
struct PartnerHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partnerhub",
        abstract: "PartnerHub: a self-hosted hub where partner companies share leads, deals, promotions, EDI and forums.",
        discussion: """
            Start with `partnerhub serve --demo`: it creates a private PostgreSQL in .partnerhub/, seeds a demo \
            world, prints its logins and serves the API on http://127.0.0.1:8080.
            """,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, DemoCommand.self, TenantCommand.self, UserCommand.self,
            TokenCommand.self, EDICommand.self, MappingsCommand.self,
        ]
    )
}

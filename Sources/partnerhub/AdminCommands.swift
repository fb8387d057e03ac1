import ArgumentParser
import Foundation
import HubCore

/// `partnerhub migrate`: create the roles and apply pending migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations.",
        discussion: """
            Creates the roles hub_owner, hub_auth and hub_app if they are missing, then applies every \
            pending migration in order under an advisory lock. For an external server, give an \
            administrator's URL (DATABASE_ADMIN_URL or --database-url); the server later connects as hub_app.
            """
    )

    @OptionGroup var hub: HubOptions

    func run() async throws {
        let logger = hub.makeLogger("partnerhub.migrate")
        let (settings, embedded) = try await hub.openDatabase(logger: logger)
        defer { embedded?.stop() }
        let applied = try await MigrationRunner(settings: settings, migrations: try Migration.bundled(), logger: logger).run()
        if applied.isEmpty {
            print("The database is up to date.")
        } else {
            for migration in applied { print("applied \(migration.version) \(migration.name)") }
        }
    }
}

/// `partnerhub demo`: seed the demo world and print its logins.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Seed a small demo world (a brand, three partners, users in every role) and print the logins.",
        discussion: "Safe to run again: an existing demo world is left as it is. `partnerhub serve --demo` does the same before serving."
    )

    @OptionGroup var hub: HubOptions

    func run() async throws {
        try await hub.withDatabase(label: "partnerhub.demo") { database in
            try await DemoWorld(database: database, hasher: PasswordHasher()).seed { print($0) }
        }
    }
}

/// `partnerhub tenant …`
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Manage tenants (companies).",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant, as the hub operator.")

        @OptionGroup var hub: HubOptions
        @Option(help: "Short unique name used in invitations and URLs: lower-case letters, digits and hyphens.")
        var slug: String
        @Option(help: "The company's display name.")
        var name: String

        func run() async throws {
            let tenant = try await hub.withDatabase(label: "partnerhub.tenant") { database in
                let id = TenantID()
                return try await TenantDirectory(database: database).create(Caller.commandLine(tenant: id), id: id, slug: slug, name: name)
            }
            print("created tenant \(tenant.slug) (\(tenant.name)) with id \(tenant.id)")
        }
    }
}

/// `partnerhub user …`
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user to a tenant.",
            discussion: "Without --password a strong one is generated and printed once."
        )

        @OptionGroup var hub: HubOptions
        @Option(help: "The slug of the user's tenant.")
        var tenant: String
        @Option(help: "The e-mail address the user signs in with (unique on the hub).")
        var email: String
        @Option(help: "The name shown to others.")
        var name: String
        @Option(help: "owner, admin, channel_manager or member.")
        var role: Role = .member
        @Option(help: "The password (at least 12 characters). Prefer leaving it out and using the generated one.")
        var password: String?
        @Flag(help: "Let the user administer tenants across the hub.")
        var hubOperator = false

        func run() async throws {
            let password = self.password ?? Secrets.generate().prefix(20).description
            let user = try await hub.withDatabase(label: "partnerhub.user") { database in
                let tenantID = try await database.tenantID(forSlug: tenant)
                return try await UserDirectory(database: database, hasher: PasswordHasher()).create(
                    Caller.commandLine(tenant: tenantID), email: email, displayName: name, role: role,
                    password: password, isHubOperator: hubOperator
                )
            }
            print("created user \(user.email) (\(user.role.rawValue)) with id \(user.id)")
            if self.password == nil { print("password: \(password)") }
        }
    }
}

/// `partnerhub token …`
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage API tokens.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token for a user and print it (it is shown only once).",
            discussion: "Use it as 'Authorization: Bearer TOKEN'. It acts as the user, in the user's tenant, with the user's role."
        )

        @OptionGroup var hub: HubOptions
        @Option(help: "The e-mail address of the user the token acts as.")
        var email: String
        @Option(help: "A label to recognise the token by.")
        var name: String = "command line"
        @Option(help: "Days until the token expires (1 to 365).")
        var days: Int = 90

        func run() async throws {
            let secret = try await hub.withDatabase(label: "partnerhub.token") { database in
                let principal = try await database.principal(forEmail: email)
                let caller = Caller(principal: principal, requestID: "cli-\(UUID().uuidString.prefix(8))")
                return try await APITokens(database: database).create(caller, name: name, lifetimeDays: days).secret
            }
            print(secret)
        }
    }
}

extension Role: ExpressibleByArgument {}

extension Caller {
    /// The operator at the command line: a hub operator acting inside `tenant`, as no particular user.
    static func commandLine(tenant: TenantID) -> Caller {
        Caller(
            principal: Principal(tenantID: tenant, userID: nil, role: .owner, isHubOperator: true),
            requestID: "cli-\(UUID().uuidString.prefix(8).lowercased())"
        )
    }
}

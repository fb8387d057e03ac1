import ArgumentParser
import Foundation
import HubCore
import Logging

/// Where the hub keeps its data and which database it uses; shared by every command that needs one.
struct HubOptions: ParsableArguments {
    @Option(help: "Folder for the embedded PostgreSQL cluster and other state, used when no database URL is given.")
    var dataDir: String = ".partnerhub"

    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "Use this PostgreSQL server instead of the embedded one (or set DATABASE_URL).",
            valueName: "postgres://user:password@host:port/database"
        )
    )
    var databaseURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical (default: info for serve, warning otherwise).")
    var logLevel: Logger.Level?

    func makeLogger(_ label: String, defaultLevel: Logger.Level = .warning) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = logLevel ?? defaultLevel
        return logger
    }

    /// The database to use: the URL given, else the embedded cluster (started, with its database created).
    ///
    /// `embedded` is the cluster to stop when done: the one-shot commands leave alone a cluster that was
    /// already running (a server's), unless `ownRunningCluster` (the server itself, which found one left over).
    func openDatabase(logger: Logger, ownRunningCluster: Bool = false) async throws -> (settings: DatabaseSettings, embedded: EmbeddedPostgres?) {
        if let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] {
            var settings = try DatabaseSettings(url: url)
            if let adminURL = ProcessInfo.processInfo.environment["DATABASE_ADMIN_URL"] {
                let admin = try DatabaseSettings(url: adminURL)
                settings.adminUser = admin.adminUser
                settings.adminPassword = admin.adminPassword
            }
            return (settings, nil)
        }
        let cluster = EmbeddedPostgres(directory: dataDir, logger: logger)
        let owned = try cluster.start() || ownRunningCluster
        do {
            try await ClusterAdministration(settings: cluster.settings(), logger: logger).createDatabase(EmbeddedPostgres.databaseName)
        } catch {
            if owned { cluster.stop() }
            throw error
        }
        return (cluster.settings(), owned ? cluster : nil)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension HubOptions {
    /// Runs `body` with a connection pool as `hub_app` on the migrated database, stopping an
    /// embedded cluster afterwards, even on failure.
    func withDatabase<Result: Sendable>(label: String, _ body: @Sendable (HubDatabase) async throws -> Result) async throws -> Result {
        let logger = makeLogger(label)
        let (settings, embedded) = try await openDatabase(logger: logger)
        defer { embedded?.stop() }
        try await MigrationRunner(settings: settings, migrations: try Migration.bundled(), logger: logger).run()
        // A one-shot command leases a connection before the pool's task has started; that is fine, so say nothing.
        var quiet = logger
        quiet.logLevel = .error
        let database = HubDatabase(settings: settings, logger: logger, backgroundLogger: quiet)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            return try await body(database)
        }
    }
}

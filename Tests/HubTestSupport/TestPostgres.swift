import Foundation
import HubCore
import Logging

/// One throwaway PostgreSQL cluster per test run, started on first use and stopped when the
/// test process exits; each suite gets its own database copied from a migrated template.
public actor TestPostgres {
    public static let shared = TestPostgres()

    private var cluster: EmbeddedPostgres?
    /// Shared by concurrent callers: the actor lets a second suite in while the first awaits the migration.
    private var template: Task<Void, any Error>?
    private var databaseCount = 0
    public nonisolated let logger: Logger = {
        var logger = Logger(label: "partnerhub.tests")
        logger.logLevel = .warning
        return logger
    }()

    static let templateName = "hub_template"

    /// A fresh, migrated database of its own for one suite.
    public func makeDatabase() async throws -> DatabaseSettings {
        let cluster = try startedCluster()
        let administration = ClusterAdministration(settings: cluster.settings(), logger: logger)
        if template == nil {
            let logger = self.logger
            template = Task {
                try await administration.createDatabase(Self.templateName)
                let settings = cluster.settings(database: Self.templateName)
                try await MigrationRunner(settings: settings, migrations: try Migration.bundled(), logger: logger).run()
            }
        }
        try await template!.value
        databaseCount += 1
        let name = "hub_test_\(databaseCount)"
        try await administration.createDatabase(name, template: Self.templateName)
        return cluster.settings(database: name)
    }

    /// Settings for a brand-new, empty (unmigrated) database, for migration tests.
    public func makeEmptyDatabase() async throws -> DatabaseSettings {
        let cluster = try startedCluster()
        databaseCount += 1
        let name = "hub_empty_\(databaseCount)"
        try await ClusterAdministration(settings: cluster.settings(), logger: logger).createDatabase(name)
        return cluster.settings(database: name)
    }

    private func startedCluster() throws -> EmbeddedPostgres {
        if let cluster { return cluster }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("partnerhub-tests-\(ProcessInfo.processInfo.processIdentifier)").path
        let cluster = EmbeddedPostgres(directory: directory, durable: false, logger: logger)
        try cluster.start()
        setenv("PARTNERHUB_TEST_CLUSTER", directory, 1)
        atexit {
            guard let directory = getenv("PARTNERHUB_TEST_CLUSTER").map({ String(cString: $0) }) else { return }
            EmbeddedPostgres(directory: directory, durable: false, logger: Logger(label: "partnerhub.tests")).stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        self.cluster = cluster
        return cluster
    }
}

import Foundation
import HubCore
import HubServer
import HubTestSupport
import PostgresNIO
import Testing

@Suite struct MigrationTests {
    @Test func migratingTwiceAppliesNothingTheSecondTime() async throws {
        let settings = try await TestPostgres.shared.makeEmptyDatabase()
        let migrations = try Migration.bundled()
        let runner = MigrationRunner(settings: settings, migrations: migrations, logger: TestPostgres.shared.logger)
        #expect(try await runner.run().map(\.version) == migrations.map(\.version))
        #expect(try await runner.run().isEmpty)
    }

    @Test func aChangedAppliedMigrationIsRefused() async throws {
        let settings = try await TestPostgres.shared.makeEmptyDatabase()
        let original = try Migration.bundled()
        try await MigrationRunner(settings: settings, migrations: original, logger: TestPostgres.shared.logger).run()
        var edited = original
        edited[0] = Migration(version: 1, name: original[0].name, sql: original[0].sql + "\n-- edited afterwards\n")
        await #expect {
            try await MigrationRunner(settings: settings, migrations: edited, logger: TestPostgres.shared.logger).run()
        } throws: { error in
            guard case DatabaseSetupError.changedMigration(version: 1, _) = error else { return false }
            return "\(error)".contains("forward-only")
        }
    }

    @Test func aDatabaseMigratedByANewerBuildIsRefused() async throws {
        let settings = try await TestPostgres.shared.makeEmptyDatabase()
        let bundled = try Migration.bundled()
        let newer = bundled + [Migration(version: bundled.count + 1, name: "future", sql: "SELECT 1;")]
        try await MigrationRunner(settings: settings, migrations: newer, logger: TestPostgres.shared.logger).run()
        await #expect(throws: DatabaseSetupError.self) {
            try await MigrationRunner(settings: settings, migrations: bundled, logger: TestPostgres.shared.logger).run()
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let settings = try await TestPostgres.shared.makeEmptyDatabase()
        let broken = [Migration(version: 1, name: "broken", sql: "CREATE SCHEMA scratch; CREATE TABLE scratch.half_done (id int); SELECT no_such_function();")]
        await #expect(throws: (any Error).self) {
            try await MigrationRunner(settings: settings, migrations: broken, logger: TestPostgres.shared.logger).run()
        }
        let fixed = [Migration(version: 1, name: "fixed", sql: "CREATE SCHEMA scratch; CREATE TABLE scratch.half_done (id int);")]
        #expect(try await MigrationRunner(settings: settings, migrations: fixed, logger: TestPostgres.shared.logger).run().count == 1)
    }
}

@Suite struct DatabaseSettingsTests {
    @Test func aURLGivesHostPortDatabaseUserAndTLS() throws {
        let settings = try DatabaseSettings(url: "postgres://hub_app:s3cret@db.internal:6543/partners?sslmode=require")
        #expect(settings.endpoint == .tcp(host: "db.internal", port: 6543, tls: .require))
        #expect(settings.database == "partners")
        #expect(settings.appUser == "hub_app" && settings.appPassword == "s3cret")
        #expect(!settings.description.contains("s3cret"))
    }

    @Test func aURLWithASocketFolderUsesTheUnixSocket() throws {
        let settings = try DatabaseSettings(url: "postgresql://admin@/hub?host=/var/run/postgresql")
        #expect(settings.endpoint == .unixSocket(path: "/var/run/postgresql/.s.PGSQL.5432"))
    }

    @Test(arguments: [
        ("mysql://u@h/db", "expected postgres://"),
        ("postgres://u@h/", "names no database"),
        ("postgres://h/db", "names no user"),
        ("postgres://u@h/db?sslmode=sometimes", "sslmode must be"),
    ])
    func aBadURLSaysWhatIsWrong(url: String, message: String) {
        #expect {
            try DatabaseSettings(url: url)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}

import Logging
import PostgresNIO

/// Creates databases on a cluster the hub administers (the embedded one, or a test cluster).
public struct ClusterAdministration: Sendable {
    let settings: DatabaseSettings
    let logger: Logger

    public init(settings: DatabaseSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Creates `name` (optionally as a copy of `template`) unless it exists; returns whether it created it.
    @discardableResult
    public func createDatabase(_ name: String, template: String? = nil) async throws -> Bool {
        guard Self.isPlainIdentifier(name), template.map(Self.isPlainIdentifier) ?? true else {
            throw HubError.invalid("database", "database names are lower-case letters, digits and underscores")
        }
        var maintenance = settings
        maintenance.database = "postgres"
        return try await maintenance.withAdminConnection(logger: logger) { connection in
            let rows = try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(name)", logger: logger)
            for try await count in rows.decode(Int.self) where count > 0 { return false }
            // Identifiers cannot be bound parameters; the name was checked above.
            let templateClause = template.map { " TEMPLATE \($0)" } ?? ""
            do {
                try await connection.execute("CREATE DATABASE \(name)\(templateClause)")
            } catch {
                throw DatabaseSetupError.cannotCreateDatabase(name: name, reason: DatabaseErrorTranslation.serverMessage(error))
            }
            return true
        }
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) || first == UInt8(ascii: "_")
        else { return false }
        return name.utf8.count <= 63
            && name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
    }
}

import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Where the hub's PostgreSQL is and which roles it uses.
///
/// The hub talks to PostgreSQL as two roles: an administrator that bootstraps roles and runs
/// migrations, and `hub_app`, which owns nothing and cannot bypass row-level security.
public struct DatabaseSettings: Sendable, CustomStringConvertible {
    /// How to reach the server.
    public enum Endpoint: Sendable, Equatable {
        case unixSocket(path: String)
        case tcp(host: String, port: Int, tls: TLSMode)
    }

    /// Whether a TCP connection uses TLS (libpq's `sslmode`, minus certificate pinning).
    public enum TLSMode: Sendable, Equatable { case disable, prefer, require }

    public var endpoint: Endpoint
    public var database: String
    /// The administrator used for `migrate` (and bootstrapping the embedded cluster).
    public var adminUser: String
    public var adminPassword: String?
    /// The role the server runs every request as.
    public var appUser: String
    public var appPassword: String?
    /// How many connections the server's pool may open.
    public var poolSize = 20

    public init(
        endpoint: Endpoint,
        database: String,
        adminUser: String,
        adminPassword: String? = nil,
        appUser: String = "hub_app",
        appPassword: String? = nil
    ) {
        self.endpoint = endpoint
        self.database = database
        self.adminUser = adminUser
        self.adminPassword = adminPassword
        self.appUser = appUser
        self.appPassword = appPassword
    }

    /// Reads a `postgres://user:password@host:port/database?sslmode=require` URL.
    ///
    /// A URL whose host is empty and that carries `?host=/path/to/socket-dir` connects over a Unix socket.
    public init(url string: String) throws(DatabaseSettingsError) {
        guard let components = URLComponents(string: string),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw .invalidURL("expected postgres://user:password@host:port/database")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { _, last in last }
        )
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw .invalidURL("the URL names no database (postgres://…/DATABASE)") }
        guard let user = components.user, !user.isEmpty else { throw .invalidURL("the URL names no user") }
        let endpoint: Endpoint
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            endpoint = .unixSocket(path: socketDirectory + "/.s.PGSQL.\(components.port ?? 5432)")
        } else {
            guard let host = components.host, !host.isEmpty else { throw .invalidURL("the URL names no host") }
            let sslMode = query["sslmode"] ?? "prefer"
            guard ["disable", "prefer", "require"].contains(sslMode) else {
                throw .invalidURL("sslmode must be disable, prefer or require, not \(sslMode)")
            }
            let tls: TLSMode = sslMode == "disable" ? .disable : (sslMode == "prefer" ? .prefer : .require)
            endpoint = .tcp(host: host, port: components.port ?? 5432, tls: tls)
        }
        self.init(
            endpoint: endpoint,
            database: database,
            adminUser: user,
            adminPassword: components.password,
            appUser: user,
            appPassword: components.password
        )
    }

    /// The server's connection pool, as `hub_app`.
    func appPoolConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: appUser, password: appPassword, database: database)
        case .tcp(let host, let port, let mode):
            let tls: PostgresClient.Configuration.TLS
            switch mode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(.makeClientConfiguration())
            case .require: tls = .require(.makeClientConfiguration())
            }
            configuration = .init(host: host, port: port, username: appUser, password: appPassword, database: database, tls: tls)
        }
        configuration.options.maximumConnections = poolSize
        return configuration
    }

    /// Runs `body` on one connection as the administrator, for bootstrapping and migrations.
    func withAdminConnection<Result: Sendable>(
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await PostgresConnection.connect(configuration: try adminConnectionConfiguration(), id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private func adminConnectionConfiguration() throws -> PostgresConnection.Configuration {
        let (user, password) = (adminUser, adminPassword)
        switch endpoint {
        case .unixSocket(let path):
            return .init(unixSocketPath: path, username: user, password: password, database: database)
        case .tcp(let host, let port, let mode):
            let tls: PostgresConnection.Configuration.TLS
            switch mode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            return .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
    }

    public var description: String {
        let place: String
        switch endpoint {
        case .unixSocket(let path): place = "socket \(path)"
        case .tcp(let host, let port, _): place = "\(host):\(port)"
        }
        return "\(place)/\(database) as \(appUser) (migrations as \(adminUser))"
    }
}

/// A database URL or setting that cannot be used.
public enum DatabaseSettingsError: Error, Equatable, CustomStringConvertible {
    case invalidURL(String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid database URL: \(reason)"
        }
    }
}

import Foundation
import Logging

/// A private PostgreSQL cluster kept in the hub's data directory and reached over a Unix socket.
///
/// Created with `initdb` on first use, started with `pg_ctl`, and stopped when the hub stops.
/// When the hub runs as root, the PostgreSQL processes run as an unprivileged system user,
/// because PostgreSQL refuses to run as root and should not have root's powers anyway.
public struct EmbeddedPostgres: Sendable {
    /// The folder holding the cluster (`postgres/`), its socket (`run/`) and its log.
    public let directory: String
    /// Whether every commit is flushed to disk; off only for throwaway test clusters.
    public let durable: Bool
    /// The unprivileged account used when the hub runs as root.
    public let systemUser: String
    let logger: Logger

    /// The superuser `initdb` creates; it only bootstraps roles and runs migrations.
    public static let adminUser = "partnerhub_admin"
    /// The database the hub's tables live in.
    public static let databaseName = "partnerhub"

    public init(directory: String, durable: Bool = true, systemUser: String = "partnerhub", logger: Logger) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.durable = durable
        self.systemUser = systemUser
        self.logger = logger
    }

    var clusterDirectory: String { directory + "/postgres" }
    var socketDirectory: String { directory + "/run" }
    var logFile: String { directory + "/postgres.log" }

    /// Settings for reaching this cluster's `database` as the administrator and as `hub_app`.
    public func settings(database: String = EmbeddedPostgres.databaseName) -> DatabaseSettings {
        DatabaseSettings(
            endpoint: .unixSocket(path: socketDirectory + "/.s.PGSQL.5432"),
            database: database,
            adminUser: Self.adminUser,
            appUser: "hub_app"
        )
    }

    /// Creates the cluster if it does not exist yet and starts it; returns once it accepts connections.
    /// - Returns: whether this call started it (`false` when it was already running, for example under a server).
    @discardableResult
    public func start() throws -> Bool {
        let binaries = try Self.findBinaries()
        let runAsUser = geteuid() == 0 ? systemUser : nil
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if let runAsUser {
            try ensureSystemUser(runAsUser)
            try run("/bin/chown", ["-R", "\(runAsUser):", directory])
            // The server must be able to walk down to its folder.
            if (try? run("/usr/bin/test", ["-x", directory], as: runAsUser)) == nil {
                throw DatabaseSetupError.unreachableDataDirectory(path: directory, user: runAsUser)
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: socketDirectory)
        if !FileManager.default.fileExists(atPath: clusterDirectory + "/PG_VERSION") {
            logger.info("creating a PostgreSQL cluster", metadata: ["directory": "\(clusterDirectory)"])
            var arguments = ["-D", clusterDirectory, "-U", Self.adminUser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]
            if !durable { arguments.append("--no-sync") }
            try run(binaries + "/initdb", arguments, as: runAsUser)
        }
        if isRunning(binaries: binaries, as: runAsUser) {
            logger.info("PostgreSQL is already running", metadata: ["directory": "\(clusterDirectory)"])
            return false
        }
        var serverOptions = [
            "-c listen_addresses=''",
            "-c unix_socket_directories='\(socketDirectory)'",
            "-c unix_socket_permissions=0700",
            "-c max_connections=200",
        ]
        if !durable {
            serverOptions += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        }
        do {
            try run(
                binaries + "/pg_ctl",
                ["-D", clusterDirectory, "-l", logFile, "-w", "-t", "60", "-o", serverOptions.joined(separator: " "), "start"],
                as: runAsUser
            )
        } catch DatabaseSetupError.commandFailed(let command, let status, let output) {
            // pg_ctl only says that it failed; the reason is in the server's log.
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            let reason = log.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw DatabaseSetupError.commandFailed(command: command, status: status, output: output + "\n" + reason)
        }
        logger.info("PostgreSQL started", metadata: ["socket": "\(socketDirectory)"])
        return true
    }

    /// Stops the cluster, letting running transactions roll back.
    public func stop() {
        guard let binaries = try? Self.findBinaries() else { return }
        let runAsUser = geteuid() == 0 ? systemUser : nil
        do {
            try run(binaries + "/pg_ctl", ["-D", clusterDirectory, "-m", "fast", "-w", "-t", "60", "stop"], as: runAsUser)
            logger.info("PostgreSQL stopped")
        } catch {
            logger.error("could not stop PostgreSQL: \(error)")
        }
    }

    private func isRunning(binaries: String, as user: String?) -> Bool {
        (try? run(binaries + "/pg_ctl", ["-D", clusterDirectory, "status"], as: user)) != nil
    }

    /// The newest installed PostgreSQL's `bin` folder (`PARTNERHUB_PG_BINDIR` overrides).
    static func findBinaries() throws -> String {
        let fileManager = FileManager.default
        if let configured = ProcessInfo.processInfo.environment["PARTNERHUB_PG_BINDIR"] {
            return configured
        }
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? fileManager.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap(Int.init)
            .sorted(by: >)
        for version in versions where fileManager.isExecutableFile(atPath: "\(debianRoot)/\(version)/bin/initdb") {
            return "\(debianRoot)/\(version)/bin"
        }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where fileManager.isExecutableFile(atPath: "\(folder)/initdb") {
            return String(folder)
        }
        throw DatabaseSetupError.postgresNotFound
    }

    private func ensureSystemUser(_ user: String) throws {
        if (try? run("/usr/bin/id", ["-u", user])) != nil { return }
        logger.info("creating the system user \(user) to run PostgreSQL")
        try run("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user])
    }

    @discardableResult
    private func run(_ executable: String, _ arguments: [String], as user: String? = nil) throws -> String {
        let command = user.map { ["/usr/sbin/runuser", "-u", $0, "--", executable] } ?? [executable]
        let (status, output) = try ChildProcess.run(command + arguments)
        guard status == 0 else {
            throw DatabaseSetupError.commandFailed(
                command: ([URL(fileURLWithPath: executable).lastPathComponent] + arguments.suffix(1)).joined(separator: " "),
                status: status,
                output: output
            )
        }
        return output
    }
}

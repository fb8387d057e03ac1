import ArgumentParser
import Foundation
import HubCore
import HubServer
import Hummingbird
import Logging
import Metrics
import Prometheus

/// `partnerhub serve`: the HTTP API on the embedded or a configured PostgreSQL.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the hub's HTTP server.",
        discussion: """
            With no database configured, creates (first run) and starts a private PostgreSQL cluster in \
            --data-dir, applies migrations, and stops the cluster when the server stops (Ctrl-C or SIGTERM). \
            With --database-url or DATABASE_URL, uses that server and starts nothing; run `partnerhub migrate` \
            against it first, or pass --migrate.
            """
    )

    @OptionGroup var hub: HubOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 8080

    @Flag(help: "Mark the session cookie Secure; use whenever the hub is reached over HTTPS.")
    var secureCookies = false

    @Flag(help: "Apply pending migrations before serving an external database (always done for the embedded one).")
    var migrate = false

    @Flag(help: "Seed the demo world (idempotent) and print its logins before serving.")
    var demo = false

    @Flag(inversion: .prefixedNo, help: "Send webhook deliveries; with --no-webhook-delivery they wait in the queue (for fuzzing or tests).")
    var webhookDelivery = true

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, not \(port)") }
    }

    func run() async throws {
        let logger = hub.makeLogger("partnerhub", defaultLevel: .info)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let (settings, embedded) = try await hub.openDatabase(logger: logger, ownRunningCluster: true)
        defer { embedded?.stop() }
        if embedded != nil || migrate || demo {
            try await MigrationRunner(settings: settings, migrations: try Migration.bundled(), logger: logger).run()
        }
        let database = HubDatabase(settings: settings, logger: logger)
        let services = HubServices(database: database, hasher: PasswordHasher(), metrics: registry)
        let host = self.host
        let seedDemo = demo
        let application = try buildApplication(
            services,
            settings: ServerSettings(host: host, port: port, secureCookies: secureCookies),
            webhookSender: webhookDelivery ? WebhookSenderSettings() : nil,
            logger: logger,
            beforeServing: {
                if seedDemo { try await DemoWorld(database: database, hasher: PasswordHasher()).seed(output: say) }
            },
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                say("PartnerHub is listening on http://\(host):\(port)  (Ctrl-C stops it)")
            }
        )
        try await application.runService()
    }
}

/// Writes a line to standard output at once: `print` buffers when the output is a pipe or a
/// file, and a server's address and logins must reach its log before it exits.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

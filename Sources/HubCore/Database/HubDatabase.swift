import Logging
import PostgresNIO

/// The hub's connection pool, as the unprivileged `hub_app` role, and the only way to run queries.
///
/// Every unit of work runs in a transaction that first sets `app.tenant_id` and `app.user_id`
/// with `set_config(…, true)`, so row-level security scopes every statement in it and the
/// setting dies with the transaction instead of leaking to the next user of the connection.
public struct HubDatabase: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    /// - Parameter backgroundLogger: where the pool logs what happens outside queries (defaults to `logger`).
    public init(settings: DatabaseSettings, logger: Logger, backgroundLogger: Logger? = nil) {
        self.client = PostgresClient(
            configuration: settings.appPoolConfiguration(), backgroundLogger: backgroundLogger ?? logger
        )
        self.logger = logger
    }

    /// Runs the connection pool until the task is cancelled; queries wait until it runs.
    public func run() async {
        await client.run()
    }

    /// Runs `body` in a transaction scoped to the principal's tenant (inside `withSnapshot` for the same
    /// principal: in the snapshot's transaction).
    public func withTenant<Result: Sendable>(
        _ principal: Principal,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        if let shared = Self.snapshot, shared.principal == principal {
            do { return try await body(shared.connection) } catch { throw DatabaseErrorTranslation.translate(error) }
        }
        return try await transaction(
            tenant: principal.tenantID.description,
            user: principal.userID?.description ?? "",
            asOperator: principal.isHubOperator,
            body
        )
    }

    /// Runs `body` so that every `withTenant` for `principal` inside it, one after the other, joins one
    /// REPEATABLE READ transaction: a report assembled from several parts sees the data of one moment.
    public func withSnapshot<Result: Sendable>(_ principal: Principal, _ body: () async throws -> Result) async throws -> Result {
        try await transaction(
            tenant: principal.tenantID.description, user: principal.userID?.description ?? "", asOperator: principal.isHubOperator,
            begin: "BEGIN ISOLATION LEVEL REPEATABLE READ"
        ) { connection in
            try await Self.$snapshot.withValue(SharedTransaction(principal: principal, connection: connection)) { try await body() }
        }
    }

    /// The transaction `withSnapshot` shares with the parts of its report.
    struct SharedTransaction: Sendable {
        var principal: Principal
        var connection: PostgresConnection
    }

    @TaskLocal static var snapshot: SharedTransaction?

    /// Runs `body` in a transaction with no tenant set: tenant tables show no rows, and only the
    /// credential look-up functions can see across tenants.
    public func withoutTenant<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await transaction(tenant: "", user: "", asOperator: false, body)
    }

    /// Runs one self-contained statement outside any transaction, with no tenant set (settings made with
    /// `set_config(…, true)` never outlive their transaction, so a pooled connection carries none). For the
    /// credential look-ups every request makes: one round trip instead of four.
    public func withoutTransaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw DatabaseErrorTranslation.translate(error)
        }
    }

    private func transaction<Result: Sendable>(
        tenant: String,
        user: String,
        asOperator: Bool,
        begin: PostgresQuery = "BEGIN",
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.query(begin, logger: logger)
            do {
                let operatorFlag = asOperator ? "on" : ""
                for try await _ in try await connection.execute(
                    SetScope(tenant: tenant, user: user, operatorFlag: operatorFlag), logger: logger
                ) {}
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw DatabaseErrorTranslation.translate(error)
            }
        }
    }

    /// Whether PostgreSQL answers: for `/readyz`.
    public func ping() async -> Bool {
        do {
            try await client.query("SELECT 1", logger: logger)
            return true
        } catch {
            return false
        }
    }

    /// Refuses to serve through a role that row-level security would not bind.
    public func checkAppRole() async throws {
        let rows = try await client.query(
            "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
            logger: logger
        )
        for try await (name, isSuperuser, bypassesRLS) in rows.decode((String, Bool, Bool).self) {
            if isSuperuser || bypassesRLS {
                throw DatabaseSetupError.unsafeAppRole(name)
            }
        }
    }
}

/// The transaction's scope: every request runs it, so it is prepared once per connection, not planned each time.
struct SetScope: PostgresPreparedStatement {
    typealias Row = ()
    static let sql = """
        SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true), set_config('app.operator', $3, true)
        """
    let tenant: String
    let user: String
    let operatorFlag: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        try bindings.append(tenant)
        try bindings.append(user)
        try bindings.append(operatorFlag)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws {}
}

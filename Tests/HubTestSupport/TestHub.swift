import Foundation
import HubCore
import HubServer
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus

/// A hub on its own fresh database, with the services the HTTP layer uses, for one test suite.
public struct TestHub: Sendable {
    public let settings: DatabaseSettings
    public let database: HubDatabase
    public let services: HubServices

    /// bcrypt at its lowest cost: the tests check behaviour, not the work factor.
    public static let hasher = PasswordHasher(cost: 4)
    public static let password = "correct horse battery staple"

    /// Runs `body` with a started connection pool on a fresh database (or on `existing`).
    public static func with<Result: Sendable>(
        database existing: DatabaseSettings? = nil,
        throttle: LoginThrottle = LoginThrottle(),
        _ body: @Sendable (TestHub) async throws -> Result
    ) async throws -> Result {
        let settings: DatabaseSettings
        if let existing {
            settings = existing
        } else {
            settings = try await TestPostgres.shared.makeDatabase()
        }
        // The pool's task starts beside the test body, so its first lease may come first: that is fine, say nothing.
        var quiet = TestPostgres.shared.logger
        quiet.logLevel = .error
        let database = HubDatabase(settings: settings, logger: TestPostgres.shared.logger, backgroundLogger: quiet)
        let hub = TestHub(
            settings: settings,
            database: database,
            services: HubServices(database: database, hasher: hasher, throttle: throttle, metrics: PrometheusCollectorRegistry())
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            return try await body(hub)
        }
    }

    /// Runs `body` against the hub's HTTP routes in-process.
    public func withClient<Result: Sendable>(
        settings: ServerSettings = ServerSettings(),
        _ body: @Sendable (any TestClientProtocol) async throws -> Result
    ) async throws -> Result {
        let router = try buildRouter(services, settings: settings)
        let application = Application(router: router, logger: TestPostgres.shared.logger)
        return try await application.test(.router) { client in try await body(client) }
    }

    // MARK: - Building a world

    /// A tenant with an owner, created as the command line would.
    public func makeTenant(_ slug: String, name: String? = nil) async throws -> TestTenant {
        let id = TenantID()
        let system = Caller(principal: Principal(tenantID: id, userID: nil, role: .owner, isHubOperator: true), requestID: "test")
        let tenant = try await services.tenants.create(system, id: id, slug: slug, name: name ?? slug.capitalized)
        let owner = try await services.users.create(
            system, email: "owner@\(slug).example", displayName: "Owner of \(slug)", role: .owner, password: Self.password
        )
        return TestTenant(tenant: tenant, owner: owner)
    }

    /// A user of `tenant` with `role` and the test password.
    public func makeUser(in tenant: TestTenant, role: Role, email: String? = nil, hubOperator: Bool = false) async throws -> User {
        let caller = Caller(
            principal: Principal(tenantID: tenant.id, userID: nil, role: .owner, isHubOperator: true), requestID: "test"
        )
        return try await services.users.create(
            caller, email: email ?? "\(role.rawValue)-\(UUID().uuidString.prefix(6))@\(tenant.tenant.slug).example",
            displayName: "\(role.rawValue) of \(tenant.tenant.slug)", role: role, password: Self.password, isHubOperator: hubOperator
        )
    }

    /// A bearer token acting as `user`.
    public func token(for user: User) async throws -> String {
        let caller = Caller(principal: Principal(tenantID: user.tenantID, userID: user.id, role: user.role), requestID: "test")
        return try await services.tokens.create(caller, name: "test", lifetimeDays: 1).secret
    }
}

/// A tenant made for a test, with its owner.
public struct TestTenant: Sendable {
    public let tenant: Tenant
    public let owner: User

    public var id: TenantID { tenant.id }

    /// The owner acting directly (not over HTTP).
    public var ownerCaller: Caller {
        Caller(principal: Principal(tenantID: tenant.id, userID: owner.id, role: .owner), requestID: "test")
    }
}

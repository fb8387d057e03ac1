import HubCore
import Hummingbird
import Logging
import NIOCore
import PRM
import Prometheus
import ServiceLifecycle

/// Everything the HTTP layer calls into, built once by the composition root.
public struct HubServices: Sendable {
    public let database: HubDatabase
    public let authenticator: Authenticator
    public let tenants: TenantDirectory
    public let users: UserDirectory
    public let tokens: APITokens
    public let partnerships: Partnerships
    public let leads: Leads
    public let accounts: Accounts, contacts: Contacts, opportunities: Opportunities, leadConversion: LeadConversion
    public let dealRegistrations: DealRegistrations, pipelineMetrics: PipelineMetrics
    public let webhooks: WebhookEndpoints
    public let surveys: Surveys
    public let partnerChurn: PartnerChurn
    public let leadOffers: LeadOffers
    public let partnerProfiles: PartnerProfiles
    public let distributionRules: DistributionRules
    public let promotions: Promotions
    public let sellThrough: SellThrough
    public let claims: Claims
    public let scorecards: PartnerScorecards
    public let metrics: PrometheusCollectorRegistry

    public init(database: HubDatabase, hasher: PasswordHasher, throttle: LoginThrottle = LoginThrottle(), metrics: PrometheusCollectorRegistry) {
        self.database = database
        self.authenticator = Authenticator(database: database, hasher: hasher, throttle: throttle)
        self.tenants = TenantDirectory(database: database)
        self.users = UserDirectory(database: database, hasher: hasher)
        self.tokens = APITokens(database: database)
        self.partnerships = Partnerships(database: database)
        self.leads = Leads(database: database)
        self.accounts = Accounts(database: database)
        self.contacts = Contacts(database: database)
        self.opportunities = Opportunities(database: database)
        self.leadConversion = LeadConversion(database: database)
        self.dealRegistrations = DealRegistrations(database: database)
        self.pipelineMetrics = PipelineMetrics(database: database)
        self.webhooks = WebhookEndpoints(database: database)
        self.surveys = Surveys(database: database)
        self.partnerChurn = PartnerChurn(database: database)
        self.leadOffers = LeadOffers(database: database)
        self.partnerProfiles = PartnerProfiles(database: database)
        self.distributionRules = DistributionRules(database: database)
        self.promotions = Promotions(database: database)
        self.sellThrough = SellThrough(database: database)
        self.claims = Claims(database: database)
        self.scorecards = PartnerScorecards(
            database: database, offers: leadOffers, pipeline: pipelineMetrics, promotions: promotions, churn: partnerChurn, surveys: surveys
        )
        self.metrics = metrics
    }
}

/// How the HTTP server listens and sets cookies.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Mark the session cookie `Secure`: on whenever the hub is reached over HTTPS.
    public var secureCookies: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
    }
}

/// The hub's routes and middleware.
public func buildRouter(_ services: HubServices, settings: ServerSettings) throws -> Router<HubRequestContext> {
    let router = Router(context: HubRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: AuthenticationMiddleware(authenticator: services.authenticator))

    OperationsController(
        database: services.database, metrics: services.metrics, openAPIDocument: try OperationsController.bundledDocument()
    ).addRoutes(to: router)

    let api = router.group("api/v1")
    let auth = AuthController(
        authenticator: services.authenticator, users: services.users, tenants: services.tenants, secureCookies: settings.secureCookies
    )
    auth.addPublicRoutes(to: api)
    auth.addRoutes(to: api)
    TenantsController(tenants: services.tenants).addRoutes(to: api)
    UsersController(users: services.users).addRoutes(to: api)
    TokensController(tokens: services.tokens).addRoutes(to: api)
    PartnershipsController(partnerships: services.partnerships).addRoutes(to: api)
    LeadsController(leads: services.leads).addRoutes(to: api)
    AccountsController(accounts: services.accounts).addRoutes(to: api)
    ContactsController(contacts: services.contacts).addRoutes(to: api)
    OpportunitiesController(opportunities: services.opportunities, conversion: services.leadConversion).addRoutes(to: api)
    DealRegistrationsController(registrations: services.dealRegistrations).addRoutes(to: api)
    WebhooksController(endpoints: services.webhooks).addRoutes(to: api)
    SurveysController(surveys: services.surveys).addRoutes(to: api)
    PartnerHealthController(churn: services.partnerChurn, surveys: services.surveys).addRoutes(to: api)
    ScorecardsController(scorecards: services.scorecards).addRoutes(to: api)
    LeadOffersController(offers: services.leadOffers, rules: services.distributionRules).addRoutes(to: api)
    PartnerProfilesController(profiles: services.partnerProfiles).addRoutes(to: api)
    DistributionController(rules: services.distributionRules).addRoutes(to: api)
    PromotionsController(promotions: services.promotions).addRoutes(to: api)
    SellThroughController(sellThrough: services.sellThrough).addRoutes(to: api)
    ClaimsController(claims: services.claims).addRoutes(to: api)
    AuditController(database: services.database).addRoutes(to: api)
    return router
}

/// The hub's HTTP application, running the database pool and the webhook sender as services beside the server.
public func buildApplication(
    _ services: HubServices,
    settings: ServerSettings,
    webhookSender: WebhookSenderSettings? = WebhookSenderSettings(),
    logger: Logger,
    beforeServing: @escaping @Sendable () async throws -> Void = {},
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    // `nil` settings keep deliveries queued without sending them (e.g. while fuzzing the API).
    let webhookSenders: [any Service] = webhookSender.map { [WebhookSender(database: services.database, settings: $0, logger: logger)] } ?? []
    var application = Application(
        router: try buildRouter(services, settings: settings),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "PartnerHub"),
        services: [
            services.database.client,
            PeriodicJob(name: "expired lead offers", interval: .seconds(60), logger: logger) { try await services.leadOffers.expireDue() },
            PeriodicJob(name: "moved promotions along the calendar", interval: .seconds(300), logger: logger) {
                try await services.promotions.advanceAllDue()
            },
            PeriodicJob(name: "expired deal registrations", interval: .seconds(300), logger: logger) {
                try await services.dealRegistrations.expireAllDue()
            },
        ] + webhookSenders,
        onServerRunning: onServerRunning,
        logger: logger
    )
    application.beforeServerStarts {
        try await services.database.checkAppRole()
        try await beforeServing()
    }
    return application
}

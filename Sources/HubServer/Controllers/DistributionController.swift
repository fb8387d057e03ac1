import HubCore
import Hummingbird
import PRM

/// Distribution rules and their runs.
struct DistributionController {
    let rules: DistributionRules

    struct RuleRequest: RequestBody {
        static let fields: Set<String> = [
            "name", "strategy", "leadCountries", "leadRegions", "leadSources", "eligibleTiers", "perPartnerCapacity", "slaHours",
            "exclusive", "sharedFields", "active",
        ]
        var name: String?
        var strategy: Choice<DistributionStrategy>?
        var leadCountries: [String]?
        var leadRegions: [String]?
        var leadSources: [Choice<LeadSource>]?
        var eligibleTiers: [String]?
        var perPartnerCapacity: Int?
        var slaHours: Int?
        var exclusive: Bool?
        var sharedFields: [Choice<SharedLeadField>]?
        var active: Bool?

        var draft: DistributionRuleDraft {
            DistributionRuleDraft(
                name: name, strategy: strategy?.value, leadCountries: leadCountries, leadRegions: leadRegions,
                leadSources: leadSources?.map(\.value), eligibleTiers: eligibleTiers, perPartnerCapacity: perPartnerCapacity,
                slaHours: slaHours, exclusive: exclusive, sharedFields: sharedFields?.map(\.value), active: active
            )
        }
    }

    struct RunRequest: RequestBody {
        static let fields: Set<String> = ["leadIDs", "seed"]
        var leadIDs: [String]?
        var seed: Int64?
    }

    struct Rules: Encodable {
        var items: [DistributionRule]
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("distribution-rules", use: list)
        router.post("distribution-rules", use: create)
        router.get("distribution-rules/:ruleID", use: show)
        router.patch("distribution-rules/:ruleID", use: update)
        router.post("distribution-rules/:ruleID/runs", use: run)
        router.get("distribution-rules/:ruleID/timeline", use: timeline)
        router.get("distribution-runs/:runID", use: showRun)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(Rules(items: try await rules.list(try context.caller())))
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(RuleRequest.self, context: context)
        return try JSONResponse.make(try await rules.create(caller, body.draft), status: .created)
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("ruleID", of: DistributionRuleKind.self, what: "distribution rule")
        return try JSONResponse.make(try await rules.get(try context.caller(), id: id))
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("ruleID", of: DistributionRuleKind.self, what: "distribution rule")
        var request = request
        let body = try await request.decode(RuleRequest.self, context: context)
        return try JSONResponse.make(try await rules.update(caller, id: id, body.draft))
    }

    @Sendable func run(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("ruleID", of: DistributionRuleKind.self, what: "distribution rule")
        var request = request
        let body = try await request.decode(RunRequest.self, context: context)
        var leads: [LeadID]?
        if let raw = body.leadIDs {
            let malformed = raw.enumerated().filter { LeadID($0.element) == nil }
            guard malformed.isEmpty else {
                throw HubError.invalid(malformed.map { FieldIssue("/leadIDs/\($0.offset)", "must be a lead id (UUID)") })
            }
            leads = raw.compactMap { LeadID($0) }
        }
        return try JSONResponse.make(try await rules.run(caller, rule: id, leads: leads, seed: body.seed), status: .created)
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("ruleID", of: DistributionRuleKind.self, what: "distribution rule")
        return try JSONResponse.make(try await rules.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }

    @Sendable func showRun(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("runID", of: DistributionRunKind.self, what: "distribution run")
        return try JSONResponse.make(try await rules.run(try context.caller(), id: id))
    }
}

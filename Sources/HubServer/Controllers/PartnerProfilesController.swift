import HubCore
import Hummingbird
import PRM

/// The channel manager's profiles of its partners.
struct PartnerProfilesController {
    let profiles: PartnerProfiles

    struct ProfileRequest: RequestBody {
        static let fields: Set<String> = ["tier", "territories", "capacity", "leadWeight"]
        var tier: String?
        var territories: [String]?
        var capacity: Int?
        var leadWeight: Int?
    }

    struct Profiles: Encodable {
        var items: [PartnerProfile]
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("partner-profiles", use: list)
        router.get("partner-profiles/:partnerTenantID", use: show)
        router.put("partner-profiles/:partnerTenantID", use: put)
        router.delete("partner-profiles/:partnerTenantID", use: delete)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(Profiles(items: try await profiles.list(try context.caller())))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let partner = try context.parameters.id("partnerTenantID", of: TenantKind.self, what: "partner profile")
        return try JSONResponse.make(try await profiles.get(try context.caller(), partner: partner))
    }

    @Sendable func delete(_ request: Request, context: HubRequestContext) async throws -> Response {
        let partner = try context.parameters.id("partnerTenantID", of: TenantKind.self, what: "partner profile")
        try await profiles.delete(try context.caller(), partner: partner)
        return Response(status: .noContent)
    }

    @Sendable func put(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let partner = try context.parameters.id("partnerTenantID", of: TenantKind.self, what: "partner")
        var request = request
        let body = try await request.decode(ProfileRequest.self, context: context)
        let draft = PartnerProfileDraft(tier: body.tier, territories: body.territories, capacity: body.capacity, leadWeight: body.leadWeight)
        return try JSONResponse.make(try await profiles.put(caller, partner: partner, draft))
    }
}

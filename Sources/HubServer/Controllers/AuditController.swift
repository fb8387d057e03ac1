import HubCore
import Hummingbird

/// The tenant's own audit trail.
struct AuditController {
    let database: HubDatabase

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("audit", use: list)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        try caller.principal.require(.admin, to: "reading the audit log")
        return try JSONResponse.make(try await AuditLog.list(database, caller, page: try request.pageRequest))
    }
}

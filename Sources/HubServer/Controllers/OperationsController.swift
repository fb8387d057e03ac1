import Foundation
import HubCore
import Hummingbird
import Prometheus

/// Liveness, readiness, metrics and the API description: the routes an operator's tooling polls.
struct OperationsController {
    let database: HubDatabase
    let metrics: PrometheusCollectorRegistry
    let openAPIDocument: ByteBuffer

    struct Status: Encodable {
        var status: String
        var database: String?
    }

    func addRoutes(to router: Router<HubRequestContext>) {
        router.get("healthz") { _, _ in try JSONResponse.make(Status(status: "ok")) }
        router.get("readyz", use: ready)
        router.get("metrics", use: exposition)
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openAPIDocument))
        }
    }

    @Sendable func ready(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard await database.ping() else {
            throw Problem(.unavailable, "the database is not reachable")
        }
        return try JSONResponse.make(Status(status: "ready", database: "ok"))
    }

    @Sendable func exposition(_ request: Request, context: HubRequestContext) async throws -> Response {
        var text: [UInt8] = []
        metrics.emit(into: &text)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: text))
        )
    }

    /// The OpenAPI document shipped with the server: `openapi.json` plus one fragment per business area
    /// (`paths`, `tags` and `components` merged in), so each area keeps its routes' description beside its peers'.
    static func bundledDocument() throws -> ByteBuffer {
        ByteBuffer(bytes: try OpenAPIDocument.merged(in: try OpenAPIDocument.bundledFolder()))
    }
}

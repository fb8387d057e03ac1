import HTTPTypes
import Foundation
import HubCore
import HubServer
import HubTestSupport
import Hummingbird
import Testing

/// The OpenAPI document describes exactly the routes the server registers.
@Suite struct APIDocumentTests {
    @Test func everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        try await TestHub.with { hub in
            let router = try buildRouter(hub.services, settings: ServerSettings())
            let registered = Set(
                router.routes.map { route in
                    // Hummingbird prints parameters as {name}, as OpenAPI does.
                    "\(route.method.rawValue.lowercased()) \(route.path.description)"
                }
            )
            let documented = try await hub.withClient { client in
                let response = try await client.call(.get, "/openapi.json")
                #expect(response.status == .ok)
                #expect(response.json["openapi"] as? String == "3.1.0")
                let paths = try #require(response.json["paths"] as? [String: [String: any Sendable]])
                return Set(paths.flatMap { path, operations in operations.keys.map { "\($0) \(path)" } })
            }
            #expect(registered.subtracting(documented).isEmpty, "undocumented routes: \(registered.subtracting(documented).sorted())")
            #expect(documented.subtracting(registered).isEmpty, "documented but missing: \(documented.subtracting(registered).sorted())")
        }
    }
}

import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import Hummingbird
import Testing

/// The HTTP conventions every route shares: problem details, limits, request ids, pagination, health.
@Suite struct ConventionsTests {
    @Test func healthReadinessAndMetricsAnswer() async throws {
        try await TestHub.with { hub in
            try await hub.withClient { client in
                let health = try await client.call(.get, "/healthz")
                #expect(health.status == .ok && health.json["status"] as? String == "ok")
                let ready = try await client.call(.get, "/readyz")
                #expect(ready.status == .ok && ready.json["database"] as? String == "ok")
                let metrics = try await client.call(.get, "/metrics")
                #expect(metrics.status == .ok)
                #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            }
        }
    }

    @Test func everyResponseCarriesARequestIDAndSecurityHeaders() async throws {
        try await TestHub.with { hub in
            try await hub.withClient { client in
                let minted = try await client.call(.get, "/healthz")
                #expect((minted.headers[.init("X-Request-Id")!]?.count ?? 0) >= 16)
                let echoed = try await client.call(.get, "/api/v1/nowhere", headers: [.init("X-Request-Id")!: "trace-42"])
                #expect(echoed.headers[.init("X-Request-Id")!] == "trace-42")
                #expect(echoed.json["instance"] as? String == "trace-42")
                let hostile = try await client.call(.get, "/healthz", headers: [.init("X-Request-Id")!: "bad id\twith tabs"])
                #expect(hostile.headers[.init("X-Request-Id")!] != "bad id\twith tabs")
                for response in [minted, echoed] {
                    #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff")
                    #expect(response.headers[.init("Content-Security-Policy")!]?.contains("frame-ancestors 'none'") == true)
                }
            }
        }
    }

    @Test func unknownRoutesAndMissingCredentialsAreProblemDetails() async throws {
        try await TestHub.with { hub in
            try await hub.withClient { client in
                let missing = try await client.call(.get, "/api/v1/no-such-thing")
                #expect(missing.status == .notFound)
                #expect(missing.headers[.contentType] == "application/problem+json")
                #expect(missing.json["type"] as? String == "/problems/not-found")
                let anonymous = try await client.call(.get, "/api/v1/users")
                #expect(anonymous.status == .unauthorized && anonymous.json["type"] as? String == "/problems/unauthenticated")
                let forged = try await client.call(.get, "/api/v1/users", token: "phk_forged")
                #expect(forged.status == .unauthorized)
            }
        }
    }

    @Test func badBodiesGetActionableFourHundreds() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                let malformed = try await client.call(.post, "/api/v1/users", token: token, body: #"{"email": "x@y.example", "#)
                #expect(malformed.status == .badRequest && malformed.json["type"] as? String == "/problems/malformed-request")
                #expect((malformed.json["detail"] as? String)?.contains("not valid JSON") == true)

                let notObject = try await client.call(.post, "/api/v1/users", token: token, body: "[1, 2]")
                #expect(notObject.status == .badRequest)

                let missingField = try await client.call(.post, "/api/v1/users", token: token, json: ["email": "new@alpha.example", "role": "member"])
                #expect(missingField.status == .unprocessableContent)
                #expect(Self.fields(missingField) == ["/displayName"])

                let wrongType = try await client.call(
                    .post, "/api/v1/users", token: token, json: ["email": 42, "displayName": "N", "role": "member"]
                )
                #expect(wrongType.status == .unprocessableContent && Self.fields(wrongType) == ["/email"])

                let badRole = try await client.call(
                    .post, "/api/v1/users", token: token, json: ["email": "n@alpha.example", "displayName": "N", "role": "emperor"]
                )
                #expect(badRole.status == .unprocessableContent)
                #expect((badRole.json["detail"] as? String)?.contains("must be one of member, channel_manager, admin, owner") == true)

                let unknownField = try await client.call(
                    .post, "/api/v1/users", token: token,
                    json: ["email": "n@alpha.example", "displayName": "N", "role": "member", "tenantID": a.id.description]
                )
                #expect(unknownField.status == .unprocessableContent && Self.fields(unknownField) == ["/tenantID"])

                let badEmail = try await client.call(
                    .post, "/api/v1/users", token: token, json: ["email": "not-an-address", "displayName": "N", "role": "member"]
                )
                #expect(badEmail.status == .unprocessableContent && Self.fields(badEmail) == ["/email"])

                let nul = try await client.call(
                    .post, "/api/v1/partnerships", token: token, body: #"{"partnerSlug": "a\u0000b", "note": "ok"}"#
                )
                #expect(nul.status == .unprocessableContent && Self.fields(nul) == ["/partnerSlug"])

                let huge = try await client.call(
                    .post, "/api/v1/users", token: token, body: #"{"displayName": ""# + String(repeating: "a", count: 1_100_000) + #""}"#
                )
                #expect(huge.status == .contentTooLarge && huge.json["type"] as? String == "/problems/payload-too-large")

                let wrongMediaType = try await client.call(
                    .post, "/api/v1/users", token: token, body: "email=x", headers: [.contentType: "application/x-www-form-urlencoded"]
                )
                #expect(wrongMediaType.status == .unsupportedMediaType)

                // None of it changed anything.
                let users = try await client.call(.get, "/api/v1/users", token: token)
                #expect(users.items.count == 1)
            }
        }
    }

    @Test func listsPageWithCursorsWithoutGapsOrRepeats() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            for index in 0..<4 { _ = try await hub.makeUser(in: a, role: .member, email: "user\(index)@alpha.example") }
            let token = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let uri = "/api/v1/users?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let page = try await client.call(.get, uri, token: token)
                    #expect(page.status == .ok && page.items.count <= 2)
                    seen += page.items.compactMap { $0["email"] as? String }
                    cursor = page.json["nextCursor"] as? String
                } while cursor != nil
                #expect(seen == seen.sorted() && Set(seen).count == 5)
                let badCursor = try await client.call(.get, "/api/v1/users?cursor=garbage!", token: token)
                #expect(badCursor.status == .unprocessableContent && Self.fields(badCursor) == ["cursor"])
                let badLimit = try await client.call(.get, "/api/v1/users?limit=100000", token: token)
                #expect(badLimit.status == .unprocessableContent && Self.fields(badLimit) == ["limit"])
            }
        }
    }

    static func fields(_ response: APIResponse) -> [String] {
        (response.json["errors"] as? [[String: any Sendable]] ?? []).compactMap { $0["field"] as? String }
    }
}

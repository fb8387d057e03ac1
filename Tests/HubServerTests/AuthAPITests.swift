import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import Hummingbird
import Testing

@Suite struct AuthAPITests {
    @Test func loginSetsAnHttpOnlySameSiteCookieThatAuthenticatesUntilLogout() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            try await hub.withClient { client in
                let login = try await client.call(
                    .post, "/api/v1/auth/login", json: ["email": "owner@alpha.example", "password": TestHub.password]
                )
                #expect(login.status == .ok)
                let setCookie = try #require(login.headers[.setCookie])
                #expect(setCookie.hasPrefix("partnerhub_session="))
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
                #expect((login.json["user"] as? [String: any Sendable])?["id"] as? String == a.owner.id.description)
                let cookie = String(setCookie.split(separator: ";")[0])

                let me = try await client.call(.get, "/api/v1/me", headers: [.cookie: cookie])
                #expect(me.status == .ok && (me.json["tenant"] as? [String: any Sendable])?["slug"] as? String == "alpha")

                let crossSite = try await client.call(
                    .post, "/api/v1/tokens", json: ["name": "x"], headers: [.cookie: cookie, .init("Origin")!: "https://evil.example"]
                )
                #expect(crossSite.status == .forbidden)

                let logout = try await client.call(.post, "/api/v1/auth/logout", headers: [.cookie: cookie])
                #expect(logout.status == .noContent)
                let after = try await client.call(.get, "/api/v1/me", headers: [.cookie: cookie])
                #expect(after.status == .unauthorized)
            }
        }
    }

    @Test func behindHTTPSTheCookieIsSecureAndHostPrefixed() async throws {
        try await TestHub.with { hub in
            _ = try await hub.makeTenant("alpha")
            try await hub.withClient(settings: ServerSettings(secureCookies: true)) { client in
                let login = try await client.call(
                    .post, "/api/v1/auth/login", json: ["email": "owner@alpha.example", "password": TestHub.password]
                )
                let setCookie = try #require(login.headers[.setCookie])
                #expect(setCookie.hasPrefix("__Host-partnerhub_session=") && setCookie.contains("Secure") && !setCookie.contains("Domain"))
                let cookie = String(setCookie.split(separator: ";")[0])
                #expect(try await client.call(.get, "/api/v1/me", headers: [.cookie: cookie]).status == .ok)
            }
        }
    }

    @Test func repeatedBadLoginsGet429WithRetryAfter() async throws {
        try await TestHub.with { hub in
            _ = try await hub.makeTenant("alpha")
            try await hub.withClient { client in
                var statuses: [HTTPResponse.Status] = []
                for attempt in 1...6 {
                    let response = try await client.call(
                        .post, "/api/v1/auth/login", json: ["email": "owner@alpha.example", "password": "wrong guess \(attempt)"]
                    )
                    statuses.append(response.status)
                    if response.status == .tooManyRequests {
                        #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
                        #expect(response.json["type"] as? String == "/problems/too-many-requests")
                    }
                }
                #expect(statuses.prefix(5).allSatisfy { $0 == .unauthorized })
                #expect(statuses.last == .tooManyRequests)
            }
        }
    }

    @Test func aTokenIsShownOnceListedWithoutItsSecretAndRevocable() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let bootstrap = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                let created = try await client.call(.post, "/api/v1/tokens", token: bootstrap, json: ["name": "ci", "expiresInDays": 30])
                #expect(created.status == .created)
                let secret = try #require(created.json["token"] as? String)
                let id = try #require((created.json["apiToken"] as? [String: any Sendable])?["id"] as? String)
                #expect(try await client.call(.get, "/api/v1/me", token: secret).status == .ok)
                let listed = try await client.call(.get, "/api/v1/tokens", token: bootstrap)
                #expect(listed.items.count == 2 && !listed.body.contains(secret))
                #expect(try await client.call(.delete, "/api/v1/tokens/\(id)", token: bootstrap).status == .ok)
                #expect(try await client.call(.get, "/api/v1/me", token: secret).status == .unauthorized)
                let tooLong = try await client.call(.post, "/api/v1/tokens", token: bootstrap, json: ["name": "ci", "expiresInDays": 9999])
                #expect(tooLong.status == .unprocessableContent)
            }
        }
    }
}

@Suite struct AuditAPITests {
    @Test func everyStateChangingCallIsInTheAuditTrail() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            _ = try await hub.makeTenant("bravo")
            let token = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                let user = try await client.call(
                    .post, "/api/v1/users", token: token,
                    json: ["email": "new@alpha.example", "displayName": "New Person", "role": "member", "password": "a fine long password"],
                    headers: [.init("X-Request-Id")!: "req-create-user"]
                )
                #expect(user.status == .created)
                let userID = try #require(user.json["id"] as? String)
                #expect(try await client.call(.patch, "/api/v1/users/\(userID)", token: token, json: ["role": "admin"]).status == .ok)
                let invite = try await client.call(.post, "/api/v1/partnerships", token: token, json: ["partnerSlug": "bravo"])
                #expect(invite.status == .created)

                let audit = try await client.call(.get, "/api/v1/audit", token: token)
                #expect(audit.status == .ok)
                let actions = audit.items.compactMap { $0["action"] as? String }
                #expect(Array(actions.prefix(4)) == ["partnership.invite", "user.update", "user.create", "token.create"])
                let creation = try #require(audit.items.first { $0["action"] as? String == "user.create" })
                #expect(creation["requestID"] as? String == "req-create-user")
                #expect(creation["targetID"] as? String == userID)
                #expect(creation["actorUserID"] as? String == a.owner.id.description)
            }
        }
    }

    @Test func membersCannotReadTheAuditTrail() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let member = try await hub.makeUser(in: a, role: .member)
            let token = try await hub.token(for: member)
            try await hub.withClient { client in
                let response = try await client.call(.get, "/api/v1/audit", token: token)
                #expect(response.status == .forbidden && response.json["type"] as? String == "/problems/forbidden")
            }
        }
    }
}

import Foundation
import HubCore
import HubServer
import HubTestSupport
import PostgresNIO
import Testing

@Suite struct PasswordTests {
    @Test func productionHashesUseBcryptCostTwelve() async throws {
        #expect(PasswordHasher().cost >= 12)
        let hash = try await PasswordHasher().hash("a long enough password")
        #expect(hash.hasPrefix("bcrypt-sha256$$2") && hash.contains("$12$"))
    }

    @Test func aPasswordVerifiesAndAnotherDoesNot() async throws {
        let hasher = PasswordHasher(cost: 4)
        let hash = try await hasher.hash("correct horse battery staple")
        #expect(try await hasher.verify("correct horse battery staple", against: hash))
        #expect(try await !hasher.verify("correct horse battery stapler", against: hash))
    }

    @Test func passwordsDifferingOnlyAfterByte72AreNotConfused() async throws {
        let hasher = PasswordHasher(cost: 4)
        let prefix = String(repeating: "p", count: 72)
        let hash = try await hasher.hash(prefix + "-first-ending")
        #expect(try await !hasher.verify(prefix + "-other-ending", against: hash))
    }

    @Test func aCheaperHashIsRedoneAtTheConfiguredCost() async throws {
        let cheap = try await PasswordHasher(cost: 4).hash("some password here")
        #expect(PasswordHasher(cost: 12).needsRehash(cheap))
        #expect(!PasswordHasher(cost: 4).needsRehash(cheap))
    }

    @Test(arguments: [
        ("short", "at least 12"),
        (String(repeating: "ab", count: 65), "at most 128"),
        ("aaaaaaaaaaaaaaaa", "too few different"),
        ("olivia-rocks-2026!", "must not contain your e-mail"),
    ])
    func weakPasswordsAreRefusedWithTheReason(password: String, reason: String) {
        #expect {
            try PasswordPolicy.check(password, email: "olivia@northwind.example")
        } throws: { error in
            guard case HubError.invalid(let issues) = error else { return false }
            return issues.first?.field == "/password" && issues.first?.message.contains(reason) == true
        }
    }
}

@Suite struct EmailAddressTests {
    @Test func addressesAreTrimmedAndLowerCased() throws {
        #expect(try EmailAddress.normalize("  Carla@NorthWind.Example ", field: "/email") == "carla@northwind.example")
    }

    @Test(arguments: ["carla", "carla@", "@northwind.example", "carla@localhost", "car la@x.example", "a@b@c.example", "c@-x.example"])
    func malformedAddressesAreRefused(address: String) {
        #expect(throws: HubError.self) { try EmailAddress.normalize(address, field: "/email") }
    }
}

@Suite struct AuthenticationTests {
    @Test func theRightPasswordOpensASessionThatResolvesToTheUser() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let grant = try await hub.services.authenticator.login(
                email: "OWNER@alpha.example", password: TestHub.password, clientAddress: "10.0.0.1", requestID: "r1"
            )
            #expect(grant.principal.userID == a.owner.id && grant.principal.role == .owner)
            let resolved = try await hub.services.authenticator.principal(forSession: grant.token)
            #expect(resolved?.tenantID == a.id && resolved?.userID == a.owner.id)
            #expect(try await hub.services.authenticator.principal(forSession: grant.token + "x") == nil)
        }
    }

    @Test func aWrongPasswordOrUnknownAccountIsUnauthenticatedAlike() async throws {
        try await TestHub.with { hub in
            _ = try await hub.makeTenant("alpha")
            for email in ["owner@alpha.example", "nobody@alpha.example"] {
                await #expect(throws: HubError.unauthenticated) {
                    try await hub.services.authenticator.login(email: email, password: "wrong password!", clientAddress: "10.0.0.2", requestID: "r")
                }
            }
        }
    }

    @Test func repeatedFailuresForOneAccountAreThrottled() async throws {
        try await TestHub.with { hub in
            _ = try await hub.makeTenant("alpha")
            let authenticator = hub.services.authenticator
            for attempt in 1...5 {
                await #expect(throws: HubError.unauthenticated, "attempt \(attempt)") {
                    try await authenticator.login(
                        email: "owner@alpha.example", password: "guess \(attempt) wrong", clientAddress: "10.0.0.\(attempt)", requestID: "r"
                    )
                }
            }
            // Even the right password waits now: the lock is checked before the password.
            await #expect {
                try await authenticator.login(email: "owner@alpha.example", password: TestHub.password, clientAddress: "10.9.9.9", requestID: "r")
            } throws: { error in
                guard case HubError.throttled(let seconds) = error else { return false }
                return (1...30).contains(seconds)
            }
        }
    }

    @Test func oneAddressGuessingAtManyAccountsIsThrottled() async throws {
        let throttle = LoginThrottle(
            address: .init(threshold: 3, window: .seconds(60), baseLock: .seconds(60), maximumLock: .seconds(600))
        )
        try await TestHub.with(throttle: throttle) { hub in
            _ = try await hub.makeTenant("alpha")
            for attempt in 1...3 {
                await #expect(throws: HubError.unauthenticated) {
                    try await hub.services.authenticator.login(
                        email: "user\(attempt)@alpha.example", password: "whatever-123456", clientAddress: "192.0.2.7", requestID: "r"
                    )
                }
            }
            // The lock is 60 s from the third failure; on a slow machine a second or two may pass before the check.
            let error = await #expect(throws: HubError.self) {
                try await hub.services.authenticator.login(
                    email: "owner@alpha.example", password: TestHub.password, clientAddress: "192.0.2.7", requestID: "r"
                )
            }
            guard case .throttled(let retryAfter)? = error else { Issue.record("not throttled: \(String(describing: error))"); return }
            #expect((55...60).contains(retryAfter))
        }
    }

    @Test func disablingAUserEndsTheirSessionsAndTokensAtOnce() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let member = try await hub.makeUser(in: a, role: .member, email: "mo@alpha.example")
            let grant = try await hub.services.authenticator.login(
                email: "mo@alpha.example", password: TestHub.password, clientAddress: "10.0.0.3", requestID: "r"
            )
            let token = try await hub.token(for: member)
            _ = try await hub.services.users.update(a.ownerCaller, id: member.id, displayName: nil, role: nil, disabled: true)
            #expect(try await hub.services.authenticator.principal(forSession: grant.token) == nil)
            #expect(try await hub.services.authenticator.principal(forAPIToken: token) == nil)
            await #expect(throws: HubError.unauthenticated) {
                try await hub.services.authenticator.login(
                    email: "mo@alpha.example", password: TestHub.password, clientAddress: "10.0.0.4", requestID: "r"
                )
            }
        }
    }

    @Test func aRevokedOrLoggedOutCredentialStopsWorking() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            let principal = try #require(try await hub.services.authenticator.principal(forAPIToken: token))
            let caller = Caller(principal: principal, requestID: "r")
            _ = try await hub.services.tokens.revoke(caller, id: principal.credentialID!)
            #expect(try await hub.services.authenticator.principal(forAPIToken: token) == nil)

            let grant = try await hub.services.authenticator.login(
                email: "owner@alpha.example", password: TestHub.password, clientAddress: "10.0.0.5", requestID: "r"
            )
            try await hub.services.authenticator.logout(Caller(principal: grant.principal, requestID: "r"))
            #expect(try await hub.services.authenticator.principal(forSession: grant.token) == nil)
        }
    }

    @Test func tokensAreStoredOnlyAsHashes() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            #expect(token.hasPrefix(APITokens.prefix) && token.count >= APITokens.prefix.count + 43)
            let stored = try await hub.database.withTenant(a.ownerCaller.principal) { connection in
                try await connection.query("SELECT token_hash FROM hub.api_tokens", logger: hub.database.logger)
                    .decode(Data.self).all()
            }
            #expect(stored == [Secrets.hash(token)])
        }
    }
}

import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PRM
import Testing

@Suite struct AccountTests {
    @Test func accountsStoreNormalizedDomainsAndCountriesAndListByFilter() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let accounts = Accounts(database: hub.database)
            let acme = try await accounts.create(a.ownerCaller, AccountFields(name: " Acme, Inc. ", domain: "WWW.Acme.Example.", country: "de"))
            #expect(acme.name == "Acme, Inc." && acme.domain == "acme.example" && acme.country == "DE")
            let globex = try await accounts.create(a.ownerCaller, AccountFields(name: "Globex", country: "US", ownerUserID: a.owner.id))
            let german = try await accounts.list(a.ownerCaller, filter: AccountFilter(country: "de"), page: PageRequest())
            #expect(german.items.map(\.id) == [acme.id])
            let byDomain = try await accounts.list(a.ownerCaller, filter: AccountFilter(domain: "acme.example"), page: PageRequest())
            #expect(byDomain.items.map(\.id) == [acme.id])
            let owned = try await accounts.list(a.ownerCaller, filter: AccountFilter(ownerUserID: a.owner.id), page: PageRequest())
            #expect(owned.items.map(\.id) == [globex.id])
        }
    }

    @Test func aDomainBelongsToOneAccountPerTenantButOtherTenantsMayUseIt() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            let accounts = Accounts(database: hub.database)
            let first = try await accounts.create(a.ownerCaller, AccountFields(name: "Acme", domain: "acme.example"))
            await #expect(throws: HubError.conflict("the account \(first.id) already has the domain acme.example")) {
                try await accounts.create(a.ownerCaller, AccountFields(name: "Acme again", domain: "www.ACME.example"))
            }
            let other = try await accounts.create(a.ownerCaller, AccountFields(name: "Other", domain: "other.example"))
            var takeDomain = AccountChanges()
            takeDomain.domain = .set("acme.example")
            await #expect(throws: HubError.conflict("the account \(first.id) already has the domain acme.example")) {
                try await accounts.update(a.ownerCaller, id: other.id, takeDomain)
            }
            var clear = AccountChanges()
            clear.domain = .clear
            clear.region = .set("Bavaria")
            let cleared = try await accounts.update(a.ownerCaller, id: other.id, clear)
            #expect(cleared.domain == nil && cleared.region == "Bavaria" && cleared.name == "Other")
            var unnamed = AccountChanges()
            unnamed.name = .clear
            await #expect(throws: HubError.invalid("/name", "is required")) { try await accounts.update(a.ownerCaller, id: other.id, unnamed) }
            // Tenant B's account with the same domain is its own business, and no oracle of A's.
            let theirs = try await accounts.create(b.ownerCaller, AccountFields(name: "Acme", domain: "acme.example"))
            #expect(theirs.domain == "acme.example")
        }
    }

    @Test func malformedDomainsCountriesAndEmailsAreAllReportedAndNothingIsCreated() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let accounts = Accounts(database: hub.database)
            let contacts = Contacts(database: hub.database)
            await #expect {
                try await accounts.create(a.ownerCaller, AccountFields(name: "  ", domain: "https://acme.example/shop", country: "XX"))
            } throws: { error in
                guard case HubError.invalid(let issues) = error else { return false }
                return Set(issues.map(\.field)) == ["/name", "/domain", "/country"]
            }
            await #expect {
                try await contacts.create(a.ownerCaller, ContactFields(lastName: "Doe", email: "doe at acme"))
            } throws: { error in
                guard case HubError.invalid(let issues) = error else { return false }
                return issues.map(\.field) == ["/email"]
            }
            #expect(try await accounts.list(a.ownerCaller, filter: AccountFilter(), page: PageRequest()).items.isEmpty)
            #expect(try await contacts.list(a.ownerCaller, filter: ContactFilter(), page: PageRequest()).items.isEmpty)
        }
    }

    @Test func contactsAreNormalizedEditedAndOnePerEmail() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let account = try await Accounts(database: hub.database).create(a.ownerCaller, AccountFields(name: "Acme"))
            let contacts = Contacts(database: hub.database)
            let jane = try await contacts.create(
                a.ownerCaller, ContactFields(accountID: account.id, firstName: "Jane", lastName: "Doe", email: " Jane.Doe@Acme.Example ")
            )
            #expect(jane.email == "jane.doe@acme.example" && jane.accountID == account.id)
            await #expect(throws: HubError.conflict("the contact \(jane.id) already has the e-mail address jane.doe@acme.example")) {
                try await contacts.create(a.ownerCaller, ContactFields(lastName: "Other", email: "JANE.DOE@acme.example"))
            }
            var edit = ContactChanges()
            edit.phone = .set("+49 30 1234")
            edit.title = .set("Buyer")
            edit.firstName = .clear
            let edited = try await contacts.update(a.ownerCaller, id: jane.id, edit)
            #expect(edited.phone == "+49 30 1234" && edited.title == "Buyer" && edited.lastName == "Doe" && edited.firstName == nil)
            let atAcme = try await contacts.list(a.ownerCaller, filter: ContactFilter(accountID: account.id), page: PageRequest())
            #expect(atAcme.items.map(\.id) == [jane.id])
        }
    }

    @Test func anotherTenantsAccountsAndContactsAreNotFoundAndCannotBeLinked() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            let account = try await Accounts(database: hub.database).create(a.ownerCaller, AccountFields(name: "Acme"))
            let contact = try await Contacts(database: hub.database).create(a.ownerCaller, ContactFields(lastName: "Doe"))
            await #expect(throws: HubError.notFound("account")) { try await Accounts(database: hub.database).get(b.ownerCaller, id: account.id) }
            await #expect(throws: HubError.notFound("contact")) {
                var retitle = ContactChanges()
                retitle.title = .set("x")
                return try await Contacts(database: hub.database).update(b.ownerCaller, id: contact.id, retitle)
            }
            await #expect(throws: HubError.invalid("/accountID", "no account of your company has this id")) {
                try await Contacts(database: hub.database).create(b.ownerCaller, ContactFields(accountID: account.id, lastName: "Spy"))
            }
        }
    }
}

@Suite struct AccountAPITests {
    @Test func accountsAndContactsAreCreatedEditedAndPagedOverHTTP() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                var ids: [String] = []
                for name in ["One", "Two", "Three"] {
                    let created = try await client.call(.post, "/api/v1/accounts", token: token, json: ["name": name, "country": "fr"])
                    #expect(created.status == .created && created.json["country"] as? String == "FR")
                    ids.append(try #require(created.json["id"] as? String))
                }
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let page = try await client.call(.get, "/api/v1/accounts?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                    seen += page.items.compactMap { $0["id"] as? String }
                    cursor = page.json["nextCursor"] as? String
                } while cursor != nil
                #expect(seen == ids.reversed())
                let patched = try await client.call(.patch, "/api/v1/accounts/\(ids[0])", token: token, json: ["domain": "one.example"])
                #expect(patched.status == .ok && patched.json["domain"] as? String == "one.example" && patched.json["name"] as? String == "One")
                let badCountry = try await client.call(.post, "/api/v1/accounts", token: token, json: ["name": "X", "country": "Germany"])
                #expect(badCountry.status == .unprocessableContent && Self.fields(badCountry) == ["/country"])
                let unknown = try await client.call(.post, "/api/v1/accounts", token: token, json: ["name": "X", "tenantID": "x"])
                #expect(unknown.status == .unprocessableContent && Self.fields(unknown) == ["/tenantID"])
                let contact = try await client.call(
                    .post, "/api/v1/contacts", token: token, json: ["accountID": ids[0], "lastName": "Doe", "email": "DOE@one.example"]
                )
                #expect(contact.status == .created && contact.json["email"] as? String == "doe@one.example")
                let badEmail = try await client.call(.post, "/api/v1/contacts", token: token, json: ["lastName": "Doe", "email": "doe@"])
                #expect(badEmail.status == .unprocessableContent && Self.fields(badEmail) == ["/email"])
                let timeline = try await client.call(.get, "/api/v1/accounts/\(ids[0])/timeline", token: token)
                #expect(timeline.items.compactMap { $0["type"] as? String } == ["account.created", "account.updated"])
                let all = try await client.call(.get, "/api/v1/accounts", token: token)
                #expect(all.items.count == 3)
            }
        }
    }

    static func fields(_ response: APIResponse) -> [String] {
        (response.json["errors"] as? [[String: any Sendable]] ?? []).compactMap { $0["field"] as? String }
    }
}

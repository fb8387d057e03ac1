import Foundation
import HTTPTypes
import HubCore
import HubServer
import HubTestSupport
import PRM
import PostgresNIO
import Testing

@Suite struct OpportunityTests {
    static func money(_ amount: String, _ currency: String = "EUR") throws -> Money { try Money(amount: amount, currency: currency, field: "/amount") }

    @Test func anOpportunityMovesThroughStagesWithEveryChangeKeptAndClosesOnce() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let account = try await Accounts(database: hub.database).create(a.ownerCaller, AccountFields(name: "Acme"))
            let opportunities = Opportunities(database: hub.database)
            let created = try await opportunities.create(
                a.ownerCaller, OpportunityFields(accountID: account.id, name: "Acme rollout", amount: try Self.money("1200.5"))
            )
            #expect(created.stage == .prospecting && created.probability == "0.10" && created.amount.amount == "1200.50" && created.outcome == .open)
            let proposal = try await opportunities.changeStage(a.ownerCaller, id: created.id, to: .proposal, reason: "sent the quote")
            #expect(proposal.stage == .proposal && proposal.probability == "0.50")
            await #expect(throws: HubError.conflict("the opportunity is already in proposal")) {
                try await opportunities.changeStage(a.ownerCaller, id: created.id, to: .proposal, reason: nil)
            }
            let won = try await opportunities.close(a.ownerCaller, id: created.id, as: .won, reason: nil)
            #expect(won.outcome == .won && won.closedAt != nil)
            await #expect(throws: HubError.conflict("the opportunity is already won")) {
                try await opportunities.close(a.ownerCaller, id: created.id, as: .lost, reason: "changed our mind")
            }
            await #expect(throws: HubError.conflict("a won opportunity has no stage to change")) {
                try await opportunities.changeStage(a.ownerCaller, id: created.id, to: .negotiation, reason: nil)
            }
            let history = try await opportunities.history(a.ownerCaller, id: created.id)
            #expect(history.map(\.toStage) == [.prospecting, .proposal, .proposal])
            #expect(history.map(\.toOutcome) == [.open, .open, .won])
            #expect(history[1].fromStage == .prospecting && history[1].reason == "sent the quote" && history.allSatisfy { $0.byUserID == a.owner.id })
            let timeline = try await opportunities.timeline(a.ownerCaller, id: created.id, page: PageRequest())
            #expect(timeline.items.map(\.type) == ["opportunity.created", "opportunity.stage_changed", "opportunity.won"])
        }
    }

    @Test func losingAnOpportunityNeedsAReason() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let account = try await Accounts(database: hub.database).create(a.ownerCaller, AccountFields(name: "Acme"))
            let opportunities = Opportunities(database: hub.database)
            let created = try await opportunities.create(a.ownerCaller, OpportunityFields(accountID: account.id, name: "Deal", amount: try Self.money("10")))
            await #expect(throws: HubError.invalid("/reason", "say why the opportunity was lost")) {
                try await opportunities.close(a.ownerCaller, id: created.id, as: .lost, reason: " ")
            }
            #expect(try await opportunities.get(a.ownerCaller, id: created.id).outcome == .open)
            let lost = try await opportunities.close(a.ownerCaller, id: created.id, as: .lost, reason: "went with a competitor")
            #expect(lost.outcome == .lost && lost.closeReason == "went with a competitor")
        }
    }

    @Test func theSwiftStageProbabilitiesAreTheDatabases() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            for stage in OpportunityStage.allCases {
                let stored = try await hub.database.withTenant(a.ownerCaller.principal) { connection in
                    try await connection.query("SELECT hub.stage_probability(\(stage.rawValue)::hub.opportunity_stage)::text", logger: hub.database.logger)
                        .decode(String.self).all()
                }
                #expect(stored == [stage.probability])
            }
        }
    }

    @Test func listsFilterByStageOutcomeOwnerAccountAndCloseDate() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let accounts = Accounts(database: hub.database)
            let acme = try await accounts.create(a.ownerCaller, AccountFields(name: "Acme"))
            let globex = try await accounts.create(a.ownerCaller, AccountFields(name: "Globex"))
            let opportunities = Opportunities(database: hub.database)
            let early = try await opportunities.create(
                a.ownerCaller,
                OpportunityFields(accountID: acme.id, name: "Early", amount: try Self.money("1"), expectedCloseOn: try Day("2027-01-15", field: "/d"))
            )
            let late = try await opportunities.create(
                a.ownerCaller,
                OpportunityFields(
                    accountID: globex.id, name: "Late", stage: .negotiation, amount: try Self.money("2"),
                    expectedCloseOn: try Day("2027-06-30", field: "/d"), ownerUserID: a.owner.id
                )
            )
            _ = try await opportunities.close(a.ownerCaller, id: early.id, as: .won, reason: nil)
            func ids(_ filter: OpportunityFilter) async throws -> [OpportunityID] {
                try await opportunities.list(a.ownerCaller, filter: filter, page: PageRequest()).items.map(\.id)
            }
            #expect(try await ids(OpportunityFilter(stage: .negotiation)) == [late.id])
            #expect(try await ids(OpportunityFilter(outcome: .won)) == [early.id])
            #expect(try await ids(OpportunityFilter(ownerUserID: a.owner.id)) == [late.id])
            #expect(try await ids(OpportunityFilter(accountID: acme.id)) == [early.id])
            #expect(try await ids(OpportunityFilter(closeFrom: try Day("2027-02-01", field: "/d"))) == [late.id])
            #expect(try await ids(OpportunityFilter(closeTo: try Day("2027-01-15", field: "/d"))) == [early.id])
            await #expect(throws: HubError.invalid("closeTo", "must not be before closeFrom")) {
                try await ids(OpportunityFilter(closeFrom: try Day("2027-02-01", field: "/d"), closeTo: try Day("2027-01-01", field: "/d")))
            }
        }
    }

    @Test func anotherTenantsAccountCannotCarryAnOpportunity() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            let account = try await Accounts(database: hub.database).create(a.ownerCaller, AccountFields(name: "Acme"))
            let opportunities = Opportunities(database: hub.database)
            await #expect(throws: HubError.invalid("/accountID", "no account of your company has this id")) {
                try await opportunities.create(b.ownerCaller, OpportunityFields(accountID: account.id, name: "Steal", amount: try Self.money("1")))
            }
            let mine = try await opportunities.create(a.ownerCaller, OpportunityFields(accountID: account.id, name: "Mine", amount: try Self.money("1")))
            await #expect(throws: HubError.notFound("opportunity")) { try await opportunities.close(b.ownerCaller, id: mine.id, as: .won, reason: nil) }
            #expect(try await opportunities.get(a.ownerCaller, id: mine.id).outcome == .open)
        }
    }
}

@Suite struct LeadConversionTests {
    func qualifiedLead(_ hub: TestHub, _ tenant: TestTenant, _ draft: LeadDraft) async throws -> Lead {
        let leads = Leads(database: hub.database)
        let lead = try await leads.create(tenant.ownerCaller, draft).lead
        return try await leads.changeStatus(tenant.ownerCaller, id: lead.id, to: .qualified, reason: nil)
    }

    @Test func convertingAQualifiedLeadCreatesAccountContactAndOpportunityExactlyOnce() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let lead = try await qualifiedLead(
                hub, a,
                LeadDraft(
                    companyName: "Acme GmbH", companyDomain: "acme.example", firstName: "Jane", lastName: "Doe", email: "jane@acme.example",
                    country: "DE", estimatedValue: try Money(amount: "5000", currency: "EUR", field: "/v")
                )
            )
            let conversion = LeadConversion(database: hub.database)
            let converted = try await conversion.convert(a.ownerCaller, lead: lead.id, LeadConversionRequest())
            #expect(converted.createdAccount && converted.createdContact)
            #expect(converted.account.name == "Acme GmbH" && converted.account.domain == "acme.example" && converted.account.country == "DE")
            #expect(converted.contact?.email == "jane@acme.example" && converted.contact?.accountID == converted.account.id)
            #expect(converted.opportunity.amount == (try Money(amount: "5000.00", currency: "EUR", field: "/v")))
            #expect(converted.opportunity.stage == .qualification && converted.opportunity.leadID == lead.id)
            #expect(converted.opportunity.contactID == converted.contact?.id)
            #expect(converted.lead.status == .converted && converted.lead.closedAt != nil)
            #expect(converted.lead.convertedAccountID == converted.account.id && converted.lead.convertedOpportunityID == converted.opportunity.id)
            #expect(converted.lead.convertedContactID == converted.contact?.id)
            let history = try await Leads(database: hub.database).history(a.ownerCaller, id: lead.id)
            #expect(history.map(\.toStatus) == [.new, .qualified, .converted])
            await #expect(throws: HubError.conflict("only a qualified lead can be converted; this one is converted")) {
                try await conversion.convert(a.ownerCaller, lead: lead.id, LeadConversionRequest())
            }
            let accounts = try await Accounts(database: hub.database).list(a.ownerCaller, filter: AccountFilter(), page: PageRequest())
            let opportunities = try await Opportunities(database: hub.database).list(a.ownerCaller, filter: OpportunityFilter(), page: PageRequest())
            #expect(accounts.items.count == 1 && opportunities.items.count == 1)
        }
    }

    @Test func conversionLinksTheAccountWithTheLeadsDomainAndTheContactWithItsEmail() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let account = try await Accounts(database: hub.database).create(a.ownerCaller, AccountFields(name: "Acme Corp", domain: "acme.example"))
            let contact = try await Contacts(database: hub.database).create(a.ownerCaller, ContactFields(lastName: "Doe", email: "jane@acme.example"))
            let lead = try await qualifiedLead(
                hub, a, LeadDraft(companyName: "ACME", companyDomain: "www.acme.example", lastName: "Doe", email: "Jane@acme.example")
            )
            let converted = try await LeadConversion(database: hub.database).convert(
                a.ownerCaller, lead: lead.id, LeadConversionRequest(amount: try Money(amount: "99.99", currency: "usd", field: "/amount"))
            )
            #expect(!converted.createdAccount && !converted.createdContact)
            #expect(converted.account.id == account.id && converted.contact?.id == contact.id)
            // The contact had no account yet: it now belongs to the one the lead converted into.
            #expect(converted.contact?.accountID == account.id)
            #expect(converted.opportunity.amount.amount == "99.99" && converted.opportunity.amount.currency == "USD")
        }
    }

    @Test func onlyAQualifiedLeadOfTheCallersTenantConvertsAndAMissingAmountChangesNothing() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            let conversion = LeadConversion(database: hub.database)
            let fresh = try await Leads(database: hub.database).create(a.ownerCaller, LeadDraft(companyName: "New Co")).lead
            await #expect(throws: HubError.conflict("only a qualified lead can be converted; this one is new")) {
                try await conversion.convert(a.ownerCaller, lead: fresh.id, LeadConversionRequest())
            }
            let qualified = try await qualifiedLead(hub, a, LeadDraft(companyName: "No Value Ltd", lastName: "Roe"))
            await #expect(throws: HubError.notFound("lead")) { try await conversion.convert(b.ownerCaller, lead: qualified.id, LeadConversionRequest()) }
            await #expect(throws: HubError.invalid("/amount", "the lead has no estimated value; give the opportunity's amount")) {
                try await conversion.convert(a.ownerCaller, lead: qualified.id, LeadConversionRequest())
            }
            #expect(try await Leads(database: hub.database).get(a.ownerCaller, id: qualified.id).status == .qualified)
            #expect(try await Accounts(database: hub.database).list(a.ownerCaller, filter: AccountFilter(), page: PageRequest()).items.isEmpty)
            #expect(try await Contacts(database: hub.database).list(a.ownerCaller, filter: ContactFilter(), page: PageRequest()).items.isEmpty)
        }
    }
}

@Suite struct OpportunityAPITests {
    @Test func opportunitiesAreCreatedMovedClosedAndConvertedOverHTTP() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                let account = try await client.call(.post, "/api/v1/accounts", token: token, json: ["name": "Acme"])
                let accountID = try #require(account.json["id"] as? String)
                func create(_ amount: [String: any Sendable]) async throws -> APIResponse {
                    try await client.call(.post, "/api/v1/opportunities", token: token, json: ["accountID": accountID, "name": "Deal", "amount": amount])
                }
                for (amount, currency, field) in [("-1", "EUR", "/amount/amount"), ("1.005", "EUR", "/amount/amount"), ("5", "EURO", "/amount/currency")] {
                    let bad = try await create(["amount": amount, "currency": currency])
                    #expect(bad.status == .unprocessableContent && AccountAPITests.fields(bad) == [field], "\(amount) \(currency)")
                }
                let float = try await create(["amount": 12.5, "currency": "EUR"])
                #expect(float.status == .unprocessableContent && AccountAPITests.fields(float) == ["/amount/amount"])
                let created = try await create(["amount": "250", "currency": "jpy"])
                #expect(created.status == .created && (created.json["amount"] as? [String: any Sendable])?["amount"] as? String == "250")
                let id = try #require(created.json["id"] as? String)
                let dated = try await client.call(.patch, "/api/v1/opportunities/\(id)", token: token, json: ["expectedCloseOn": "2031-03-31"])
                #expect(dated.status == .ok && dated.json["expectedCloseOn"] as? String == "2031-03-31")
                let cleared = try await client.call(
                    .patch, "/api/v1/opportunities/\(id)", token: token, body: #"{"expectedCloseOn": null, "name": "Renamed"}"#
                )
                #expect(cleared.status == .ok && cleared.json["expectedCloseOn"] == nil && cleared.json["name"] as? String == "Renamed")
                let noAmount = try await client.call(.patch, "/api/v1/opportunities/\(id)", token: token, body: #"{"amount": null}"#)
                #expect(noAmount.status == .unprocessableContent && AccountAPITests.fields(noAmount) == ["/amount"])
                let stageByPatch = try await client.call(.patch, "/api/v1/opportunities/\(id)", token: token, json: ["stage": "proposal"])
                #expect(stageByPatch.status == .unprocessableContent && AccountAPITests.fields(stageByPatch) == ["/stage"])
                let staged = try await client.call(.post, "/api/v1/opportunities/\(id)/stage", token: token, json: ["stage": "negotiation"])
                #expect(staged.status == .ok && staged.json["probability"] as? String == "0.75")
                let badStage = try await client.call(.post, "/api/v1/opportunities/\(id)/stage", token: token, json: ["stage": "closing"])
                #expect(badStage.status == .unprocessableContent && AccountAPITests.fields(badStage) == ["/stage"])
                let lostNoReason = try await client.call(.post, "/api/v1/opportunities/\(id)/close", token: token, json: ["outcome": "lost"])
                #expect(lostNoReason.status == .unprocessableContent && AccountAPITests.fields(lostNoReason) == ["/reason"])
                let lost = try await client.call(.post, "/api/v1/opportunities/\(id)/close", token: token, json: ["outcome": "lost", "reason": "budget"])
                #expect(lost.status == .ok && lost.json["outcome"] as? String == "lost")
                let history = try await client.call(.get, "/api/v1/opportunities/\(id)/history", token: token)
                #expect(history.items.compactMap { $0["toOutcome"] as? String } == ["open", "open", "lost"])
                let listed = try await client.call(.get, "/api/v1/opportunities?outcome=lost&account=\(accountID)", token: token)
                #expect(listed.items.compactMap { $0["id"] as? String } == [id])
                let badDate = try await client.call(.get, "/api/v1/opportunities?closeFrom=2027-02-30", token: token)
                #expect(badDate.status == .unprocessableContent && AccountAPITests.fields(badDate) == ["closeFrom"])

                let lead = try await client.call(.post, "/api/v1/leads", token: token, json: ["companyName": "Initech", "email": "bill@initech.example"])
                let leadID = try #require((lead.json["lead"] as? [String: any Sendable])?["id"] as? String)
                _ = try await client.call(.post, "/api/v1/leads/\(leadID)/status", token: token, json: ["status": "qualified"])
                let converted = try await client.call(
                    .post, "/api/v1/leads/\(leadID)/convert", token: token, json: ["amount": ["amount": "800", "currency": "EUR"] as [String: any Sendable]]
                )
                #expect(converted.status == .created && converted.json["createdAccount"] as? Bool == true)
                #expect((converted.json["lead"] as? [String: any Sendable])?["status"] as? String == "converted")
                let again = try await client.call(.post, "/api/v1/leads/\(leadID)/convert", token: token, json: [:])
                #expect(again.status == .conflict)
                let timeline = try await client.call(.get, "/api/v1/leads/\(leadID)/timeline", token: token)
                #expect(timeline.items.compactMap { $0["type"] as? String }.last == "lead.converted")
            }
        }
    }
}

import HTTPTypes
import Foundation
import HubCore
import HubServer
import HubTestSupport
import PRM
import Testing

@Suite struct LeadTests {
    @Test func aLeadMovesThroughThePipelineWithEveryChangeKept() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let leads = Leads(database: hub.database)
            let created = try await leads.create(
                a.ownerCaller, LeadDraft(companyName: "Acme Retail", email: "Buyer@Acme.example", country: "de")
            )
            #expect(created.lead.status == .new && created.lead.email == "buyer@acme.example" && created.lead.country == "DE")
            _ = try await leads.changeStatus(a.ownerCaller, id: created.lead.id, to: .contacted, reason: nil)
            let qualified = try await leads.changeStatus(a.ownerCaller, id: created.lead.id, to: .qualified, reason: nil)
            #expect(qualified.firstResponseAt != nil && qualified.qualifiedAt != nil && qualified.closedAt == nil)
            // Conversion has its own route, which creates the account, contact and opportunity (OpportunityTests).
            await #expect(throws: HubError.self) {
                try await leads.changeStatus(a.ownerCaller, id: created.lead.id, to: .converted, reason: nil)
            }
            let lost = try await leads.changeStatus(a.ownerCaller, id: created.lead.id, to: .lost, reason: "went with a competitor")
            #expect(lost.closedAt != nil)
            let history = try await leads.history(a.ownerCaller, id: created.lead.id)
            #expect(history.map(\.toStatus) == [.new, .contacted, .qualified, .lost])
            #expect(history.allSatisfy { $0.byUserID == a.owner.id })
        }
    }

    @Test(arguments: [
        (LeadStatus.new, LeadStatus.converted),
        (.converted, .lost),
        (.contacted, .new),
    ])
    func skippingOrReversingTheStatusIsAConflict(from start: LeadStatus, to next: LeadStatus) async throws {
        #expect(!start.canMove(to: next))
    }

    @Test func losingALeadNeedsAReasonAndRecyclingClearsIt() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let leads = Leads(database: hub.database)
            let lead = try await leads.create(a.ownerCaller, LeadDraft(lastName: "Nguyen")).lead
            await #expect(throws: HubError.invalid("/reason", "say why the lead was lost")) {
                try await leads.changeStatus(a.ownerCaller, id: lead.id, to: .lost, reason: "  ")
            }
            let lost = try await leads.changeStatus(a.ownerCaller, id: lead.id, to: .lost, reason: "no budget this year")
            #expect(lost.lostReason == "no budget this year" && lost.closedAt != nil)
            let recycled = try await leads.changeStatus(a.ownerCaller, id: lead.id, to: .new, reason: "budget approved")
            #expect(recycled.lostReason == nil && recycled.closedAt == nil)
            await #expect(throws: HubError.conflict("a new lead cannot become new")) {
                try await leads.changeStatus(a.ownerCaller, id: lead.id, to: .new, reason: nil)
            }
        }
    }

    @Test func duplicatesByEmailOrDomainAndNameAreReportedNotRefused() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            let leads = Leads(database: hub.database)
            let first = try await leads.create(a.ownerCaller, LeadDraft(companyName: "Acme", companyDomain: "acme.example", email: "x@acme.example"))
            #expect(first.possibleDuplicates.isEmpty)
            let sameEmail = try await leads.create(a.ownerCaller, LeadDraft(companyName: "Other", email: "X@ACME.example"))
            #expect(sameEmail.possibleDuplicates == [first.lead.id])
            let sameCompany = try await leads.create(a.ownerCaller, LeadDraft(companyName: "ACME", companyDomain: "Acme.example"))
            #expect(sameCompany.possibleDuplicates == [first.lead.id])
            // Another tenant's leads are never candidates: no existence oracle.
            let elsewhere = try await leads.create(b.ownerCaller, LeadDraft(companyName: "Acme", email: "x@acme.example"))
            #expect(elsewhere.possibleDuplicates.isEmpty)
        }
    }

    @Test func badFieldsAreAllReportedAndNothingIsCreated() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let leads = Leads(database: hub.database)
            await #expect {
                try await leads.create(a.ownerCaller, LeadDraft(companyDomain: "https://acme.example/x", email: "nope", country: "Germany"))
            } throws: { error in
                guard case HubError.invalid(let issues) = error else { return false }
                return Set(issues.map(\.field)) == ["/email", "/companyDomain", "/country"]
            }
            #expect(try await leads.list(a.ownerCaller, filter: LeadFilter(), page: PageRequest()).items.isEmpty)
        }
    }

    @Test func listsFilterByStatusSourceAndTime() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let leads = Leads(database: hub.database)
            let web = try await leads.create(a.ownerCaller, LeadDraft(source: .web, lastName: "One")).lead
            let event = try await leads.create(a.ownerCaller, LeadDraft(source: .event, lastName: "Two")).lead
            _ = try await leads.changeStatus(a.ownerCaller, id: event.id, to: .contacted, reason: nil)
            let contacted = try await leads.list(a.ownerCaller, filter: LeadFilter(status: .contacted), page: PageRequest())
            #expect(contacted.items.map(\.id) == [event.id])
            let fromWeb = try await leads.list(a.ownerCaller, filter: LeadFilter(source: .web), page: PageRequest())
            #expect(fromWeb.items.map(\.id) == [web.id])
            let future = try await leads.list(a.ownerCaller, filter: LeadFilter(createdFrom: Date().addingTimeInterval(3600)), page: PageRequest())
            #expect(future.items.isEmpty)
        }
    }
}

@Suite struct MoneyTests {
    @Test func amountsKeepTheCurrencysMinorUnits() throws {
        #expect(try Money(amount: "1250.5", currency: "eur", field: "/v") == Money(amount: "1250.50", currency: "EUR", field: "/v"))
        #expect(try Money(amount: "1250.5", currency: "eur", field: "/v").amount == "1250.50")
        #expect(try Money(amount: "980", currency: "JPY", field: "/v").amount == "980")
        #expect(try Money(amount: "0012.345", currency: "KWD", field: "/v").amount == "12.345")
    }

    @Test(arguments: [
        ("-5.00", "EUR", "/v/amount"),
        ("12.345", "EUR", "/v/amount"),
        ("1e3", "USD", "/v/amount"),
        ("12.5", "JPY", "/v/amount"),
        ("10.00", "EURO", "/v/currency"),
        ("10.00", "XYZ", "/v/currency"),
    ])
    func badAmountsAndUnknownCurrenciesNameTheField(amount: String, currency: String, field: String) {
        #expect {
            try Money(amount: amount, currency: currency, field: "/v")
        } throws: { error in
            guard case HubError.invalid(let issues) = error else { return false }
            return issues.first?.field == field
        }
    }
}

@Suite struct LeadAPITests {
    @Test func leadsAreCreatedListedAndMovedOverHTTP() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                let created = try await client.call(
                    .post, "/api/v1/leads", token: token,
                    json: ["companyName": "Acme", "email": "buyer@acme.example", "estimatedValue": ["amount": "1999.9", "currency": "usd"] as [String: any Sendable]]
                )
                #expect(created.status == .created)
                let lead = try #require(created.json["lead"] as? [String: any Sendable])
                let id = try #require(lead["id"] as? String)
                #expect((lead["estimatedValue"] as? [String: any Sendable])?["amount"] as? String == "1999.90")
                let moved = try await client.call(.post, "/api/v1/leads/\(id)/status", token: token, json: ["status": "qualified"])
                #expect(moved.status == .ok && moved.json["status"] as? String == "qualified")
                let skip = try await client.call(.post, "/api/v1/leads/\(id)/status", token: token, json: ["status": "new"])
                #expect(skip.status == .conflict)
                let listed = try await client.call(.get, "/api/v1/leads?status=qualified", token: token)
                #expect(listed.items.count == 1)
                let timeline = try await client.call(.get, "/api/v1/leads/\(id)/timeline", token: token)
                #expect(timeline.items.compactMap { $0["type"] as? String } == ["lead.created", "lead.status_changed"])
                #expect((timeline.items.last?["data"] as? [String: any Sendable])?["to"] as? String == "qualified")
                let badFilter = try await client.call(.get, "/api/v1/leads?createdFrom=yesterday", token: token)
                #expect(badFilter.status == .unprocessableContent)
                let floatMoney = try await client.call(
                    .post, "/api/v1/leads", token: token, json: ["companyName": "B", "estimatedValue": ["amount": 12.5, "currency": "USD"] as [String: any Sendable]]
                )
                #expect(floatMoney.status == .unprocessableContent)
            }
        }
    }
}

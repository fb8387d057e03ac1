import HTTPTypes
import Foundation
import HubCore
import HubServer
import HubTestSupport
import PRM
import Testing

@Suite struct LeadEditingTests {
    @Test func anEditChangesOnlyTheFieldsItNamesAndNullClears() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            let lead = try await hub.services.leads.create(
                a.ownerCaller, LeadDraft(companyName: "Acme", email: "buyer@acme.example", phone: "+49 30 1234", notes: "met at the fair")
            ).lead
            try await hub.withClient { client in
                let edited = try await client.call(
                    .patch, "/api/v1/leads/\(lead.id)", token: token,
                    json: ["email": "Purchasing@Acme.example", "phone": NSNull(), "country": "fr"]
                )
                #expect(edited.status == .ok)
                #expect(edited.json["email"] as? String == "purchasing@acme.example")
                #expect(edited.json["phone"] == nil && edited.json["country"] as? String == "FR")
                #expect(edited.json["notes"] as? String == "met at the fair" && edited.json["companyName"] as? String == "Acme")
                let timeline = try await client.call(.get, "/api/v1/leads/\(lead.id)/timeline", token: token)
                let updated = try #require(timeline.items.last)
                #expect(updated["type"] as? String == "lead.updated")
                #expect((updated["data"] as? [String: any Sendable])?["fields"] as? String == "email,phone,country")

                // Every problem at once, and nothing changes.
                let bad = try await client.call(
                    .patch, "/api/v1/leads/\(lead.id)", token: token,
                    json: ["email": "not-an-email", "country": "France", "estimatedValue": ["amount": "-5", "currency": "EUR"] as [String: any Sendable]]
                )
                #expect(bad.status == .unprocessableContent)
                let clearedEverything = try await client.call(
                    .patch, "/api/v1/leads/\(lead.id)", token: token, json: ["email": NSNull(), "companyName": NSNull()]
                )
                #expect(clearedEverything.status == .unprocessableContent)
                let unknown = try await client.call(.patch, "/api/v1/leads/\(lead.id)", token: token, json: ["status": "qualified"])
                #expect(unknown.status == .unprocessableContent)
                let after = try await hub.services.leads.get(a.ownerCaller, id: lead.id)
                #expect(after.email == "purchasing@acme.example" && after.companyName == "Acme" && after.estimatedValue == nil)
            }
        }
    }

    @Test func mergingFoldsDuplicatesIntoTheSurvivorAndKeepsTheirHistory() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let leads = hub.services.leads
            let survivor = try await leads.create(a.ownerCaller, LeadDraft(companyName: "Acme", email: "buyer@acme.example", notes: "first")).lead
            let duplicate = try await leads.create(
                a.ownerCaller,
                LeadDraft(companyName: "ACME GmbH", email: "buyer@acme.example", phone: "+49 30 1", country: "DE", notes: "second")
            )
            #expect(duplicate.possibleDuplicates == [survivor.id])
            _ = try await leads.changeStatus(a.ownerCaller, id: duplicate.lead.id, to: .contacted, reason: nil)

            let merged = try await leads.merge(a.ownerCaller, into: survivor.id, duplicates: [duplicate.lead.id])
            #expect(merged.companyName == "Acme" && merged.phone == "+49 30 1" && merged.country == "DE")
            #expect(merged.notes == "first\n\nMerged from lead \(duplicate.lead.id):\nsecond")
            #expect(merged.firstResponseAt != nil)
            let folded = try await leads.get(a.ownerCaller, id: duplicate.lead.id)
            #expect(folded.status == .merged && folded.mergedIntoLeadID == survivor.id)
            #expect(try await leads.history(a.ownerCaller, id: folded.id).map(\.toStatus) == [.new, .contacted, .merged])
            // Merged leads leave the working list but can still be asked for.
            #expect(try await leads.list(a.ownerCaller, filter: LeadFilter(), page: PageRequest()).items.map(\.id) == [survivor.id])
            #expect(try await leads.list(a.ownerCaller, filter: LeadFilter(status: .merged), page: PageRequest()).items.map(\.id) == [folded.id])

            await #expect(throws: HubError.self) { try await leads.merge(a.ownerCaller, into: survivor.id, duplicates: [folded.id]) }
            await #expect(throws: HubError.invalid("/duplicateIDs", "cannot merge a lead into itself")) {
                try await leads.merge(a.ownerCaller, into: survivor.id, duplicates: [survivor.id])
            }
            await #expect(throws: HubError.self) { try await leads.update(a.ownerCaller, id: folded.id, changes: LeadChanges()) }
            await #expect(throws: HubError.invalid("/status", "leads are merged with POST /leads/{leadID}/merge")) {
                try await leads.changeStatus(a.ownerCaller, id: survivor.id, to: .merged, reason: nil)
            }
        }
    }

    @Test func anotherTenantsLeadCannotBeMergedIn() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            let mine = try await hub.services.leads.create(a.ownerCaller, LeadDraft(companyName: "Acme")).lead
            let theirs = try await hub.services.leads.create(b.ownerCaller, LeadDraft(companyName: "Acme")).lead
            await #expect(throws: HubError.notFound("lead")) {
                try await hub.services.leads.merge(a.ownerCaller, into: mine.id, duplicates: [theirs.id])
            }
            #expect(try await hub.services.leads.get(b.ownerCaller, id: theirs.id).status == .new)
        }
    }
}

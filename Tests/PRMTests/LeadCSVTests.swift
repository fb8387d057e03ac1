import HTTPTypes
import Foundation
import HubCore
import HubServer
import HubTestSupport
import PRM
import Testing

@Suite struct CSVTableTests {
    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws {
        let text = "\u{FEFF}name,notes\r\n\"Acme, Inc.\",\"said \"\"hi\"\"\nand left\"\r\n\r\nBeta,\n\"\",x\n"
        let table = try CSVTable(bytes: Array(text.utf8))
        #expect(table.header == ["name", "notes"])
        #expect(table.rows.map(\.fields) == [["Acme, Inc.", "said \"hi\"\nand left"], ["Beta", ""], ["", "x"]])
        // Lines count from the file, so a report points at the right place even after a multi-line field.
        #expect(table.rows.map(\.line) == [2, 5, 6])
    }

    @Test(arguments: [
        ("a,b\n\"open,x\n", "line 2: a quoted field is never closed"),
        ("a,b\nx\"y,z\n", "line 2: a quote inside a field that does not start with one: quote the whole field and double the inner quotes"),
        ("a,b\n\"x\"y,z\n", "line 2: text after the closing quote of a field"),
        ("\n\r\n", "the file is empty: it needs a header row and at least one row"),
    ])
    func aBrokenFileSaysWhereAndWhy(text: String, message: String) {
        #expect(throws: CSVTable.FormatError.self) { try CSVTable(bytes: Array(text.utf8)) }
        do { _ = try CSVTable(bytes: Array(text.utf8)) } catch { #expect(error.description == message) }
    }

    @Test func latin1AndUTF16AreRefusedWithAHint() {
        let latin1: [UInt8] = Array("name\nCaf".utf8) + [0xE9] + Array("\n".utf8)
        do { _ = try CSVTable(bytes: latin1); Issue.record("Latin-1 was accepted") } catch {
            #expect(error.line == 2 && error.message.contains("offset 8") && error.message.contains("save it as UTF-8"))
        }
        do { _ = try CSVTable(bytes: [0xFF, 0xFE, 0x61, 0x00]); Issue.record("UTF-16 was accepted") } catch {
            #expect(error.description == "the file is UTF-16; save it as UTF-8")
        }
    }
}

@Suite struct LeadImportTests {
    static let header = "company_name,company_domain,first_name,last_name,email,country,owner_email,estimated_amount,currency,notes\n"

    @Test func everyRowIsImportedOrReportedWithItsLineColumnAndReason() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            let existing = try await hub.services.leads.create(a.ownerCaller, LeadDraft(companyName: "Old", email: "known@old.example")).lead
            let csv = Self.header + """
                Acme,acme.example,Ann,Lee,ann@acme.example,DE,\(a.owner.email),1200.50,EUR,"likes ""blue"", big order"
                Beta,,Bob,,not-an-email,Germany,,,,
                Gamma,,,,known@old.example,,,10,JPY,
                Delta,,,,,,nobody@nowhere.example,5,,
                ACME,acme.example,Al,,,,,,,
                ,,,,,,,,,
                Too,few
                """
            try await hub.withClient { client in
                let response = try await client.call(.post, "/api/v1/leads/import", token: token, bytes: Array(csv.utf8), contentType: "text/csv")
                #expect(response.status == .created)
                let report = response.json
                #expect(report["rows"] as? Int == 7 && report["imported"] as? Int == 3)
                let rejected = try #require(report["rejected"] as? [[String: any Sendable]])
                let reasons = rejected.map { row in
                    (row["line"] as? Int ?? 0, (row["issues"] as? [[String: any Sendable]] ?? []).map { $0["field"] as? String ?? "" })
                }
                #expect(reasons.map(\.0) == [3, 5, 7, 8])
                #expect(Set(reasons[0].1) == ["email", "country"])
                #expect(Set(reasons[1].1) == ["owner_email", "currency"])
                #expect(reasons[2].1 == ["row"] && reasons[3].1 == ["row"])
                let duplicates = try #require(report["duplicates"] as? [[String: any Sendable]])
                #expect(duplicates.map { $0["line"] as? Int } == [4, 6])
                #expect(duplicates[0]["existingLeads"] as? [String] == [existing.id.description])
                #expect(duplicates[1]["earlierLines"] as? [Int] == [2])
                #expect(duplicates.allSatisfy { $0["skipped"] as? Bool == false && $0["leadID"] != nil })
            }
            let acme = try #require(
                try await hub.services.leads.list(a.ownerCaller, filter: LeadFilter(source: .import), page: PageRequest()).items
                    .first { $0.email == "ann@acme.example" }
            )
            #expect(acme.notes == "likes \"blue\", big order" && acme.ownerUserID == a.owner.id)
            #expect(acme.estimatedValue == (try Money(amount: "1200.50", currency: "EUR", field: "/")))
            #expect(try await hub.services.leads.history(a.ownerCaller, id: acme.id).map(\.toStatus) == [.new])
        }
    }

    @Test func skippedDuplicatesAndDryRunsImportNothingButReportEverything() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            _ = try await hub.services.leads.create(a.ownerCaller, LeadDraft(email: "known@old.example"))
            let csv = "email;last_name\nknown@old.example;Known\nnew@new.example;New\n"
            try await hub.withClient { client in
                let dry = try await client.call(
                    .post, "/api/v1/leads/import?delimiter=semicolon&dryRun=true", token: token, bytes: Array(csv.utf8), contentType: "text/csv"
                )
                #expect(dry.status == .ok && dry.json["imported"] as? Int == 0 && (dry.json["created"] as? [Any])?.isEmpty == true)
                let skipped = try await client.call(
                    .post, "/api/v1/leads/import?delimiter=;&duplicates=skip", token: token, bytes: Array(csv.utf8), contentType: "text/csv"
                )
                #expect(skipped.json["imported"] as? Int == 1)
                let duplicates = try #require(skipped.json["duplicates"] as? [[String: any Sendable]])
                #expect(duplicates.count == 1 && duplicates[0]["skipped"] as? Bool == true && duplicates[0]["leadID"] == nil)
            }
            #expect(try await hub.services.leads.list(a.ownerCaller, filter: LeadFilter(), page: PageRequest()).items.count == 2)
        }
    }

    @Test func aFileOfTheWrongShapeIsRefusedWholeAndChangesNothing() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let token = try await hub.token(for: a.owner)
            try await hub.withClient { client in
                func importing(_ bytes: [UInt8], _ query: String = "", contentType: String = "text/csv") async throws -> APIResponse {
                    try await client.call(.post, "/api/v1/leads/import\(query)", token: token, bytes: bytes, contentType: contentType)
                }
                let semicolons = try await importing(Array("email;last_name\nx@y.example;Y\n".utf8))
                #expect(semicolons.status == .unprocessableContent && semicolons.body.contains("pass delimiter=;"))
                let unknown = try await importing(Array("email,fax\nx@y.example,1\n".utf8))
                #expect(unknown.status == .unprocessableContent && unknown.body.contains("unknown column \\\"fax\\\""))
                let noIdentity = try await importing(Array("phone\n123\n".utf8))
                #expect(noIdentity.status == .unprocessableContent)
                let latin1 = try await importing(Array("last_name\nM".utf8) + [0xFC] + Array("ller\n".utf8))
                #expect(latin1.status == .unprocessableContent && latin1.body.contains("not UTF-8"))
                let declaredLatin1 = try await importing(Array("last_name\nX\n".utf8), contentType: "text/csv; charset=iso-8859-1")
                #expect(declaredLatin1.status == .unsupportedMediaType)
                let json = try await importing(Array("{}".utf8), contentType: "application/json")
                #expect(json.status == .unsupportedMediaType)
                let badOption = try await importing(Array("last_name\nX\n".utf8), "?delimiter=pipe")
                #expect(badOption.status == .unprocessableContent)
            }
            #expect(try await hub.services.leads.list(a.ownerCaller, filter: LeadFilter(), page: PageRequest()).items.isEmpty)
        }
    }

    @Test func anExportImportsBackIntoAnotherTenantUnchanged() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let b = try await hub.makeTenant("bravo")
            let leads = hub.services.leads
            for index in 0..<1003 {
                _ = try await leads.create(a.ownerCaller, LeadDraft(lastName: "Lead \(index)", email: "lead\(index)@example.com"))
            }
            let tricky = try await leads.create(
                a.ownerCaller,
                LeadDraft(
                    companyName: "=HYPERLINK(\"http://evil.example\")", companyDomain: "tricky.example", phone: "+1 555 0100",
                    estimatedValue: try Money(amount: "99.5", currency: "USD", field: "/"), notes: "line one\nline \"two\", three",
                    consent: LeadConsent(basis: .contract, capturedAt: Date(timeIntervalSince1970: 1_780_000_000), reference: "contract \"7\", annex")
                )
            ).lead
            let exported = try await hub.withClient { client in
                try await client.call(.get, "/api/v1/leads/export", token: try await hub.token(for: a.owner))
            }
            #expect(exported.status == .ok && exported.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(exported.body.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""))
            #expect(exported.body.split(separator: "\r\n").count == 1 + 1004)
            let imported = try await hub.withClient { client in
                try await client.call(
                    .post, "/api/v1/leads/import", token: try await hub.token(for: b.owner), bytes: Array(exported.body.utf8), contentType: "text/csv"
                )
            }
            #expect(imported.json["imported"] as? Int == 1004)
            #expect(imported.json["ignoredColumns"] as? [String] == ["id", "status", "source", "created_at", "first_response_at", "qualified_at", "closed_at", "lost_reason"])
            let copy = try #require(
                try await leads.list(b.ownerCaller, filter: LeadFilter(), page: PageRequest(limit: 2000)).items
                    .first { $0.companyDomain == "tricky.example" }
            )
            #expect(copy.companyName == tricky.companyName && copy.phone == tricky.phone && copy.notes == tricky.notes)
            #expect(copy.estimatedValue == tricky.estimatedValue && copy.consent == tricky.consent)
        }
    }

    @Test func consentColumnsAreCheckedLikeTheAPI() async throws {
        try await TestHub.with { hub in
            let a = try await hub.makeTenant("alpha")
            let csv = """
                last_name,consent_basis,consent_captured_at,consent_ref
                Good,legitimate_interest,2026-02-01T10:00:00Z,newsletter
                Odd,maybe,,
                Late,consent,yesterday,
                Orphan,,,form 12
                """
            let response = try await hub.withClient { client in
                try await client.call(
                    .post, "/api/v1/leads/import", token: try await hub.token(for: a.owner), bytes: Array(csv.utf8), contentType: "text/csv"
                )
            }
            #expect(response.json["imported"] as? Int == 1)
            let rejected = try #require(response.json["rejected"] as? [[String: any Sendable]])
            #expect(rejected.map { ($0["issues"] as? [[String: any Sendable]])?.map { $0["field"] as? String } ?? [] } == [
                ["consent_basis"], ["consent_captured_at"], ["consent_ref"],
            ])
            let good = try #require(try await hub.services.leads.list(a.ownerCaller, filter: LeadFilter(), page: PageRequest()).items.first)
            #expect(good.consent == LeadConsent(basis: .legitimateInterest, capturedAt: Date(timeIntervalSince1970: 1_769_940_000), reference: "newsletter"))
        }
    }
}

import Foundation
import HubCore
import PRM

/// A small, believable world to try the hub with: a brand, three partner companies, an
/// operator, users in every role, partnerships in several states, and the brand's first leads.
struct DemoWorld {
    let database: HubDatabase
    let hasher: PasswordHasher

    /// Everyone in the demo signs in with this password.
    static let password = "partner-demo-2026"

    struct Company {
        var slug: String
        var name: String
        var people: [(email: String, name: String, role: Role)]
    }

    static let operatorCompany = Company(
        slug: "hub-operations", name: "PartnerHub Operations",
        people: [("operator@hub.example", "Olga Operator", .owner)]
    )
    static let brand = Company(
        slug: "northwind-audio", name: "Northwind Audio",
        people: [
            ("olivia@northwind.example", "Olivia Owner", .owner),
            ("adam@northwind.example", "Adam Admin", .admin),
            ("carla@northwind.example", "Carla Channel", .channelManager),
            ("mike@northwind.example", "Mike Member", .member),
        ]
    )
    static let partners = [
        Company(
            slug: "summit-distribution", name: "Summit Distribution",
            people: [("sam@summit.example", "Sam Summit", .owner), ("dina@summit.example", "Dina Deals", .channelManager)]
        ),
        Company(
            slug: "coastline-resellers", name: "Coastline Resellers",
            people: [("cora@coastline.example", "Cora Coast", .owner), ("ray@coastline.example", "Ray Reseller", .member)]
        ),
        Company(
            slug: "metro-av", name: "Metro AV Partners",
            people: [("mia@metroav.example", "Mia Metro", .owner)]
        ),
    ]

    /// Seeds the world unless it is already there, then prints the logins.
    func seed(output: (String) -> Void) async throws {
        if (try? await database.tenantID(forSlug: Self.brand.slug)) == nil {
            try await create()
        }
        output("Demo world (every password is \(Self.password)):")
        for company in [Self.operatorCompany, Self.brand] + Self.partners {
            output("  \(company.name) [\(company.slug)]")
            for person in company.people {
                output("    \(person.email.padding(toLength: 28, withPad: " ", startingAt: 0)) \(person.role.rawValue)"
                    + (company.slug == Self.operatorCompany.slug ? ", hub operator" : ""))
            }
        }
    }

    private func create() async throws {
        var owners: [String: Caller] = [:]
        for company in [Self.operatorCompany, Self.brand] + Self.partners {
            let tenantID = TenantID()
            let system = Caller(
                principal: Principal(tenantID: tenantID, userID: nil, role: .owner, isHubOperator: true),
                requestID: "demo"
            )
            _ = try await TenantDirectory(database: database).create(system, id: tenantID, slug: company.slug, name: company.name)
            let users = UserDirectory(database: database, hasher: hasher)
            for person in company.people {
                let user = try await users.create(
                    system, email: person.email, displayName: person.name, role: person.role, password: Self.password,
                    isHubOperator: company.slug == Self.operatorCompany.slug
                )
                if person.role == .owner {
                    owners[company.slug] = Caller(
                        principal: Principal(tenantID: tenantID, userID: user.id, role: .owner), requestID: "demo"
                    )
                }
            }
        }
        let partnerships = Partnerships(database: database)
        let brand = owners[Self.brand.slug]!
        for (partner, accept) in [("summit-distribution", true), ("coastline-resellers", true), ("metro-av", false)] {
            let invitation = try await partnerships.invite(
                brand, partnerSlug: partner, note: "Northwind's 2026 channel programme"
            )
            if accept {
                _ = try await partnerships.perform(owners[partner]!, .accept, on: invitation.id, reason: nil)
            }
        }
        let leads = Leads(database: database)
        let seeds = [
            LeadDraft(source: .web, companyName: "Harbor Hotels", companyDomain: "harborhotels.example", firstName: "Ines",
                      lastName: "Laurent", email: "ines.laurent@harborhotels.example", country: "FR",
                      estimatedValue: try Money(amount: "48000", currency: "EUR", field: "/"),
                      consent: LeadConsent(basis: .consent, capturedAt: Date(), reference: "web form: contact me about partners")),
            LeadDraft(source: .event, companyName: "Blue Fin Studios", firstName: "Tom", lastName: "Becker",
                      email: "tom@bluefin.example", country: "DE", estimatedValue: try Money(amount: "12500", currency: "EUR", field: "/")),
            LeadDraft(source: .referral, companyName: "Cedar Schools District", lastName: "Okafor", email: "procurement@cedar.example",
                      country: "US", estimatedValue: try Money(amount: "90000", currency: "USD", field: "/"),
                      consent: LeadConsent(basis: .legitimateInterest, reference: "public tender contact")),
        ]
        var created: [Lead] = []
        for seed in seeds { created.append(try await leads.create(brand, seed).lead) }
        _ = try await leads.changeStatus(brand, id: created[0].id, to: .contacted, reason: nil)
        _ = try await leads.changeStatus(brand, id: created[0].id, to: .qualified, reason: nil)
        _ = try await leads.changeStatus(brand, id: created[1].id, to: .contacted, reason: nil)
        try await seedSharing(brand: brand, partners: owners, leads: created)
        try await seedPromotions(brand: brand, partners: owners)
        try await seedDeals(brand: brand, partners: owners)

        let declined = try await partnerships.invite(
            owners["summit-distribution"]!, partnerSlug: "coastline-resellers", note: "Joint bids in the north-east?"
        )
        _ = try await partnerships.perform(owners["coastline-resellers"]!, .decline, on: declined.id, reason: "Not this year")
    }
}

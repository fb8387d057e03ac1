import Foundation
import HubCore
import Logging
import PostgresNIO

/// What converting a lead may say; anything left out comes from the lead.
public struct LeadConversionRequest: Sendable {
    /// Link this account instead of finding one by the lead's company domain or creating one.
    public var accountID: AccountID?
    /// Link this contact instead of finding one by the lead's e-mail or creating one.
    public var contactID: ContactID?
    public var opportunityName: String?
    /// Defaults to the lead's estimated value.
    public var amount: Money?
    /// Defaults to qualification: the lead was qualified.
    public var stage: OpportunityStage?
    public var expectedCloseOn: Day?
    /// Defaults to the lead's owner.
    public var ownerUserID: UserID?

    public init(
        accountID: AccountID? = nil, contactID: ContactID? = nil, opportunityName: String? = nil, amount: Money? = nil,
        stage: OpportunityStage? = nil, expectedCloseOn: Day? = nil, ownerUserID: UserID? = nil
    ) {
        self.accountID = accountID
        self.contactID = contactID
        self.opportunityName = opportunityName
        self.amount = amount
        self.stage = stage
        self.expectedCloseOn = expectedCloseOn
        self.ownerUserID = ownerUserID
    }
}

/// A converted lead and what it became; `created…` says whether the account and contact are new or linked.
public struct ConvertedLead: Sendable, Encodable {
    public var lead: Lead
    public var account: Account
    public var contact: Contact?
    public var opportunity: Opportunity
    public var createdAccount: Bool
    public var createdContact: Bool
}

/// Turns a qualified lead into an account, a contact and an opportunity, all in one transaction.
public struct LeadConversion: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    /// Converts the lead once: it must be qualified (a second attempt finds it converted and is a conflict).
    public func convert(_ caller: Caller, lead id: LeadID, _ request: LeadConversionRequest) async throws -> ConvertedLead {
        let logger = database.logger
        return try await database.withTenant(caller.principal) { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Leads.columns) FROM hub.leads WHERE id = \(id.uuid) FOR UPDATE", logger: logger
            )
            guard let lead = try await Leads.decode(rows).first else { throw HubError.notFound("lead") }
            guard lead.status == .qualified else {
                throw HubError.conflict("only a qualified lead can be converted; this one is \(lead.status.rawValue)")
            }
            let owner = request.ownerUserID ?? lead.ownerUserID
            let (account, createdAccount) = try await account(connection, caller, for: lead, request, owner: owner, logger: logger)
            let (contact, createdContact) = try await contact(connection, caller, for: lead, request, account: account, logger: logger)
            guard let amount = request.amount ?? lead.estimatedValue else {
                throw HubError.invalid("/amount", "the lead has no estimated value; give the opportunity's amount")
            }
            let fields = try OpportunityFields(
                accountID: account.id,
                contactID: contact.flatMap { $0.accountID == nil || $0.accountID == account.id ? $0.id : nil },
                name: request.opportunityName ?? lead.companyName ?? account.name, stage: request.stage ?? .qualification, amount: amount,
                expectedCloseOn: request.expectedCloseOn, ownerUserID: owner
            ).validated()
            let opportunity = try await Opportunities.insert(
                connection, caller, fields, origin: OpportunityOrigin(leadID: id),
                attribution: try await PromotionAttribution.of(connection, objectType: "lead", objectID: id.uuid, logger: logger), logger: logger
            )
            try await connection.query(
                """
                UPDATE hub.leads SET status = 'converted', updated_at = now(), closed_at = now(),
                       first_response_at = coalesce(first_response_at, now()),
                       converted_account_id = \(account.id.uuid), converted_contact_id = \(contact?.id.uuid),
                       converted_opportunity_id = \(opportunity.id.uuid)
                 WHERE id = \(id.uuid)
                """,
                logger: logger
            )
            try await Leads.recordChange(connection, caller, lead: id, from: .qualified, to: .converted, reason: nil, logger: logger)
            var links = ["account": account.id.description, "opportunity": opportunity.id.description]
            if let contact { links["contact"] = contact.id.description }
            try await Events.record(
                connection, caller, "lead.converted", subject: EventSubject("lead", id.uuid),
                data: links.merging(["from": "qualified", "to": "converted"]) { first, _ in first },
                audit: AuditRecord(action: "lead.convert", targetType: "lead", targetID: id.description, details: links),
                logger: logger
            )
            let converted = try await Leads.decode(
                connection.query("SELECT \(unescaped: Leads.columns) FROM hub.leads WHERE id = \(id.uuid)", logger: logger)
            ).first!
            return ConvertedLead(
                lead: converted, account: account, contact: contact, opportunity: opportunity, createdAccount: createdAccount,
                createdContact: createdContact
            )
        }
    }

    /// The named account, else the tenant's account with the lead's company domain, else a new one from the lead.
    private func account(
        _ connection: PostgresConnection, _ caller: Caller, for lead: Lead, _ request: LeadConversionRequest, owner: UserID?, logger: Logger
    ) async throws -> (Account, created: Bool) {
        if let id = request.accountID {
            try await References.requireAccount(connection, id, field: "/accountID", logger: logger)
            return (try await Accounts.fetch(connection, id: id, lock: false, logger: logger), false)
        }
        let domain = lead.companyDomain.flatMap { try? DomainName.normalize($0, field: "/companyDomain") }
        if let domain, let existing = try await Accounts.find(connection, domain: domain, logger: logger) {
            return (existing, false)
        }
        guard let name = lead.companyName else {
            throw HubError.invalid("/accountID", "the lead has no company name; name an existing account to link")
        }
        let fields = AccountFields(
            name: name, domain: domain, country: lead.country.flatMap { try? CountryCode.normalize($0, field: "/country") },
            region: lead.region, ownerUserID: owner
        )
        return (try await Accounts.insert(connection, caller, try fields.validated(), logger: logger), true)
    }

    /// The named contact, else the tenant's contact with the lead's e-mail, else a new one from the lead when it names a person.
    private func contact(
        _ connection: PostgresConnection, _ caller: Caller, for lead: Lead, _ request: LeadConversionRequest, account: Account, logger: Logger
    ) async throws -> (Contact?, created: Bool) {
        var existing: Contact?
        if let id = request.contactID {
            let rows = try await connection.query("SELECT count(*) FROM hub.contacts WHERE id = \(id.uuid)", logger: logger)
            guard try await rows.decode(Int.self).first(where: { _ in true }) == 1 else {
                throw HubError.invalid("/contactID", "no contact of your company has this id")
            }
            existing = try await Contacts.fetch(connection, id: id, lock: true, logger: logger)
        } else if let email = lead.email {
            existing = try await Contacts.find(connection, email: email, logger: logger)
        }
        if var contact = existing {
            if contact.accountID == nil {
                // A contact nobody had placed yet now belongs to the account the lead converted into.
                try await connection.query(
                    "UPDATE hub.contacts SET account_id = \(account.id.uuid), updated_at = now() WHERE id = \(contact.id.uuid)", logger: logger
                )
                contact.accountID = account.id
            }
            return (contact, false)
        }
        guard lead.lastName != nil || lead.email != nil else { return (nil, false) }
        let fields = ContactFields(
            accountID: account.id, firstName: lead.firstName, lastName: lead.lastName, email: lead.email, phone: lead.phone
        )
        return (try await Contacts.insert(connection, caller, try fields.validated(), logger: logger), true)
    }
}

import Foundation
import HubCore
import Logging
import PostgresNIO

/// The vendor's own opportunity for an approved registration, created when the vendor asks for it.
enum ApprovedDealOpportunity {
    /// At the vendor's account with the customer's domain (or normalized name and country), created if the vendor has
    /// none; sourced by the partner and linked to the registration.
    static func create(
        for registration: VendorDealRegistration, _ connection: PostgresConnection, _ caller: Caller, logger: Logger
    ) async throws -> Opportunity {
        var account = try await registration.customerDomain.asyncFlatMap { try await Accounts.find(connection, domain: $0, logger: logger) }
        if account == nil {
            account = try await Accounts.decode(
                connection.query(
                    """
                    SELECT \(unescaped: Accounts.columns) FROM hub.accounts
                     WHERE name_key = \(CompanyName.key(registration.customerName)) AND country = \(registration.country)
                     ORDER BY created_at LIMIT 1
                    """,
                    logger: logger
                )
            ).first
        }
        let linked: Account
        if let account {
            linked = account
        } else {
            let fields = AccountFields(
                name: registration.customerName, domain: registration.customerDomain, country: registration.country,
                ownerUserID: caller.principal.userID
            )
            linked = try await Accounts.insert(connection, caller, try fields.validated(), logger: logger)
        }
        let fields = try OpportunityFields(
            accountID: linked.id, name: registration.customerName, stage: .qualification, amount: registration.amount,
            expectedCloseOn: registration.expectedCloseOn, ownerUserID: caller.principal.userID
        ).validated()
        return try await Opportunities.insert(
            connection, caller, fields,
            origin: OpportunityOrigin(dealRegistrationID: registration.id, sourcedByTenantID: registration.partnerTenantID), attribution: nil,
            logger: logger
        )
    }}

extension Optional {
    fileprivate func asyncFlatMap<Other>(_ transform: (Wrapped) async throws -> Other?) async rethrows -> Other? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

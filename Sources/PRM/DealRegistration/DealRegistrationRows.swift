import Foundation
import HubCore
import PostgresNIO

/// The SQL column lists and decoders of the two views of a registration. The partner's list names only
/// columns meant for the partner; nothing of the vendor's (conflicts, opportunity, override reasons) is in it.
enum DealRegistrationRows {
    static let vendorColumns = """
        id, partner_tenant_id, status::text, customer_name, customer_domain, country, products::text, amount::text, currency,
        expected_close_on::text, partner_ref, has_conflict, first_submitted_at, submitted_at, decided_at, decision_reason,
        protection_until, expires_at, opportunity_id, deal_outcome::text, created_at, updated_at
        """

    static let partnerColumns = """
        id, tenant_id, status::text, customer_name, customer_domain, country, products::text, amount::text, currency,
        expected_close_on::text, partner_ref, has_conflict, submitted_at, decided_at, decision_reason, protection_until, expires_at,
        deal_outcome::text, created_at, updated_at
        """

    static func decodeVendor(_ rows: PostgresRowSequence) async throws -> [VendorDealRegistration] {
        var registrations: [VendorDealRegistration] = []
        for try await row in rows {
            let c = row.makeRandomAccess()
            registrations.append(
                VendorDealRegistration(
                    id: DealRegistrationID(try c[0].decode(UUID.self)),
                    partnerTenantID: TenantID(try c[1].decode(UUID.self)),
                    status: try status(c[2].decode(String.self)),
                    customerName: try c[3].decode(String.self),
                    customerDomain: try c[4].decode(String?.self),
                    country: try c[5].decode(String.self),
                    products: try products(c[6].decode(String.self)),
                    amount: Money(stored: try c[7].decode(String.self), currency: try c[8].decode(String.self)),
                    expectedCloseOn: Day(stored: try c[9].decode(String.self)),
                    partnerRef: try c[10].decode(String?.self),
                    hasConflict: try c[11].decode(Bool.self),
                    firstSubmittedAt: try c[12].decode(Date?.self),
                    submittedAt: try c[13].decode(Date?.self),
                    decidedAt: try c[14].decode(Date?.self),
                    decisionReason: try c[15].decode(String?.self),
                    protectionUntil: try c[16].decode(Date?.self),
                    expiresAt: try c[17].decode(Date?.self),
                    opportunityID: try c[18].decode(UUID?.self).map { OpportunityID($0) },
                    dealOutcome: try c[19].decode(String?.self).flatMap(OpportunityOutcome.init),
                    createdAt: try c[20].decode(Date.self),
                    updatedAt: try c[21].decode(Date.self)
                )
            )
        }
        return registrations
    }

    static func decodePartner(_ rows: PostgresRowSequence) async throws -> [PartnerDealRegistration] {
        var registrations: [PartnerDealRegistration] = []
        for try await row in rows {
            let c = row.makeRandomAccess()
            registrations.append(
                PartnerDealRegistration(
                    id: DealRegistrationID(try c[0].decode(UUID.self)),
                    vendorTenantID: TenantID(try c[1].decode(UUID.self)),
                    status: try status(c[2].decode(String.self)),
                    customerName: try c[3].decode(String.self),
                    customerDomain: try c[4].decode(String?.self),
                    country: try c[5].decode(String.self),
                    products: try products(c[6].decode(String.self)),
                    amount: Money(stored: try c[7].decode(String.self), currency: try c[8].decode(String.self)),
                    expectedCloseOn: Day(stored: try c[9].decode(String.self)),
                    partnerRef: try c[10].decode(String?.self),
                    hasConflict: try c[11].decode(Bool.self),
                    submittedAt: try c[12].decode(Date?.self),
                    decidedAt: try c[13].decode(Date?.self),
                    decisionReason: try c[14].decode(String?.self),
                    protectionUntil: try c[15].decode(Date?.self),
                    expiresAt: try c[16].decode(Date?.self),
                    dealOutcome: try c[17].decode(String?.self).flatMap(OpportunityOutcome.init),
                    createdAt: try c[18].decode(Date.self),
                    updatedAt: try c[19].decode(Date.self)
                )
            )
        }
        return registrations
    }

    static func productsJSON(_ products: [DealProduct]) throws -> String {
        String(decoding: try JSONEncoder().encode(products), as: UTF8.self)
    }

    private static func products(_ json: String) throws -> [DealProduct] {
        try JSONDecoder().decode([DealProduct].self, from: Data(json.utf8))
    }

    private static func status(_ raw: String) -> DealRegistrationStatus {
        DealRegistrationStatus(rawValue: raw) ?? .expired
    }
}

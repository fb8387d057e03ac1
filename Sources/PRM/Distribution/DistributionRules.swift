import Foundation
import HubCore
import Logging
import PostgresNIO

/// A channel manager's distribution rules, and running them on leads (see `DistributionRules+Running`).
public struct DistributionRules: Sendable {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func create(_ caller: Caller, _ draft: DistributionRuleDraft) async throws -> DistributionRule {
        try caller.principal.require(.channelManager, to: "creating a distribution rule")
        let rule = try draft.applied(to: nil, id: DistributionRuleID())
        return try await database.withTenant(caller.principal) { connection in
            try await connection.query(
                """
                INSERT INTO hub.distribution_rules (tenant_id, id, name, strategy, lead_countries, lead_regions, lead_sources, eligible_tiers,
                                                    per_partner_capacity, sla_hours, exclusive, shared_fields, active)
                VALUES (\(caller.tenantID.uuid), \(rule.id.uuid), \(rule.name), \(rule.strategy.rawValue), \(rule.leadCountries),
                        \(rule.leadRegions), \(rule.leadSources.map(\.rawValue)), \(rule.eligibleTiers), \(rule.perPartnerCapacity),
                        \(rule.slaHours), \(rule.exclusive), \(rule.sharedFields.map(\.rawValue)), \(rule.active))
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "distribution_rule.created", subject: EventSubject("distribution_rule", rule.id.uuid),
                data: ["strategy": rule.strategy.rawValue],
                audit: AuditRecord(
                    action: "distribution_rule.create", targetType: "distribution_rule", targetID: rule.id.description,
                    details: ["strategy": rule.strategy.rawValue]
                ),
                logger: database.logger
            )
            return try await Self.fetch(connection, id: rule.id, lock: false, logger: database.logger)
        }
    }

    /// Changes the fields the draft sets; the rest stay.
    public func update(_ caller: Caller, id: DistributionRuleID, _ draft: DistributionRuleDraft) async throws -> DistributionRule {
        try await database.withTenant(caller.principal) { connection in
            let current = try await Self.fetch(connection, id: id, lock: true, logger: database.logger)
            try caller.principal.require(.channelManager, to: "changing a distribution rule")
            let rule = try draft.applied(to: current, id: id)
            try await connection.query(
                """
                UPDATE hub.distribution_rules SET
                    name = \(rule.name), strategy = \(rule.strategy.rawValue), lead_countries = \(rule.leadCountries),
                    lead_regions = \(rule.leadRegions), lead_sources = \(rule.leadSources.map(\.rawValue)), eligible_tiers = \(rule.eligibleTiers),
                    per_partner_capacity = \(rule.perPartnerCapacity), sla_hours = \(rule.slaHours), exclusive = \(rule.exclusive),
                    shared_fields = \(rule.sharedFields.map(\.rawValue)), active = \(rule.active), updated_at = now()
                 WHERE id = \(id.uuid)
                """,
                logger: database.logger
            )
            try await Events.record(
                connection, caller, "distribution_rule.updated", subject: EventSubject("distribution_rule", id.uuid),
                data: ["active": String(rule.active)],
                audit: AuditRecord(
                    action: "distribution_rule.update", targetType: "distribution_rule", targetID: id.description,
                    details: ["active": String(rule.active)]
                ),
                logger: database.logger
            )
            return try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    public func get(_ caller: Caller, id: DistributionRuleID) async throws -> DistributionRule {
        try await database.withTenant(caller.principal) { connection in
            try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
        }
    }

    /// What happened to the rule, oldest first: changes and runs.
    public func timeline(_ caller: Caller, id: DistributionRuleID, page: PageRequest) async throws -> Page<HubEvent> {
        try await database.withTenant(caller.principal) { connection in
            _ = try await Self.fetch(connection, id: id, lock: false, logger: database.logger)
            return try await Events.timeline(connection, subject: EventSubject("distribution_rule", id.uuid), page: page, logger: database.logger)
        }
    }

    /// The tenant's rules, oldest first.
    public func list(_ caller: Caller) async throws -> [DistributionRule] {
        try await database.withTenant(caller.principal) { connection in
            try await Self.decode(
                connection.query("SELECT \(unescaped: Self.columns) FROM hub.distribution_rules ORDER BY created_at, id", logger: database.logger)
            )
        }
    }

    static func fetch(_ connection: PostgresConnection, id: DistributionRuleID, lock: Bool, logger: Logger) async throws -> DistributionRule {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM hub.distribution_rules WHERE id = \(id.uuid) \(unescaped: lock ? "FOR UPDATE" : "")",
            logger: logger
        )
        guard let rule = try await decode(rows).first else { throw HubError.notFound("distribution rule") }
        return rule
    }

    static let columns = """
        id, name, strategy, lead_countries, lead_regions, lead_sources, eligible_tiers, per_partner_capacity, sla_hours, exclusive,
        shared_fields, active, created_at, updated_at
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [DistributionRule] {
        var rules: [DistributionRule] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            rules.append(
                DistributionRule(
                    id: DistributionRuleID(try columns[0].decode(UUID.self)),
                    name: try columns[1].decode(String.self),
                    strategy: DistributionStrategy(rawValue: try columns[2].decode(String.self)) ?? .roundRobin,
                    leadCountries: try columns[3].decode([String].self),
                    leadRegions: try columns[4].decode([String].self),
                    leadSources: try columns[5].decode([String].self).compactMap(LeadSource.init),
                    eligibleTiers: try columns[6].decode([String].self),
                    perPartnerCapacity: try columns[7].decode(Int?.self),
                    slaHours: try columns[8].decode(Int.self),
                    exclusive: try columns[9].decode(Bool.self),
                    sharedFields: try columns[10].decode([String].self).compactMap(SharedLeadField.init),
                    active: try columns[11].decode(Bool.self),
                    createdAt: try columns[12].decode(Date.self),
                    updatedAt: try columns[13].decode(Date.self)
                )
            )
        }
        return rules
    }
}

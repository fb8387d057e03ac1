import Foundation
import PostgresNIO

/// Slows down password guessing, per account and per client address, in the database so that
/// every instance of the hub shares the count.
public struct LoginThrottle: Sendable {
    /// How one kind of key is throttled: after `threshold` failures inside `window`, lock for
    /// `baseLock`, doubling with each further failure up to `maximumLock`.
    public struct Rule: Sendable {
        public var threshold: Int
        public var window: Duration
        public var baseLock: Duration
        public var maximumLock: Duration

        public init(threshold: Int, window: Duration, baseLock: Duration, maximumLock: Duration) {
            self.threshold = threshold
            self.window = window
            self.baseLock = baseLock
            self.maximumLock = maximumLock
        }
    }

    public var account: Rule
    public var address: Rule

    public init(
        account: Rule = Rule(threshold: 5, window: .seconds(15 * 60), baseLock: .seconds(30), maximumLock: .seconds(15 * 60)),
        address: Rule = Rule(threshold: 20, window: .seconds(60), baseLock: .seconds(60), maximumLock: .seconds(15 * 60))
    ) {
        self.account = account
        self.address = address
    }

    struct Keys {
        var account: Data
        var address: Data
    }

    func keys(email: String, clientAddress: String) -> Keys {
        Keys(account: Secrets.hash("account:" + email), address: Secrets.hash("address:" + clientAddress))
    }

    /// Throws `throttled` with the seconds to wait while either key is locked.
    func check(_ keys: Keys, database: HubDatabase) async throws {
        let wait = try await database.withoutTenant { connection in
            let rows = try await connection.query(
                """
                SELECT ceil(extract(epoch FROM max(locked_until) - now()))::bigint FROM hub.login_throttle
                 WHERE key IN (\(keys.account), \(keys.address)) AND locked_until > now()
                """,
                logger: database.logger
            )
            return try await rows.decode(Int64?.self).first { _ in true } ?? nil
        }
        if let wait, wait > 0 { throw HubError.throttled(retryAfterSeconds: Int(wait)) }
    }

    func recordFailure(_ keys: Keys, database: HubDatabase) async throws {
        try await database.withoutTenant { connection in
            for (key, rule) in [(keys.account, account), (keys.address, address)] {
                let window = Double(rule.window.components.seconds)
                let base = Double(rule.baseLock.components.seconds)
                let maximum = Double(rule.maximumLock.components.seconds)
                try await connection.query(
                    """
                    INSERT INTO hub.login_throttle AS t (key, failures, window_start) VALUES (\(key), 1, now())
                    ON CONFLICT (key) DO UPDATE SET
                        failures = CASE WHEN t.window_start < now() - make_interval(secs => \(window)) THEN 1 ELSE t.failures + 1 END,
                        window_start = CASE WHEN t.window_start < now() - make_interval(secs => \(window)) THEN now() ELSE t.window_start END
                    """,
                    logger: database.logger
                )
                try await connection.query(
                    """
                    UPDATE hub.login_throttle
                       SET locked_until = now() + make_interval(secs => least(\(maximum), \(base) * power(2, failures - \(rule.threshold))))
                     WHERE key = \(key) AND failures >= \(rule.threshold)
                    """,
                    logger: database.logger
                )
            }
        }
    }

    /// A correct password clears the account's count; the address keeps its count so one good
    /// account cannot be used to reset guessing at others.
    func recordSuccess(_ keys: Keys, database: HubDatabase) async throws {
        try await database.withoutTenant { connection in
            try await connection.query("DELETE FROM hub.login_throttle WHERE key = \(keys.account)", logger: database.logger)
        }
    }
}

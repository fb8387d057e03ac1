import Foundation

/// When to try a failed delivery again, and when to give up.
public struct WebhookRetryPolicy: Sendable {
    /// The wait after the 1st, 2nd, … failed attempt; the last one repeats if attempts remain.
    public var delays: [Duration]
    /// Attempts in all, the first included; after the last failure the delivery is `failed`.
    public var maximumAttempts: Int
    /// Each wait is stretched or shrunk by up to this fraction at random, so endpoints that failed
    /// together are not all retried in the same instant.
    public var jitter: Double

    /// 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h: eight attempts over about eleven hours.
    public static let standard = WebhookRetryPolicy(
        delays: [.seconds(30), .seconds(120), .seconds(600), .seconds(1800), .seconds(3600), .seconds(10800), .seconds(21600)],
        maximumAttempts: 8, jitter: 0.2
    )

    public init(delays: [Duration], maximumAttempts: Int, jitter: Double) {
        precondition(!delays.isEmpty && maximumAttempts >= 1 && (0..<1).contains(jitter))
        self.delays = delays
        self.maximumAttempts = maximumAttempts
        self.jitter = jitter
    }

    /// When attempt `attempt + 1` is due after attempt `attempt` failed at `now`; `nil` when none is left.
    public func retryTime(after attempt: Int, failedAt now: Date) -> Date? {
        guard attempt < maximumAttempts else { return nil }
        let delay = delays[min(attempt, delays.count) - 1]
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        let factor = jitter == 0 ? 1 : Double.random(in: (1 - jitter)...(1 + jitter))
        return now.addingTimeInterval(seconds * factor)
    }
}

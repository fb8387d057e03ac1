import Logging
import ServiceLifecycle

/// Runs a clock-driven sweep on a timer beside the server, so state that changes with time (an offer's
/// deadline, a promotion's first day) moves, and its events and webhooks go out, even when nobody opens
/// the object. Reads and actions apply the same rules lazily; a failed sweep is logged and tried again.
struct PeriodicJob: Service {
    /// What the sweep does, as a log message takes it ("expired lead offers").
    let name: String
    let interval: Duration
    let logger: Logger
    /// Returns how many objects it changed.
    let sweep: @Sendable () async throws -> Int

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let changed = try await sweep()
                    if changed > 0 { logger.info("\(name)", metadata: ["count": "\(changed)"]) }
                } catch {
                    logger.error("\(name) failed", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}

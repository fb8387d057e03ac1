import Logging
import PRM
import ServiceLifecycle

/// Moves promotions along the calendar on a timer (scheduled → active on the first day, active → ended
/// after the last), so their events and webhooks go out even when nobody opens them. Reads and actions
/// apply the same rule lazily.
struct PromotionCalendarService: Service {
    let promotions: Promotions
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let changed = try await promotions.advanceAllDue()
                    if changed > 0 { logger.info("promotions moved along the calendar", metadata: ["count": "\(changed)"]) }
                } catch {
                    logger.error("moving promotions along the calendar failed", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}

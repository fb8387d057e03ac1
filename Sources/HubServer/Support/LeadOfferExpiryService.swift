import Logging
import PRM
import ServiceLifecycle

/// Expires overdue lead offers on a timer, so an offer nobody opens still turns `expired` (and its
/// `lead.offer_expired` events go out) soon after its deadline. Reads and actions expire lazily too.
struct LeadOfferExpiryService: Service {
    let offers: LeadOffers
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let expired = try await offers.expireDue()
                    if expired > 0 { logger.info("expired lead offers", metadata: ["count": "\(expired)"]) }
                } catch {
                    logger.error("expiring lead offers failed", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}

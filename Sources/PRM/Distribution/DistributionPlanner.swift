import Foundation
import HubCore

/// The pure heart of a distribution run: who gets each lead, given each lead's candidates (with the
/// exclusions that do not change during a run), how many leads of the rule each partner has had, how
/// many more offers each can take, and the run's seed. The same inputs always give the same choices,
/// which is what makes a recorded run replayable.
struct DistributionPlanner {
    /// Leads of the rule each partner has received: the rule's persisted round-robin position.
    private(set) var served: [TenantID: Int64]
    /// Offers each partner can still take in this run; absent means no limit.
    private(set) var capacityLeft: [TenantID: Int]
    let seed: Int64

    init(served: [TenantID: Int64], capacityLeft: [TenantID: Int], seed: Int64) {
        self.served = served
        self.capacityLeft = capacityLeft
        self.seed = seed
    }

    /// Picks the partner for one lead and counts it served. Eligible partners at capacity are marked so
    /// in `candidates`. The preferred group (lowest `preference`) goes first; within it the partner with
    /// the fewest leads per unit of weight; equal ones are ordered by the seed, not by id or age, so no
    /// partner is favoured by how it was created.
    mutating func choose(_ candidates: inout [DistributionCandidate]) -> TenantID? {
        for index in candidates.indices where candidates[index].excludedBecause == nil {
            if let left = capacityLeft[candidates[index].partnerTenantID], left <= 0 { candidates[index].excludedBecause = .atCapacity }
        }
        guard let best = candidates.filter({ $0.excludedBecause == nil }).min(by: isPreferred) else { return nil }
        served[best.partnerTenantID, default: 0] += 1
        if let left = capacityLeft[best.partnerTenantID] { capacityLeft[best.partnerTenantID] = left - 1 }
        return best.partnerTenantID
    }

    private func isPreferred(_ a: DistributionCandidate, over b: DistributionCandidate) -> Bool {
        if a.preference != b.preference { return a.preference < b.preference }
        // (served + 1) / weight, compared by cross-multiplying: the share each would have after this lead.
        let aShare = (served[a.partnerTenantID, default: 0] + 1) * Int64(b.weight)
        let bShare = (served[b.partnerTenantID, default: 0] + 1) * Int64(a.weight)
        if aShare != bShare { return aShare < bShare }
        return tieBreak(a.partnerTenantID) < tieBreak(b.partnerTenantID)
    }

    /// A stable pseudo-random rank of a partner for this seed (SplitMix64 over the seed and the id's bytes).
    func tieBreak(_ partner: TenantID) -> UInt64 {
        var state = UInt64(bitPattern: seed)
        withUnsafeBytes(of: partner.uuid.uuid) { bytes in
            for byte in bytes { state = Self.mix(state ^ UInt64(byte)) }
        }
        return state
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

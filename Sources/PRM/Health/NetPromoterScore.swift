import Foundation

/// Answers to a 0–10 "how likely are you to recommend us" question, tallied the NPS way.
public struct NetPromoterScore: Sendable, Encodable, Equatable {
    /// Answers counted.
    public var responses: Int
    /// Scores 9 and 10.
    public var promoters: Int
    /// Scores 7 and 8.
    public var passives: Int
    /// Scores 0 to 6.
    public var detractors: Int
    /// % promoters − % detractors, −100 to 100, as a decimal string with one place (`"33.3"`);
    /// `nil` when there is no answer to score.
    public var score: String?

    public init(promoters: Int, passives: Int, detractors: Int) {
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
        self.responses = promoters + passives + detractors
        self.score = Self.score(promoters: promoters, detractors: detractors, responses: responses)
    }

    /// Tallies raw scores (each 0–10).
    public init(scores: some Sequence<Int>) {
        var promoters = 0, passives = 0, detractors = 0
        for score in scores {
            switch score {
            case 9...10: promoters += 1
            case 7...8: passives += 1
            default: detractors += 1
            }
        }
        self.init(promoters: promoters, passives: passives, detractors: detractors)
    }

    /// 100 × (promoters − detractors) ÷ responses, rounded half away from zero to one place, in
    /// integer arithmetic so the string is exact.
    static func score(promoters: Int, detractors: Int, responses: Int) -> String? {
        guard responses > 0 else { return nil }
        let numerator = 1000 * (promoters - detractors)
        let tenths = (2 * abs(numerator) + responses) / (2 * responses)
        let sign = numerator < 0 && tenths > 0 ? "-" : ""
        return "\(sign)\(tenths / 10).\(tenths % 10)"
    }
}

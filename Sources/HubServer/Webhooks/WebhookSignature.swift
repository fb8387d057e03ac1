import Crypto
import Foundation

/// How a delivery is signed, and how a receiver checks it.
///
/// Every delivery carries `PartnerHub-Timestamp: <unix seconds>` and
/// `PartnerHub-Signature: v1=<hex>`, where `<hex>` is HMAC-SHA256 keyed with the endpoint's secret
/// (the 32 bytes whose hex follows `whsec_`) over `"<timestamp>.<raw body>"`. A receiver recomputes
/// it over the exact bytes it received, compares in constant time, and rejects a timestamp more than
/// five minutes from its own clock, so a captured request cannot be replayed later. The delivery id
/// (`PartnerHub-Delivery`) and the event id in the body let it drop a duplicate it already handled.
public enum WebhookSignature {
    /// The oldest (or furthest in the future) timestamp a receiver should accept.
    public static let tolerance: TimeInterval = 5 * 60

    /// `v1=<hex HMAC-SHA256(key, "<timestamp>.<body>")>`.
    public static func sign(body: String, timestamp: Int, key: Data) -> String {
        let message = Data("\(timestamp).\(body)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1=" + Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    /// The receiver's check: a `v1` signature that matches and a timestamp within the tolerance of `now`.
    public static func verify(body: String, timestamp: String, signature: String, key: Data, now: Date = Date()) -> Bool {
        guard let seconds = Int(timestamp), abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance,
            signature.hasPrefix("v1="), let given = Data(hex: String(signature.dropFirst(3)))
        else { return false }
        let message = Data("\(seconds).\(body)".utf8)
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: message, using: SymmetricKey(data: key))
    }

    /// The key inside a `whsec_…` secret as shown to the tenant.
    public static func key(fromSecret secret: String) -> Data? {
        guard secret.hasPrefix("whsec_") else { return nil }
        return Data(hex: String(secret.dropFirst(6)))
    }
}

extension Data {
    /// Bytes from lower- or upper-case hex; `nil` for anything else.
    init?(hex: String) {
        guard hex.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}

import Crypto
import Foundation

/// Random bearer secrets (session cookies, API tokens) and the hashes stored in their place.
public enum Secrets {
    /// 256 random bits from the system's CSPRNG, base64url without padding, after `prefix`.
    public static func generate(prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + encoded
    }

    /// What the database keeps: SHA-256 of the secret. A 256-bit random secret needs no slow hash.
    public static func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }
}

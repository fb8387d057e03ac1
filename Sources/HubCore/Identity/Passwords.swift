import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// Hashes and checks passwords with bcrypt over a SHA-256 pre-hash.
///
/// The pre-hash (base64, 44 bytes) keeps bcrypt's 72-byte input limit from silently ignoring
/// the end of a long password. Hashing runs on the blocking thread pool: at cost 12 it takes
/// a quarter of a second and must not stall an event loop.
public struct PasswordHasher: Sendable {
    /// bcrypt's work factor: 12 in production; tests may lower it to stay fast.
    public let cost: UInt8

    public static let productionCost: UInt8 = 12
    static let scheme = "bcrypt-sha256$"

    public init(cost: UInt8 = PasswordHasher.productionCost) {
        self.cost = cost
    }

    /// The stored form of `password`.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive {
            Self.scheme + Bcrypt.hash(Self.prehash(password), cost: cost)
        }
    }

    /// Hashes on the calling thread: for start-up, never for a request.
    func hashNow(_ password: String) -> String {
        Self.scheme + Bcrypt.hash(Self.prehash(password), cost: cost)
    }

    /// Whether `password` matches `stored`.
    public func verify(_ password: String, against stored: String) async throws -> Bool {
        guard stored.hasPrefix(Self.scheme) else { return false }
        let bcryptHash = String(stored.dropFirst(Self.scheme.count))
        return try await NIOThreadPool.singleton.runIfActive {
            Bcrypt.verify(Self.prehash(password), hash: bcryptHash)
        }
    }

    /// Whether `stored` was made with a lower cost than this hasher's, so it should be redone at login.
    public func needsRehash(_ stored: String) -> Bool {
        // "$2b$12$…": the cost is the two digits after the second "$".
        let bcryptHash = stored.dropFirst(Self.scheme.count).split(separator: "$")
        guard bcryptHash.count >= 2, let storedCost = UInt8(bcryptHash[1]) else { return true }
        return storedCost < cost
    }

    private static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }
}

/// The rules a new password must meet (NIST 800-63B: length, not composition).
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumLength = 128

    /// Checks `password` for `email`'s account; throws `invalid` naming the field.
    public static func check(_ password: String, email: String, field: String = "/password") throws(HubError) {
        let length = password.count
        if length < minimumLength {
            throw .invalid(field, "must be at least \(minimumLength) characters long")
        }
        if length > maximumLength {
            throw .invalid(field, "must be at most \(maximumLength) characters long")
        }
        let lowered = password.lowercased()
        if let localPart = email.split(separator: "@").first, localPart.count >= 4, lowered.contains(localPart.lowercased()) {
            throw .invalid(field, "must not contain your e-mail address")
        }
        if Set(password).count < 4 {
            throw .invalid(field, "uses too few different characters")
        }
    }
}

import Foundation

/// E-mail addresses as the hub stores them: trimmed, lower-cased, and plausibly deliverable.
public enum EmailAddress {
    /// The normalized address, or `invalid` naming `field` and what is wrong.
    public static func normalize(_ raw: String, field: String) throws(HubError) -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalid(field, "must be an e-mail address like name@example.com") }
        let (local, domain) = (parts[0], parts[1])
        guard !local.isEmpty, local.utf8.count <= 64 else { throw .invalid(field, "the part before @ must be 1 to 64 characters") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.utf8.count <= 253,
            labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && !$0.hasPrefix("-") && !$0.hasSuffix("-") })
        else {
            throw .invalid(field, "the domain after @ must be a name like example.com")
        }
        guard !email.contains(where: { $0.isWhitespace || $0.isNewline || "<>()[],;:\\\"".contains($0) }) else {
            throw .invalid(field, "must not contain spaces or any of <>()[],;:\\\"")
        }
        return email
    }
}

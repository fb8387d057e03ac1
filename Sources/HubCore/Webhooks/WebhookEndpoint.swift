import Foundation

public enum WebhookEndpointKind {}
public enum WebhookDeliveryKind {}

/// A URL a tenant has registered to receive its events.
public typealias WebhookEndpointID = Identifier<WebhookEndpointKind>
/// One event (or ping) on its way to one endpoint.
public typealias WebhookDeliveryID = Identifier<WebhookDeliveryKind>

/// A registered endpoint as listed and shown: never its signing secret.
public struct WebhookEndpoint: Sendable, Encodable, Equatable {
    public var id: WebhookEndpointID
    public var url: String
    /// Exact event types, `prefix.*` wildcards, or `*` for every event.
    public var events: [String]
    public var active: Bool
    public var description: String?
    public var secretRotatedAt: Date
    public var createdAt: Date
    public var updatedAt: Date
}

/// An endpoint together with its signing secret: returned only at creation and on rotation.
public struct WebhookEndpointWithSecret: Sendable, Encodable {
    public var endpoint: WebhookEndpoint
    /// `whsec_` and the 32-byte key in hex; the receiver uses it to check `PartnerHub-Signature`.
    public var secret: String
}

/// What a tenant asks for when it registers or changes an endpoint; `nil` keeps the current value.
public struct WebhookEndpointChanges: Sendable {
    public var url: String?
    public var events: [String]?
    public var active: Bool?
    /// `.some(nil)` clears the description.
    public var description: String??

    public init(url: String? = nil, events: [String]? = nil, active: Bool? = nil, description: String?? = nil) {
        self.url = url
        self.events = events
        self.active = active
        self.description = description
    }
}

/// Where a delivery stands.
public enum WebhookDeliveryStatus: String, Sendable, Codable, CaseIterable {
    case pending, delivered, failed
}

/// One event's delivery to one endpoint, with its attempts when shown alone.
public struct WebhookDelivery: Sendable, Encodable, Equatable {
    public var id: WebhookDeliveryID
    public var endpointID: WebhookEndpointID
    public var eventID: String
    public var eventType: String
    public var status: WebhookDeliveryStatus
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?
    public var completedAt: Date?
    /// The delivery this one replays, for manual redeliveries.
    public var redeliveryOf: WebhookDeliveryID?
    public var createdAt: Date
    /// Every attempt, oldest first; only in a single delivery's view.
    public var attemptLog: [WebhookAttempt]?
}

/// One HTTP request made for a delivery and how it ended.
public struct WebhookAttempt: Sendable, Encodable, Equatable {
    public var attempt: Int
    public var at: Date
    /// The receiver's HTTP status, when it answered at all.
    public var statusCode: Int?
    /// What went wrong when it did not answer (timeout, refused connection, …).
    public var error: String?
    public var durationMilliseconds: Int
}

/// The rules for what an endpoint may point at and listen to.
public enum WebhookRules {
    public static let secretPrefix = "whsec_"
    public static let maximumFilters = 50

    /// Accepts `https` URLs, and `http` only to a loopback address (for local receivers and tests);
    /// refuses credentials in the URL, fragments and every other scheme.
    public static func validatedURL(_ raw: String) throws(HubError) -> String {
        let url = raw.trimmingCharacters(in: .whitespaces)
        guard url.count <= 2000, let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw .invalid("/url", "must be an absolute https URL")
        }
        if components.user != nil || components.password != nil {
            throw .invalid("/url", "must not carry a user name or password; authenticate with the signature instead")
        }
        if components.fragment != nil { throw .invalid("/url", "must not have a #fragment") }
        switch scheme {
        case "https": break
        case "http" where isLoopback(host): break
        case "http": throw .invalid("/url", "must use https (plain http is allowed only to a loopback address)")
        default: throw .invalid("/url", "must use https, not \(scheme)")
        }
        return url
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Event filters: at least one, each `*`, an exact type like `lead.offered`, or a `prefix.*`.
    public static func validatedFilters(_ filters: [String]) throws(HubError) -> [String] {
        guard !filters.isEmpty else { throw .invalid("/events", "name at least one event type, or \"*\" for all") }
        guard filters.count <= maximumFilters else { throw .invalid("/events", "at most \(maximumFilters) filters") }
        let exact = /[a-z_]+(\.[a-z_]+)+/
        let prefix = /[a-z_]+(\.[a-z_]+)*\.\*/
        for (index, filter) in filters.enumerated() {
            guard filter == "*" || filter.wholeMatch(of: exact) != nil || filter.wholeMatch(of: prefix) != nil, filter.count <= 80 else {
                throw .invalid("/events/\(index)", "must be an event type like lead.offered, a prefix like lead.*, or *")
            }
        }
        var seen = Set<String>()
        return filters.filter { seen.insert($0).inserted }
    }

    /// A trimmed description of at most 500 characters; empty means none.
    public static func validatedDescription(_ raw: String?) throws(HubError) -> String? {
        guard let text = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        guard text.count <= 500 else { throw .invalid("/description", "must be at most 500 characters") }
        return text
    }
}

/// A problem with one field of a request, named so a user can fix it.
public struct FieldIssue: Sendable, Equatable, Codable {
    /// A JSON pointer or field name, e.g. `/email`.
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// The errors HubCore's operations raise; the HTTP layer maps each to a problem type.
public enum HubError: Error, Sendable, Equatable {
    /// No such object for this tenant; also what another tenant's object looks like.
    case notFound(String)
    /// The request is well formed but a field is wrong.
    case invalid([FieldIssue])
    /// The object exists but is in a state that does not allow this.
    case conflict(String)
    /// No valid credential was presented.
    case unauthenticated
    /// The credential is valid but its role may not do this.
    case forbidden(String)
    /// Too many failed attempts; retry after this many seconds.
    case throttled(retryAfterSeconds: Int)

    /// One invalid field.
    public static func invalid(_ field: String, _ message: String) -> HubError {
        .invalid([FieldIssue(field, message)])
    }
}

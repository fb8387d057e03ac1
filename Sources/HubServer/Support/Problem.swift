import Foundation
import HTTPTypes
import HubCore
import Hummingbird

/// An RFC 9457 problem details response, with a stable `type` per kind of error.
public struct Problem: Error, Encodable, Sendable {
    /// The kinds of problem the API reports; each `type` URI is stable and documented in the OpenAPI document.
    public enum Kind: String, Sendable, CaseIterable {
        case malformedRequest = "malformed-request"
        case validation
        case unauthenticated
        case forbidden
        case notFound = "not-found"
        case methodNotAllowed = "method-not-allowed"
        case conflict
        case payloadTooLarge = "payload-too-large"
        case unsupportedMediaType = "unsupported-media-type"
        case tooManyRequests = "too-many-requests"
        case unavailable
        case internalError = "internal-error"

        var status: HTTPResponse.Status {
            switch self {
            case .malformedRequest: .badRequest
            case .validation: .unprocessableContent
            case .unauthenticated: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .conflict: .conflict
            case .payloadTooLarge: .contentTooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            case .tooManyRequests: .tooManyRequests
            case .unavailable: .serviceUnavailable
            case .internalError: .internalServerError
            }
        }
    }

    public let type: String
    public let title: String
    public let status: Int
    public let detail: String
    public var instance: String?
    public let errors: [FieldIssue]?
    let kind: Kind
    let retryAfterSeconds: Int?

    public init(_ kind: Kind, _ detail: String, errors: [FieldIssue]? = nil, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.type = "/problems/\(kind.rawValue)"
        self.title = kind.status.reasonPhrase
        self.status = kind.status.code
        self.detail = detail
        self.errors = errors
        self.retryAfterSeconds = retryAfterSeconds
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
    }

    /// The problem a domain error stands for.
    init(_ error: HubError) {
        switch error {
        case .notFound(let what): self.init(.notFound, "no such \(what)")
        case .invalid(let issues):
            self.init(.validation, issues.map { "\($0.field): \($0.message)" }.joined(separator: "; "), errors: issues)
        case .conflict(let reason): self.init(.conflict, reason)
        case .unauthenticated: self.init(.unauthenticated, "sign in, or send a valid API token as 'Authorization: Bearer …'")
        case .forbidden(let reason): self.init(.forbidden, reason)
        case .throttled(let seconds):
            self.init(.tooManyRequests, "too many failed sign-ins; try again in \(seconds) seconds", retryAfterSeconds: seconds)
        }
    }

    static func bodyTooLarge(limit: Int) -> Problem {
        Problem(.payloadTooLarge, "the request body is larger than the \(limit / 1024) KiB this API accepts")
    }

    /// The JSON response, with `Retry-After` when the client should wait.
    func response(requestID: String) -> Response {
        var problem = self
        problem.instance = requestID
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(problem)) ?? Data(#"{"title":"Internal Server Error","status":500}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: kind.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

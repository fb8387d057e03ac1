import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A response as the API tests look at it.
public struct APIResponse: Sendable {
    public let status: HTTPResponse.Status
    public let headers: HTTPFields
    public let body: String

    /// The body parsed as a JSON object (empty when it is not one).
    public var json: [String: any Sendable] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: any Sendable]) ?? [:]
    }

    /// The `items` of a list response.
    public var items: [[String: any Sendable]] {
        json["items"] as? [[String: any Sendable]] ?? []
    }
}

extension TestClientProtocol {
    /// Sends a request with an optional bearer token and raw body; JSON content type unless told otherwise.
    public func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        token: String? = nil,
        body: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return APIResponse(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    /// Sends `object` encoded as JSON.
    public func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        token: String? = nil,
        json object: [String: any Sendable],
        headers: HTTPFields = [:]
    ) async throws -> APIResponse {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try await call(method, uri, token: token, body: String(decoding: data, as: UTF8.self), headers: headers)
    }

    /// Sends raw bytes (a file upload) with `contentType`.
    public func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        token: String? = nil,
        bytes: [UInt8],
        contentType: String
    ) async throws -> APIResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
        return APIResponse(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }
}

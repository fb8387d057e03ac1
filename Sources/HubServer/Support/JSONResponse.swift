import Foundation
import HubCore
import HTTPTypes
import Hummingbird

/// Encodes API responses the same way everywhere: ISO 8601 UTC times, stable key order.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}

extension Parameters {
    /// A typed id from the path; a malformed one is answered like an unknown one.
    func id<Kind>(_ name: String, of kind: Kind.Type = Kind.self, what: String) throws -> Identifier<Kind> {
        guard let text = self.get(name), let id = Identifier<Kind>(text) else { throw HubError.notFound(what) }
        return id
    }
}

extension Request {
    /// A query parameter from a closed list of values; `nil` when absent, `invalid` naming the allowed values.
    func choice<Value: RawRepresentable & CaseIterable>(_ name: String, of type: Value.Type) throws(HubError) -> Value?
    where Value.RawValue == String {
        guard let raw = uri.queryParameters.get(name) else { return nil }
        guard let value = Value(rawValue: raw) else {
            throw .invalid(name, "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// The `limit` and `cursor` query parameters of a list.
    var pageRequest: PageRequest {
        get throws { try PageRequest(limit: uri.queryParameters.get("limit"), cursor: uri.queryParameters.get("cursor")) }
    }
}

import Foundation
import HTTPTypes
import HubCore
import Hummingbird
import NIOCore

/// A request body the API accepts: decoded strictly, with every field it may contain declared,
/// so a misspelt field is reported instead of silently ignored.
protocol RequestBody: Decodable {
    static var fields: Set<String> { get }
}

extension Request {
    /// Reads and decodes a JSON body, turning every way it can be wrong into a problem a user can act on.
    mutating func decode<Body: RequestBody>(_ type: Body.Type, context: HubRequestContext) async throws -> Body {
        if let contentType = headers[.contentType]?.lowercased(),
            !(contentType.hasPrefix("application/json") || contentType.contains("+json"))
        {
            throw Problem(.unsupportedMediaType, "send the body as application/json, not \(contentType)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: context.maxUploadSize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem.bodyTooLarge(limit: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw Problem.bodyTooLarge(limit: context.maxUploadSize)
        }
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw Problem(.malformedRequest, "the request needs a JSON body") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw Problem(.malformedRequest, "the body is not valid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? "unreadable")")
        }
        guard let fields = object as? [String: Any] else {
            throw Problem(.malformedRequest, "the body must be a JSON object")
        }
        let unknown = fields.keys.filter { !Body.fields.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw HubError.invalid(unknown.map { FieldIssue("/\($0)", "is not a field of this request") })
        }
        let withNUL = Self.pointersToStringsWithNUL(in: fields, at: "")
        if !withNUL.isEmpty {
            // Valid JSON, but no PostgreSQL text can hold U+0000.
            throw HubError.invalid(withNUL.map { FieldIssue($0, "must not contain the NUL character (U+0000)") })
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw HubError.invalid([Self.issue(for: error)])
        }
    }

    /// JSON pointers of every string value that contains U+0000.
    static func pointersToStringsWithNUL(in value: Any, at pointer: String) -> [String] {
        switch value {
        case let string as String:
            return string.unicodeScalars.contains("\u{0}") ? [pointer] : []
        case let object as [String: Any]:
            return object.keys.sorted().flatMap { pointersToStringsWithNUL(in: object[$0]!, at: pointer + "/" + $0) }
        case let array as [Any]:
            return array.indices.flatMap { pointersToStringsWithNUL(in: array[$0], at: pointer + "/\($0)") }
        default:
            return []
        }
    }

    /// Names the field and what is wrong with it, in JSON pointer form.
    static func issue(for error: DecodingError) -> FieldIssue {
        func pointer(_ path: [any CodingKey]) -> String {
            "/" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return FieldIssue(pointer(context.codingPath + [key]), "is required")
        case .typeMismatch(let type, let context):
            return FieldIssue(pointer(context.codingPath), "must be \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            return FieldIssue(pointer(context.codingPath), "must be \(Self.describe(type)), not null")
        case .dataCorrupted(let context):
            return FieldIssue(pointer(context.codingPath), context.debugDescription)
        @unknown default:
            return FieldIssue("/", "could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a value of the documented type"
        }
    }
}

/// Values decoded from closed lists report the allowed values instead of Swift's wording.
struct Choice<Value: RawRepresentable & CaseIterable & Sendable>: Decodable, Sendable where Value.RawValue == String {
    let value: Value

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Value(rawValue: raw) else {
            let allowed = Value.allCases.map { $0.rawValue }.joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be one of \(allowed), not \(raw)")
        }
        self.value = value
    }
}

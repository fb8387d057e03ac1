import HubCore
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the caller's `X-Request-Id` when it is sane, otherwise a new one.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let supplied = request.headers[.requestID], Self.isAcceptable(supplied) {
            context.requestID = supplied
        } else {
            context.requestID = Secrets.generate().prefix(22).description
        }
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }

    /// Up to 128 letters, digits, dashes, underscores and dots; anything else could poison logs.
    static func isAcceptable(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-_.".utf8.contains(byte)
            }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}

import HubCore
import Hummingbird
import Logging

/// Turns every error into problem details. Domain errors become their problem; Hummingbird's
/// HTTP errors keep their status; anything else is logged with the request id and answered
/// with a generic 500 that reveals nothing internal.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return problem(for: error, context: context).response(requestID: context.requestID)
        }
    }

    func problem(for error: any Error, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let hubError as HubError:
            return Problem(hubError)
        case let httpError as HTTPError:
            switch httpError.status {
            case .notFound: return Problem(.notFound, "no route or object at this address")
            case .methodNotAllowed: return Problem(.methodNotAllowed, "this address does not accept that method")
            case .contentTooLarge: return Problem.bodyTooLarge(limit: context.maxUploadSize)
            case .badRequest: return Problem(.malformedRequest, httpError.body ?? "the request could not be read")
            case .unauthorized: return Problem(.unauthenticated, "sign in, or send a valid API token")
            default:
                context.logger.error("unexpected HTTP error: \(String(reflecting: httpError))")
                return Problem(.internalError, "the server could not handle this request; quote the request id when reporting it")
            }
        default:
            context.logger.error("unhandled error: \(String(reflecting: error))")
            return Problem(.internalError, "the server could not handle this request; quote the request id when reporting it")
        }
    }
}

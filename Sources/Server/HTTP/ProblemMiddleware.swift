import Core
import Formats
import Foundation
import Hummingbird
import Store

/// Turns every error into an RFC 9457 problem response: store errors, the mathematics' errors, JSON
/// decoding errors (Codable's and `NumericJSON`'s) and Hummingbird's HTTP errors become 4xx with a
/// detail a person can act on. Anything else is a bug: it is logged and answered 500.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error)
            if problem.status.code >= 500, problem.status != .serviceUnavailable {
                context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            }
            return try problem.response(from: request, context: context)
        }
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem: return problem
        case let error as StoreError:
            switch error {
            case .notFound(let detail): return Problem(.notFound, detail)
            case .conflict(let detail): return Problem(.conflict, detail)
            case .invalid(let detail): return Problem(.unprocessableContent, detail)
            case .unavailable(let detail): return Problem(.serviceUnavailable, detail)
            }
        case let error as CoreError: return Problem(.unprocessableContent, error.description)
        case let error as NumericJSONError: return Problem(error.kind == .malformed ? .badRequest : .unprocessableContent, error.description)
        case let error as SystemFailure where error.isNoSpace:
            return Problem(.init(code: 507, reasonPhrase: "Insufficient Storage"), "the data directory's disk is full: \(error). Nothing was changed; free some room and try again")
        case let error as SystemFailure: return Problem(.serviceUnavailable, "the data directory cannot be written: \(error)")
        case let error as CocoaError where error.isFileError: return Problem(.serviceUnavailable, "the data directory cannot be read or written: \(error.localizedDescription)")
        case let error as HTTPError:
            switch error.status {
            case .notFound: return Problem(.notFound, "no such route: see /openapi.yaml")
            case .contentTooLarge: return Problem(.contentTooLarge, "the request body is larger than the server accepts")
            default: return Problem(error.status, error.body ?? error.status.reasonPhrase)
            }
        case let error as any HTTPResponseError: return Problem(error.status, "\(error)")
        default: return Problem(.internalServerError, "internal error")
        }
    }
}

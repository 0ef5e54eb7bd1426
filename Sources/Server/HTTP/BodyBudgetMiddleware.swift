import Hummingbird
import Synchronization

/// Reserves each request's body in the `BodyBudget` before it is read (503 with `Retry-After` when it
/// does not fit, the body unread): all of it from `Content-Length`, or chunk by chunk as it arrives
/// when it comes without one. The reservation is returned when the request ends, however it ends
/// (answered, refused, failed, or its client gone).
struct BodyBudgetMiddleware: RouterMiddleware {
    typealias Context = EngramRequestContext
    let budget: BodyBudget

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let reservation = Reservation(budget: budget)
        defer { reservation.release() }
        var request = request
        if let length = request.headers[.contentLength].flatMap(Int.init) {
            try reservation.add(body: length)
        } else {
            request.body = RequestBody(asyncSequence: ReservingBody(body: request.body, reservation: reservation))
        }
        return try await next(request, context)
    }

    /// What one request holds in the budget.
    private final class Reservation: Sendable {
        let budget: BodyBudget
        private let held = Mutex(0)

        init(budget: BodyBudget) {
            self.budget = budget
        }

        /// Reserves for `bytes` more of body; throws the budget's 503 when they do not fit.
        func add(body bytes: Int) throws {
            try held.withLock { held in held += try budget.reserve(body: bytes, held: held) }
        }

        /// Returns everything held.
        func release() {
            budget.release(held.withLock { held in defer { held = 0 }; return held })
        }
    }

    /// A body without `Content-Length`, reserved for chunk by chunk as it is read.
    private struct ReservingBody: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let body: RequestBody
        let reservation: Reservation

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: RequestBody.AsyncIterator
            let reservation: Reservation

            mutating func next() async throws -> ByteBuffer? {
                guard let chunk = try await base.next() else { return nil }
                try reservation.add(body: chunk.readableBytes)
                return chunk
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: body.makeAsyncIterator(), reservation: reservation) }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Store
import Testing
@testable import Server

/// The memory budget for bodies in flight: each request reserves 3× its body before reading it; past
/// the budget a request is answered 503 with Retry-After, its body unread; every reservation is
/// returned when its request ends, however it ends.
@Suite struct BodyBudgetTests {
    struct ClientGone: Error {}

    /// A door requests wait at until it is opened.
    final class Door: Sendable {
        private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let open = state.withLock { state -> Bool in
                    if !state.open { state.waiting.append(continuation) }
                    return state.open
                }
                if open { continuation.resume() }
            }
        }

        func open() {
            for waiter in state.withLock({ state in defer { state.waiting = [] }; state.open = true; return state.waiting }) { waiter.resume() }
        }
    }

    /// Whether a request's handler ran (its body read).
    final class Reached: Sendable {
        let value = Atomic(false)
    }

    static func context() -> EngramRequestContext {
        EngramRequestContext(source: .init(channel: NIOAsyncTestingChannel(), logger: Logger(label: "engram-tests")))
    }

    static func request(length: Int?, body: RequestBody = RequestBody(buffer: ByteBuffer())) -> Request {
        var head = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1/stores/m/recall")
        if let length { head.headerFields[.contentLength] = String(length) }
        return Request(head: head, body: body)
    }

    static func isBusy(_ error: any Error) -> Bool {
        guard let problem = error as? Problem else { return false }
        return problem.status == .serviceUnavailable && problem.headers[.retryAfter] == "1" && problem.detail.contains("--max-body-memory")
    }

    /// Two bodies of 500 bytes fill a budget of 3000; a third request, of one byte, is refused before
    /// its handler runs; once the two end, nothing is reserved and a request fits again.
    @Test(.timeLimit(.minutes(1)))
    func bodiesBeyondTheBudgetAreRefused() async throws {
        let budget = BodyBudget(limit: 3000)
        let middleware = BodyBudgetMiddleware(budget: budget)
        let door = Door()
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        let held = Task {
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await middleware.handle(Self.request(length: 500), context: Self.context()) { _, _ in
                            enter.yield()
                            await door.wait()
                            return Response(status: .ok)
                        }.status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        var entries = entered.makeAsyncIterator()
        for _ in 0..<2 { await entries.next() }
        #expect(budget.reserved == 3000)
        let reached = Reached()
        await #expect { _ = try await middleware.handle(Self.request(length: 1), context: Self.context()) { _, _ in
            reached.value.store(true, ordering: .relaxed)
            return Response(status: .ok)
        } } throws: { Self.isBusy($0) }
        let bodyRead = reached.value.load(ordering: .relaxed)
        #expect(!bodyRead, "the refused request's body was read")
        door.open()
        #expect(try await held.value == [.ok, .ok])
        #expect(budget.reserved == 0)
        let status = try await middleware.handle(Self.request(length: 1000), context: Self.context()) { _, _ in Response(status: .ok) }.status
        #expect(status == .ok)
        #expect(budget.reserved == 0)
    }

    /// A request larger than the whole budget alone runs (it reserves the whole budget) rather than
    /// never running.
    @Test func aBodyLargerThanTheBudgetRunsAlone() async throws {
        let budget = BodyBudget(limit: 3000)
        let status = try await BodyBudgetMiddleware(budget: budget).handle(Self.request(length: 1 << 20), context: Self.context()) { _, _ in
            #expect(budget.reserved == 3000)
            return Response(status: .ok)
        }.status
        #expect(status == .ok && budget.reserved == 0)
    }

    /// A body without Content-Length is reserved chunk by chunk: the chunk that no longer fits beside
    /// another request's is refused as it arrives; everything is returned after.
    @Test(.timeLimit(.minutes(1)))
    func chunkedBodiesReserveAsTheyArrive() async throws {
        let budget = BodyBudget(limit: 3000)
        let middleware = BodyBudgetMiddleware(budget: budget)
        let other = try budget.reserve(body: 500, held: 0)
        let (body, source) = RequestBody.makeStream()
        let reading = Task {
            try await middleware.handle(Self.request(length: nil, body: body), context: Self.context()) { request, _ in
                _ = try await request.body.collect(upTo: 1 << 20)
                return Response(status: .ok)
            }
        }
        await source.yield(ByteBuffer(repeating: 1, count: 400))
        await source.yield(ByteBuffer(repeating: 1, count: 200))
        source.finish()
        await #expect { _ = try await reading.value } throws: { Self.isBusy($0) }
        #expect(budget.reserved == 1500)
        budget.release(other)
        #expect(budget.reserved == 0)
    }

    /// A client that leaves mid-body (its body stream fails): the reservation is returned, with and
    /// without Content-Length.
    @Test(.timeLimit(.minutes(1)), arguments: [1000, nil] as [Int?])
    func aClientGoneMidBodyReturnsItsReservation(length: Int?) async throws {
        let budget = BodyBudget(limit: 1 << 20)
        let middleware = BodyBudgetMiddleware(budget: budget)
        let (body, source) = RequestBody.makeStream()
        let (reading, read) = AsyncStream.makeStream(of: Int.self)
        let request = Task {
            try await middleware.handle(Self.request(length: length, body: body), context: Self.context()) { request, _ in
                for try await chunk in request.body { read.yield(chunk.readableBytes) }
                return Response(status: .ok)
            }
        }
        await source.yield(ByteBuffer(repeating: 1, count: 100))
        var chunks = reading.makeAsyncIterator()
        #expect(await chunks.next() == 100)
        #expect(budget.reserved == (length.map { 3 * $0 } ?? 300))
        source.finish(ClientGone())
        await #expect(throws: ClientGone.self) { _ = try await request.value }
        #expect(budget.reserved == 0)
    }

    /// Over HTTP: with the budget spent, a recall with a body is 503 with Retry-After while `/healthz`
    /// answers; once it is returned, the recall runs. `/v1/info` reports the budget.
    @Test func theServiceRefusesBodiesWhileTheBudgetIsSpent() async throws {
        var limits = Limits()
        limits.maxBodyMemory = 1 << 20
        let app = try TestApp(limits: limits)
        try await app.run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1]]])
            let spent = try app.service.bodies.reserve(body: 1 << 20, held: 0)
            let refused = try await client.send(.post, "/v1/stores/m/recall", ["queries": [[0.5, 0.2]], "depth": 3])
            #expect(refused.status == 503 && refused.headers[.retryAfter] == "1" && refused.detail.contains("--max-body-memory"))
            #expect(try await client.send(.get, "/healthz").status == 200)
            app.service.bodies.release(spent)
            #expect(try await client.send(.post, "/v1/stores/m/recall", ["queries": [[0.5, 0.2]], "depth": 3]).status == 200)
            #expect(app.service.bodies.reserved == 0)
            let info = try await client.send(.get, "/v1/info")
            #expect((info.object["limits"] as? [String: Any])?["max_body_memory"] as? Double == Double(1 << 20))
        }
    }
}

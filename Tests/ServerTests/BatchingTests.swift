import Core
import Foundation
import Testing
import TestSupport
@testable import Server
@testable import Store

/// Dynamic batching: requests merged into one descent get exactly what they would have got alone (the
/// oracle is the same version's recall of each request by itself), whatever their clamps and
/// tolerances; a request that goes away leaves alone; and over HTTP, concurrent recalls are merged.
@Suite struct BatchingTests {
    /// One recall request: its queries [B, dim] and options.
    struct Request: Sendable {
        var queries: Matrix
        var clamp: ClampMask = .none
        var depth = 40
        var tolerance: Float = 0
        var parameters: DescentParameters { DescentParameters(alpha: 0.2, depth: depth, tolerance: tolerance) }
    }

    /// The dimension: not a multiple of any vector width, and large enough that GEMM's results would
    /// depend on the batch (so these tests fail if batches were computed by GEMM).
    static let dim = 131

    /// A store of 100 memories in dimension `dim` of the given kind, in a fresh data directory (removed
    /// with `directory`).
    static func store(_ kind: StoreKind) async throws -> (registry: StoreRegistry, store: MemoryStore, directory: TemporaryDirectory) {
        let directory = try TemporaryDirectory("batching")
        let registry = try StoreRegistry.open(DataDirectory(directory.url), checkpointBytes: 0).registry
        let configuration = kind == .mrdam
            ? RequestedConfiguration(kind: .mrdam, dim: dim, beta: 0.05) : RequestedConfiguration(kind: .drdam, dim: dim, beta: 0.05, features: 512, seed: 3)
        let store = try await registry.create(name: "s", configuration: configuration).store
        _ = try await store.add(randomQueries(100, seed: 1), ids: nil)
        return (registry, store, directory)
    }

    static func randomQueries(_ rows: Int, seed: UInt64) -> Matrix {
        uniformMatrix(rows: rows, cols: dim, seed: seed)
    }

    /// Mixed requests: single and multi-query, shared and per-query clamps, tolerances that stop some
    /// queries early, and two depths (so two batches form).
    static let requests: [Request] = {
        var requests: [Request] = []
        for i in 0..<10 {
            var r = Request(queries: randomQueries(1 + i % 3, seed: UInt64(10 + i)))
            if i % 4 == 1 { r.clamp = .shared((0..<dim).map { $0 % 3 == 0 }) }
            if i % 4 == 2 { r.clamp = .perQuery((0..<(r.queries.rows * dim)).map { ($0 * 7 + i) % 5 == 0 }) }
            if i % 3 == 0 { r.tolerance = 0.01 }
            if i >= 7 { r.depth = 25 }
            requests.append(r)
        }
        return requests
    }()

    @Test(.timeLimit(.minutes(2)), arguments: [StoreKind.mrdam, .drdam])
    func batchedRecallsEqualRecallsAlone(kind: StoreKind) async throws {
        let (registry, store, directory) = try await Self.store(kind)
        defer { registry.close(); withExtendedLifetime(directory) {} }
        let state = store.state
        let metrics = ServerMetrics()
        // The batches wait until the clock is moved, after every request has joined its batch.
        let clock = ManualClock()
        let batcher = RecallBatcher(pool: ComputePool(width: 3), maxBatch: 16, delay: .seconds(1), clock: clock, metrics: metrics)
        let holder = try await Self.holdInFlight(batcher, store: store)
        defer { holder.cancel("the test is over") }
        let outcomes = try await withThrowingTaskGroup(of: (Int, RecallOutcome).self) { group in
            for (i, request) in Self.requests.enumerated() {
                group.addTask {
                    (i, try await batcher.recall(store: store, state: state, queries: request.queries, parameters: request.parameters,
                                                 clamp: request.clamp, cancellation: Cancellation()))
                }
            }
            await batcher.joined.wait(forAtLeast: Self.requests.count)
            clock.advance(by: .seconds(1))
            return try await group.reduce(into: [Int: RecallOutcome]()) { $0[$1.0] = $1.1 }
        }
        for (i, request) in Self.requests.enumerated() {
            let alone = try state.recall(queries: request.queries, parameters: request.parameters, clamp: request.clamp)
            let batched = try #require(outcomes[i])
            #expect(batched.descent.bitPatterns == alone.descent.bitPatterns, "request \(i)")
            #expect(batched.nearest == alone.nearest, "request \(i)")
            // The descent did move, and tolerances did stop some queries early.
            #expect(alone.descent.states != request.queries)
        }
        #expect(Self.requests.indices.contains { i in outcomes[i]!.descent.steps.contains { $0 < Self.requests[i].depth } })
        // Two depths, 13 and 6 queries: two batches for ten requests, and the one holding the batcher.
        let text = metrics.render()
        let batches = try #require(Self.metric("engram_recall_batch_requests_count", in: text))
        let requests = try #require(Self.metric("engram_recall_batch_requests_sum", in: text))
        #expect(requests == 11)
        #expect(batches == 3, "\(batches) batches")
    }

    /// `RowProducts.smallBatchLimit` one-query requests fill one batch of the largest size the server
    /// allows, which runs at once; each request, on one thread or split over two, gets the bits of its
    /// recall alone on one thread.
    @Test(.timeLimit(.minutes(2)), arguments: [StoreKind.mrdam, .drdam], [1, 2])
    func aBatchOfTheLimitEqualsRecallsAlone(kind: StoreKind, threads: Int) async throws {
        let (registry, store, directory) = try await Self.store(kind)
        defer { registry.close(); withExtendedLifetime(directory) {} }
        let state = store.state, metrics = ServerMetrics(), limit = RowProducts.smallBatchLimit
        let batcher = RecallBatcher(pool: ComputePool(width: 2), maxBatch: limit, delay: .seconds(1), threads: threads, clock: ManualClock(), metrics: metrics)
        let holder = try await Self.holdInFlight(batcher, store: store)
        defer { holder.cancel("the test is over") }
        let everyFourth: [Bool] = (0..<Self.dim).map { $0 % 4 == 0 }
        let requests: [Request] = (0..<limit).map { (i: Int) -> Request in
            var request = Request(queries: Self.randomQueries(1, seed: UInt64(200 + i)))
            if i % 5 == 1 { request.clamp = .shared(everyFourth) }
            if i % 3 == 0 { request.tolerance = 0.01 }
            return request
        }
        let outcomes = try await withThrowingTaskGroup(of: (Int, RecallOutcome).self) { group in
            for (i, request) in requests.enumerated() {
                group.addTask {
                    (i, try await batcher.recall(store: store, state: state, queries: request.queries, parameters: request.parameters,
                                                 clamp: request.clamp, cancellation: Cancellation()))
                }
            }
            return try await group.reduce(into: [Int: RecallOutcome]()) { $0[$1.0] = $1.1 }
        }
        for (i, request) in requests.enumerated() {
            let alone = try state.recall(queries: request.queries, parameters: request.parameters, clamp: request.clamp)
            #expect(outcomes[i]?.descent.bitPatterns == alone.descent.bitPatterns, "request \(i)")
        }
        let text = metrics.render()
        #expect(Self.metric("engram_recall_batch_requests_count", in: text) == 2, "the recall held in flight, and one full batch")
        #expect(Self.metric("engram_recall_batch_requests_sum", in: text) == Double(limit + 1))
    }

    /// Without any timing: the batch's clock does not move until the test moves it, so the leaving
    /// request can only be answered by its cancellation; the others then join, and the batch runs
    /// without it when the clock reaches its deadline.
    @Test(.timeLimit(.minutes(2)))
    func aRequestThatGoesAwayLeavesAloneAndTheOthersAreAnswered() async throws {
        let (registry, store, directory) = try await Self.store(.mrdam)
        defer { registry.close(); withExtendedLifetime(directory) {} }
        let state = store.state
        let clock = ManualClock()
        let batcher = RecallBatcher(pool: ComputePool(width: 2), maxBatch: 16, delay: .seconds(1), clock: clock, metrics: ServerMetrics())
        let holder = try await Self.holdInFlight(batcher, store: store)
        defer { holder.cancel("the test is over") }
        let leaving = Cancellation()
        let gone = Task {
            try await batcher.recall(store: store, state: state, queries: Self.randomQueries(1, seed: 50), parameters: DescentParameters(alpha: 0.2, depth: 40),
                                     clamp: .none, cancellation: leaving)
        }
        await batcher.joined.wait(forAtLeast: 1)
        leaving.cancel("the client closed the connection")
        await #expect(throws: Cancellation.Stopped.self) { _ = try await gone.value }
        let everyOther: [Bool] = (0..<Self.dim).map { $0 % 2 == 0 }
        var requests: [Request] = []
        for i in 0..<5 {
            var request = Request(queries: Self.randomQueries(3, seed: UInt64(51 + i)))
            if i == 2 { request.clamp = .shared(everyOther) }
            if i == 4 { request.tolerance = 0.01 }
            requests.append(request)
        }
        let outcomes = try await withThrowingTaskGroup(of: (Int, RecallOutcome).self) { group in
            for (i, request) in requests.enumerated() {
                group.addTask {
                    (i, try await batcher.recall(store: store, state: state, queries: request.queries, parameters: request.parameters,
                                                 clamp: request.clamp, cancellation: Cancellation()))
                }
            }
            await batcher.joined.wait(forAtLeast: 1 + requests.count)
            clock.advance(by: .seconds(1))
            return try await group.reduce(into: [Int: RecallOutcome]()) { $0[$1.0] = $1.1 }
        }
        for (i, request) in requests.enumerated() {
            let alone = try state.recall(queries: request.queries, parameters: request.parameters, clamp: request.clamp)
            #expect(outcomes[i]?.descent.bitPatterns == alone.descent.bitPatterns, "request \(i)")
        }
        #expect(batcher.pending.batches == 0 && batcher.pending.members == 0, "every batch over, every request answered")
    }

    /// Without any timing: batches wait an hour unless they fill, and hold 6 queries; with a recall
    /// held in flight, the 6 one-query recalls over HTTP can only be answered as one full batch.
    @Test(.timeLimit(.minutes(2)))
    func concurrentHTTPRecallsAreMergedAndABadOneFailsAlone() async throws {
        let app = try TestApp(recallThreads: 2, maxBatch: 6, batchDelay: .seconds(3600))
        try await app.run { client in
            let memories: [[Float]] = Self.randomQueries(20, seed: 40).values.chunked(Self.dim)
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": Self.dim, "beta": 0.5])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": memories])
            let holder = try await Self.holdInFlight(app.service.batcher, store: app.registry.store(named: "m"))
            defer { holder.cancel("the test is over") }
            let queries: [[Float]] = Self.randomQueries(6, seed: 41).values.chunked(Self.dim)
            let replies = try await withThrowingTaskGroup(of: (Int, TestApp.Reply).self) { group in
                for (i, q) in queries.enumerated() {
                    group.addTask { (i, try await client.send(.post, "/v1/stores/m/recall", ["queries": [q], "depth": 30, "alpha": 0.2])) }
                }
                group.addTask { (-1, try await client.send(.post, "/v1/stores/m/recall", ["queries": [[1, 2, 3]], "depth": 30, "alpha": 0.2])) }
                return try await group.reduce(into: [Int: TestApp.Reply]()) { $0[$1.0] = $1.1 }
            }
            #expect(replies[-1]?.status == 422)
            let state = try app.registry.store(named: "m").state
            for (i, q) in queries.enumerated() {
                let reply = try #require(replies[i])
                #expect(reply.status == 200)
                let result = (reply.object["results"] as? [[String: Any]])?.first ?? [:]
                let alone = try state.recall(queries: Matrix(rows: 1, cols: Self.dim, values: q), parameters: DescentParameters(alpha: 0.2, depth: 30), clamp: .none)
                #expect(floats(result["state"]).bitPatterns == alone.descent.states.values.bitPatterns, "query \(i)")
                #expect(floats(result["energies"]).bitPatterns == alone.descent.trace(0).bitPatterns, "query \(i)")
            }
            let metrics = try await client.send(.get, "/metrics")
            let batches = try #require(Self.metric("engram_recall_batch_requests_count", in: metrics.text))
            #expect(batches == 2, "the recall held in flight, and the 6 concurrent one-query recalls as one batch: \(batches) batches")
        }
    }

    /// Starts a one-query recall (alone in the batcher, so it runs at once) that computes until the
    /// returned cancellation fires: with it in flight, the recalls that follow are batched rather than
    /// run at once as a lone client's are. It is counted in the metrics as a batch of one request. One
    /// query keeps its energy trace [1, depth] to 400 MB (a full batch of 32 would hold 12.8 GB).
    static func holdInFlight<C>(_ batcher: RecallBatcher<C>, store: MemoryStore) async throws -> Cancellation {
        let cancellation = Cancellation()
        Task {
            _ = try? await batcher.recall(store: store, state: store.state, queries: randomQueries(1, seed: 99),
                                          parameters: DescentParameters(alpha: 0.01, depth: 100_000_000), clamp: .none, cancellation: cancellation)
        }
        await batcher.inFlight.wait(forAtLeast: 1)
        return cancellation
    }

    /// The value of the first sample named `name` in a Prometheus text exposition.
    static func metric(_ name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
            .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }
}

extension Array {
    /// Consecutive slices of `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}

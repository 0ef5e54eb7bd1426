import Core
import Foundation
import Synchronization
import Testing
@testable import Bench
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

    /// A store of 100 memories in dimension `dim` of the given kind, in a fresh data directory.
    static func store(_ kind: StoreKind) async throws -> (registry: StoreRegistry, store: MemoryStore) {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("engram-batching-\(UUID().uuidString)")
        let registry = try StoreRegistry.open(DataDirectory(data), checkpointBytes: 0).registry
        let configuration = kind == .mrdam
            ? StoreConfiguration(kind: .mrdam, dim: dim, beta: 0.05) : StoreConfiguration(kind: .drdam, dim: dim, beta: 0.05, features: 512, seed: 3)
        let store = try await registry.create(name: "s", configuration: configuration).store
        _ = try await store.add(randomQueries(100, seed: 1), ids: nil)
        return (registry, store)
    }

    static func randomQueries(_ rows: Int, seed: UInt32) -> Matrix {
        let m = Benchmark.data(rows: rows, cols: dim, stream: seed)
        return Matrix(rows: rows, cols: dim, values: m.values.map { 2 * $0 - 1 })
    }

    /// Mixed requests: single and multi-query, shared and per-query clamps, tolerances that stop some
    /// queries early, and two depths (so two batches form).
    static let requests: [Request] = {
        var requests: [Request] = []
        for i in 0..<10 {
            var r = Request(queries: randomQueries(1 + i % 3, seed: UInt32(10 + i)))
            if i % 4 == 1 { r.clamp = .shared((0..<dim).map { $0 % 3 == 0 }) }
            if i % 4 == 2 { r.clamp = .perQuery((0..<(r.queries.rows * dim)).map { ($0 * 7 + i) % 5 == 0 }) }
            if i % 3 == 0 { r.tolerance = 0.01 }
            if i >= 7 { r.depth = 25 }
            requests.append(r)
        }
        return requests
    }()

    @Test(arguments: [StoreKind.mrdam, .drdam])
    func batchedRecallsEqualRecallsAlone(kind: StoreKind) async throws {
        let (registry, store) = try await Self.store(kind)
        defer { registry.close() }
        let state = store.state
        let metrics = ServerMetrics()
        // A long delay, so that every request joins its batch before it starts.
        let batcher = RecallBatcher(pool: ComputePool(width: 3), maxBatch: 16, delay: .milliseconds(200), metrics: metrics)
        let holder = try await Self.holdInFlight(batcher, store: store)
        defer { holder.cancel("the test is over") }
        let outcomes = try await withThrowingTaskGroup(of: (Int, RecallOutcome).self) { group in
            for (i, request) in Self.requests.enumerated() {
                group.addTask {
                    (i, try await batcher.recall(store: store, state: state, queries: request.queries, parameters: request.parameters,
                                                 clamp: request.clamp, cancellation: Cancellation()))
                }
            }
            return try await group.reduce(into: [Int: RecallOutcome]()) { $0[$1.0] = $1.1 }
        }
        for (i, request) in Self.requests.enumerated() {
            let alone = try state.recall(queries: request.queries, parameters: request.parameters, clamp: request.clamp)
            let batched = try #require(outcomes[i])
            #expect(batched.descent == alone.descent, "request \(i)")
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

    /// Without any timing: the batch waits a minute unless it fills, so the leaving request can only
    /// be answered at once by its cancellation; the others then fill the batch (16 queries with the
    /// one that left), which runs without it.
    @Test func aRequestThatGoesAwayLeavesAloneAndTheOthersAreAnswered() async throws {
        let (registry, store) = try await Self.store(.mrdam)
        defer { registry.close() }
        let state = store.state
        let batcher = RecallBatcher(pool: ComputePool(width: 2), maxBatch: 16, delay: .seconds(60), metrics: ServerMetrics())
        let holder = try await Self.holdInFlight(batcher, store: store)
        defer { holder.cancel("the test is over") }
        let leaving = Cancellation()
        let gone = Task {
            try await batcher.recall(store: store, state: state, queries: Self.randomQueries(1, seed: 50), parameters: DescentParameters(alpha: 0.2, depth: 40),
                                     clamp: .none, cancellation: leaving)
        }
        try await Task.sleep(for: .milliseconds(20))
        let cancelled = ContinuousClock.now
        leaving.cancel("the client closed the connection")
        await #expect(throws: Cancellation.Stopped.self) { _ = try await gone.value }
        #expect(ContinuousClock.now - cancelled < .seconds(30), "answered by its cancellation, not when the batch ran")
        let everyOther: [Bool] = (0..<Self.dim).map { $0 % 2 == 0 }
        var requests: [Request] = []
        for i in 0..<5 {
            var request = Request(queries: Self.randomQueries(3, seed: UInt32(51 + i)))
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
            return try await group.reduce(into: [Int: RecallOutcome]()) { $0[$1.0] = $1.1 }
        }
        for (i, request) in requests.enumerated() {
            let alone = try state.recall(queries: request.queries, parameters: request.parameters, clamp: request.clamp)
            #expect(outcomes[i]?.descent == alone.descent, "request \(i)")
        }
    }

    @Test func concurrentHTTPRecallsAreMergedAndABadOneFailsAlone() async throws {
        let app = try TestApp(recallThreads: 1, batchDelay: .milliseconds(500))
        try await app.run { client in
            let memories: [[Float]] = Self.randomQueries(20, seed: 40).values.chunked(Self.dim)
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": Self.dim, "beta": 0.5])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": memories])
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
                #expect(floats(result["state"]) == alone.descent.states.values, "query \(i)")
                #expect(floats(result["energies"]) == alone.descent.trace(0), "query \(i)")
            }
            let metrics = try await client.send(.get, "/metrics")
            let batches = try #require(Self.metric("engram_recall_batch_requests_count", in: metrics.text))
            #expect(batches < 6, "6 concurrent one-query recalls ran as \(batches) batches")
        }
    }

    /// Starts a recall of `maxBatch` queries (so never batched) that computes until the returned
    /// cancellation fires: with it in flight, the recalls that follow are batched rather than run at
    /// once as a lone client's are. It is counted in the metrics as a batch of one request.
    static func holdInFlight(_ batcher: RecallBatcher, store: MemoryStore) async throws -> Cancellation {
        let cancellation = Cancellation()
        Task {
            _ = try? await batcher.recall(store: store, state: store.state, queries: randomQueries(batcher.maxBatch, seed: 99),
                                          parameters: DescentParameters(alpha: 0.01, depth: 100_000_000), clamp: .none, cancellation: cancellation)
        }
        while batcher.recallsInFlight == 0 { try await Task.sleep(for: .milliseconds(1)) }
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

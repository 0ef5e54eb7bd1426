import Core
import Foundation
import Testing
import TestSupport
@testable import Server
@testable import Store

/// A drdam recall's diagnostics over HTTP: steps at the lse clip, s(x) and its noise, and warnings,
/// each query's own also when concurrent requests are merged into one batch and split back.
@Suite struct RecallDiagnosticsTests {
    /// Batches wait an hour unless they fill and hold 6 queries: with a recall held in flight, the six
    /// one-query recalls can only be answered as one merged batch. Queries 0, 2, 4 sit at memories
    /// (s ≈ 1 > ε = 0.5, noise ≈ √(20 / 2·2048) ≈ 0.07), queries 1, 3, 5 far from all of them (s ≈ 0 ±
    /// 0.07 < ε): by construction the second kind spends every step at the clip and the first none.
    @Test(.timeLimit(.minutes(2)))
    func mergedRecallsCarryEachQuerysClipSignalAndWarnings() async throws {
        let dim = BatchingTests.dim, depth = 30
        let app = try TestApp(recallThreads: 2, maxBatch: 6, batchDelay: .seconds(3600))
        try await app.run { client in
            let memories = BatchingTests.randomQueries(20, seed: 60)
            let create = try await client.send(.put, "/v1/stores/d", ["kind": "drdam", "dim": dim, "beta": 0.5, "features": 2048, "seed": 4, "eps": 0.5])
            #expect(create.status == 201 || create.status == 200, "\(create.text)")
            let rows: [[Float]] = memories.values.chunked(dim)
            _ = try await client.send(.post, "/v1/stores/d/memories", ["memories": rows])
            let far: [[Float]] = BatchingTests.randomQueries(3, seed: 61).values.chunked(dim)
            let queries = (0..<6).map { $0 % 2 == 0 ? rows[$0] : far[$0 / 2] }
            let holder = try await BatchingTests.holdInFlight(app.service.batcher, store: app.registry.store(named: "d"))
            defer { holder.cancel("the test is over") }
            let replies = try await withThrowingTaskGroup(of: (Int, TestApp.Reply).self) { group in
                for (i, q) in queries.enumerated() {
                    group.addTask { (i, try await client.send(.post, "/v1/stores/d/recall", ["queries": [q], "depth": depth, "alpha": 0.2])) }
                }
                return try await group.reduce(into: [Int: TestApp.Reply]()) { $0[$1.0] = $1.1 }
            }
            let state = try app.registry.store(named: "d").state
            for (i, q) in queries.enumerated() {
                let reply = try #require(replies[i])
                #expect(reply.status == 200, "\(reply.text)")
                let result = (reply.object["results"] as? [[String: Any]])?.first ?? [:]
                let alone = try state.recall(queries: Matrix(rows: 1, cols: dim, values: q), parameters: DescentParameters(alpha: 0.2, depth: depth), clamp: .none)
                let clipped = i % 2 == 1
                #expect(result["clipped_steps"] as? Int == (clipped ? depth : 0), "query \(i)")
                #expect(alone.descent.clippedSteps == [clipped ? depth : 0], "query \(i)")
                let codes = (result["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                #expect(codes == alone.warnings[0].map(\.rawValue), "query \(i)")
                #expect(codes.contains("clipped") == clipped && codes.contains("unchanged") == clipped, "query \(i): \(codes)")
                let signal = result["signal"] as? [String: [String: Any]] ?? [:]
                let got = ["start", "end"].flatMap { point in ["s", "noise"].map { Float((signal[point]?[$0] as? NSNumber)?.doubleValue ?? .nan) } }
                let want = try #require(alone.signal).start + (alone.signal?.end ?? [])
                #expect(got.bitPatterns == [want[0].s, want[0].noise, want[1].s, want[1].noise].bitPatterns, "query \(i)")
                #expect(clipped ? got[0] < 0.5 : got[0] > 0.5, "query \(i): s \(got[0])")
            }
            let metrics = try await client.send(.get, "/metrics")
            let batches = try #require(BatchingTests.metric("engram_recall_batch_requests_count", in: metrics.text))
            #expect(batches == 2, "the recall held in flight, and the 6 concurrent recalls as one batch: \(batches) batches")
        }
    }
}

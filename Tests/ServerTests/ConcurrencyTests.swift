import Core
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Server

@Suite struct ConcurrencyTests {
    static func batch(_ k: Int) -> [[Float]] {
        (0..<3).map { i in (0..<4).map { j in Float(((k * 7 + i * 3 + j * 5) % 11)) / 5 - 1 } }
    }

    /// Recalls running while writes land each answer from one whole version: the result equals Core's
    /// recall on exactly the memories of the version it reports. The writer waits, after each write,
    /// until a recall has answered from the new version, so recalls provably interleave with writes.
    @Test func concurrentRecallsSeeWholeVersions() async throws {
        let query: [[Float]] = [[0.2, -0.1, 0.4, 0.3]]
        final class Writing: Sendable { let going = Atomic(true) }
        let writing = Writing()
        // The versions the recalls answered from, as they come.
        let (answered, answer) = AsyncStream.makeStream(of: Int.self)
        try await TestApp(recallThreads: 2).run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 4, "beta": 2])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": Self.batch(0)])
            let replies = try await withThrowingTaskGroup(of: [TestApp.Reply].self) { group in
                group.addTask {
                    defer { writing.going.store(false, ordering: .sequentiallyConsistent) }
                    var versions = answered.makeAsyncIterator()
                    for k in 1...6 {
                        try await client.send(.post, "/v1/stores/m/memories", ["memories": Self.batch(k)])
                        // Version k + 1 now: wait until a recall has answered from it.
                        while let version = await versions.next(), version < k + 1 {}
                    }
                    return []
                }
                for _ in 0..<3 {
                    group.addTask {
                        var replies: [TestApp.Reply] = []
                        while writing.going.load(ordering: .sequentiallyConsistent), replies.count < 5000 {
                            let reply = try await client.send(.post, "/v1/stores/m/recall", ["queries": query, "depth": 40])
                            replies.append(reply)
                            if let version = reply.object["version"] as? Int { answer.yield(version) }
                        }
                        return replies
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let versions = Set(replies.compactMap { $0.object["version"] as? Int })
            #expect(versions.isSuperset(of: 1...7), "recalls answered from every version while the writes landed: \(versions.sorted())")
            for reply in replies {
                let version = try #require(reply.object["version"] as? Int)
                let memories = (0..<version).flatMap { Self.batch($0) }
                let model = try ExactMemory(memories: Matrix(rowArrays: memories, cols: 4), beta: 2)
                let expected = try Descent.run(model, queries: Matrix(rowArrays: query, cols: 4), parameters: DescentParameters(depth: 40))
                let state = floats((reply.object["results"] as? [[String: Any]])?.first?["state"])
                #expect(state.count == 4, "a state of dimension 4 in \(reply.text)")
                #expect(approximatelyEqual(state, expected.states.row(0), absolute: 1e-6), "version \(version)")
            }
        }
    }

    /// A long recall holds no lock: writes and health checks complete while it runs.
    @Test func writesAndHealthDoNotWaitForRecalls() async throws {
        let app = try TestApp()
        try await app.run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 32, "beta": 1])
            let memories: [[Float]] = (0..<256).map { i in (0..<32).map { j in Float((i * 31 + j * 17) % 13) / 13 } }
            try await client.send(.post, "/v1/stores/m/memories", ["memories": memories])
            let done = Atomic(false)
            let recall = Task {
                let reply = try await client.send(.post, "/v1/stores/m/recall", ["queries": Array(memories.prefix(16)), "depth": 100_000, "trace": false])
                done.store(true, ordering: .sequentiallyConsistent)
                return reply.status
            }
            await app.service.recalls.load.wait(forAtLeast: 1)
            let write = try await client.send(.post, "/v1/stores/m/memories", ["memories": [memories[0]]])
            let health = try await client.send(.get, "/healthz")
            let info = try await client.send(.get, "/v1/stores/m")
            let finishedEarly = done.load(ordering: .sequentiallyConsistent)
            #expect(write.status == 200 && health.status == 200 && info.object["version"] as? Int == 2)
            #expect(!finishedEarly, "the recall should still be running: the write, health check and info did not wait for it")
            #expect(try await recall.value == 200)
        }
    }
}

import Core
import Foundation
import Testing
import TestSupport
@testable import Server

/// The built `engram serve` on an ephemeral loopback port, over real HTTP.
@Suite(.serialized) struct EndToEndTests {
    @Test func serveRecallAndStopGracefully() async throws {
        let server = try ServerProcess()
        let memories: [[Float]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.6, 0.6, 0]]
        #expect(try await server.send("GET", "healthz").status == 200)
        #expect(try await server.send("PUT", "v1/stores/e2e", ["kind": "mrdam", "dim": 3, "beta": 4]).status == 201)
        #expect(try await server.send("POST", "v1/stores/e2e/memories", ["memories": memories]).status == 200)
        let reply = try await server.send("POST", "v1/stores/e2e/recall", ["queries": [[0.9, 0.2, 0.1]], "depth": 50, "clamp": [false, false, true]])
        #expect(reply.status == 200)
        let model = try ExactMemory(memories: Matrix(rowArrays: memories, cols: 3), beta: 4)
        let expected = try Descent.run(model, queries: Matrix(rowArrays: [[0.9, 0.2, 0.1]], cols: 3),
                                       parameters: DescentParameters(depth: 50), clamp: .shared([false, false, true]))
        let result = (reply.object["results"] as? [[String: Any]])?.first ?? [:]
        #expect(floats(result["state"]).bitPatterns == expected.states.row(0).bitPatterns)
        #expect(floats(result["energies"]).bitPatterns == expected.trace(0).bitPatterns)
        let problem = try await server.send("POST", "v1/stores/e2e/recall", ["queries": [[1, 2]]])
        #expect(problem.status == 422 && (problem.object["detail"] as? String)?.contains("dimension 3") == true)
        #expect(server.stop() == 0)
    }

    /// SIGTERM during a recall: the recall's response still arrives, then the process exits 0.
    @Test func inFlightRequestsFinishOnSIGTERM() async throws {
        let server = try ServerProcess(arguments: ["--log-level", "debug"])
        let memories: [[Float]] = (0..<256).map { i in (0..<64).map { j in Float((i * 7 + j * 3) % 11) / 11 } }
        _ = try await server.send("PUT", "v1/stores/long", ["kind": "mrdam", "dim": 64, "beta": 1])
        _ = try await server.send("POST", "v1/stores/long/memories", ["memories": memories])
        let recall = Task {
            let reply = try await server.send("POST", "v1/stores/long/recall", ["queries": Array(memories.prefix(8)), "depth": 100_000, "trace": false])
            return (reply, Date())
        }
        try #require(await server.waitForOutput("recall started") != nil, "\(server.transcript)")
        let signalled = Date()
        server.terminate()
        let (reply, answered) = try await recall.value
        #expect(answered > signalled, "the recall must still be running when SIGTERM arrives, or this proves nothing")
        #expect(reply.status == 200 && (reply.object["results"] as? [Any])?.count == 8)
        #expect(server.stop() == 0)
    }
}

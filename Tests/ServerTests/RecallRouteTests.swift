import Core
import Foundation
import Testing
import TestSupport
@testable import Server

@Suite struct RecallRouteTests {
    static let memories: [[Float]] = [[1, 0, 0, 0.5], [0, 1, 0, -0.5], [0, 0, 1, 0.25], [0.5, 0.5, 0.5, 0.5]]
    static let queries: [[Float]] = [[0.9, 0.2, 0.1, 0.3], [0.1, 0.7, 0.3, -0.2]]

    /// Recall over HTTP gives exactly what Core computes for the same input.
    @Test func mrdamRecallEqualsCore() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 4, "beta": 3])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": Self.memories, "ids": ["a", "b", "c", "d"]])
            let reply = try await client.send(.post, "/v1/stores/m/recall", ["queries": Self.queries, "depth": 30, "alpha": 0.2, "clamp": [false, false, false, true]])
            #expect(reply.status == 200, "\(reply.text)")
            let model = try ExactMemory(memories: Matrix(rowArrays: Self.memories, cols: 4), beta: 3)
            let expected = try Descent.run(model, queries: Matrix(rowArrays: Self.queries, cols: 4),
                                           parameters: DescentParameters(alpha: 0.2, depth: 30), clamp: .shared([false, false, false, true]))
            let results = try #require(reply.object["results"] as? [[String: Any]])
            #expect(results.count == 2 && reply.object["version"] as? Int == 1)
            for (b, result) in results.enumerated() {
                #expect(floats(result["state"]).bitPatterns == expected.states.row(b).bitPatterns)
                #expect(floats(result["energies"]).bitPatterns == expected.trace(b).bitPatterns)
                #expect(result["steps"] as? Int == 30)
                #expect(Float((result["energy"] as? NSNumber)?.doubleValue ?? 0).bitPattern == expected.finalEnergies[b].bitPattern)
                #expect(floats(result["state"])[3].bitPattern == Self.queries[b][3].bitPattern, "the clamped entry stays")
            }
            let nearest = try model.nearest(to: expected.states)
            #expect(results.map { ($0["nearest"] as? [String: Any])?["index"] as? Int } == nearest.map(\.index))
            #expect(results.map { ($0["nearest"] as? [String: Any])?["id"] as? String } == nearest.map { ["a", "b", "c", "d"][$0.index] })
        }
    }

    @Test func drdamRecallEqualsCore() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/d", ["kind": "drdam", "dim": 4, "beta": 2, "features": 300, "seed": 77, "kernel": "expexp", "energy": "sum"])
            try await client.send(.post, "/v1/stores/d/memories", ["memories": Self.memories])
            let reply = try await client.send(.post, "/v1/stores/d/recall", ["queries": Self.queries, "depth": 20, "clamp": [[true, false, false, false], [false, true, false, false]]])
            #expect(reply.status == 200, "\(reply.text)")
            let features = try RandomFeatures(kind: .expexp, dim: 4, count: 300, beta: 2, seed: 77)
            var model = try DistributedMemory(features: features, energy: .sum)
            try model.add(Matrix(rowArrays: Self.memories, cols: 4))
            let expected = try Descent.run(model, queries: Matrix(rowArrays: Self.queries, cols: 4),
                                           parameters: DescentParameters(depth: 20), clamp: .perQuery([true, false, false, false, false, true, false, false]))
            let results = try #require(reply.object["results"] as? [[String: Any]])
            for (b, result) in results.enumerated() {
                #expect(floats(result["state"]).bitPatterns == expected.states.row(b).bitPatterns)
                #expect(floats(result["energies"]).bitPatterns == expected.trace(b).bitPatterns)
                #expect(result["nearest"] == nil)
            }
        }
    }

    @Test func toleranceAndTraceOptions() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 4, "beta": 3])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": Self.memories])
            let early = try await client.send(.post, "/v1/stores/m/recall", ["queries": Self.queries, "depth": 5000, "tolerance": 1e-4])
            let results = try #require(early.object["results"] as? [[String: Any]])
            for result in results {
                let steps = try #require(result["steps"] as? Int)
                #expect(steps < 5000 && floats(result["energies"]).count == steps)
            }
            let quiet = try await client.send(.post, "/v1/stores/m/recall", ["queries": Self.queries, "depth": 3, "trace": false])
            #expect((quiet.object["results"] as? [[String: Any]])?.allSatisfy { $0["energies"] == nil && $0["energy"] != nil } == true)
        }
    }

    @Test(arguments: [
        ("{\"queries\": [[1, 2, 3, 4]], \"depth\": 0}", 422, "depth must be at least 1"),
        ("{\"queries\": [[1, 2, 3, 4]], \"depth\": 100001}", 422, "over the limit"),
        ("{\"queries\": [[1, 2, 3, 4]], \"depth\": 1.5}", 400, "does not fit"),
        ("{\"queries\": [[1, 2, 3, 4]], \"alpha\": -0.1}", 422, "alpha must be"),
        ("{\"queries\": [[1, 2, 3, 4]], \"tolerance\": -1}", 422, "tolerance must be"),
        ("{\"queries\": [[1, 2, 3, 4]], \"clamp\": [true, false]}", 422, "clamp has 2 entries; the store has dimension 4"),
        ("{\"queries\": [[1, 2, 3, 4]], \"clamp\": [[true, false, true, true], [true, true, true, true]]}", 422, "clamp has 2 masks for 1 queries"),
        ("{\"queries\": [[1, 2, 3, 4]], \"clamp\": [[true, false]]}", 422, "clamp[0] has 2 entries"),
        ("{\"queries\": [[1, 2, 3, 4]], \"clamp\": [1, 0, 1, 0]}", 400, "clamp"),
        ("{\"queries\": [[1, 2, 3]]}", 422, "queries[0] has 3 numbers; the store has dimension 4"),
        ("{\"queries\": [[1, 2, 3, NaN]]}", 400, "not valid JSON"),
        ("{\"queries\": [[1, 2, 3, 1e999]]}", 400, "not valid JSON"),
        ("{\"queries\": []}", 422, "'queries' is empty"),
        ("{\"queries\": [[1, 2, 3, 4]], \"trace\": \"yes\"}", 400, "trace: expected a boolean"),
        ("{\"queries\": [" + Array(repeating: "[1, 2, 3, 4]", count: 101).joined(separator: ", ") + "], \"depth\": 100000}", 422, "trace entries"),
        ("{\"queries\"", 400, "not valid JSON"),
    ])
    func refusesBadRecalls(body: String, status: Int, detail: String) async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 4, "beta": 3])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": Self.memories])
            let reply = try await client.send(.post, "/v1/stores/m/recall", body)
            #expect(reply.status == status && reply.detail.contains(detail), "\(reply.status) \(reply.detail)")
            #expect(reply.contentType == "application/problem+json")
        }
    }

    @Test func emptyStoresAndUnknownStores() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 4, "beta": 3])
            let empty = try await client.send(.post, "/v1/stores/m/recall", ["queries": Self.queries])
            #expect(empty.status == 409 && empty.detail.contains("no memories"))
            #expect((try await client.send(.post, "/v1/stores/m/energy", ["points": Self.queries])).status == 409)
            #expect((try await client.send(.post, "/v1/stores/nope/recall", ["queries": Self.queries])).status == 404)
            #expect((try await client.send(.post, "/v1/stores/nope/energy", ["points": Self.queries])).status == 404)
        }
    }

    @Test func energyAndGradientsEqualCore() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 4, "beta": 3, "energy": "sum"])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": Self.memories])
            let model = try ExactMemory(memories: Matrix(rowArrays: Self.memories, cols: 4), beta: 3, energy: .sum)
            let (energies, gradients) = try model.energiesAndGradients(Matrix(rowArrays: Self.queries, cols: 4))
            let plain = try await client.send(.post, "/v1/stores/m/energy", ["points": Self.queries])
            #expect(floats(plain.object["energies"]).bitPatterns == energies.bitPatterns && plain.object["gradients"] == nil)
            let full = try await client.send(.post, "/v1/stores/m/energy", ["points": Self.queries, "gradients": true])
            #expect(floatRows(full.object["gradients"]) == (0..<2).map { gradients.row($0) })
            #expect((try await client.send(.post, "/v1/stores/m/energy", ["points": [[1, 2]]])).status == 422)
        }
    }

    /// A diverging descent is answered, with its non-finite numbers as strings, not a server error.
    @Test func divergenceIsReportedNotAnError() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/s", ["kind": "mrdam", "dim": 1, "beta": 1, "energy": "sum"])
            try await client.send(.post, "/v1/stores/s/memories", ["memories": [[0]]])
            let reply = try await client.send(.post, "/v1/stores/s/recall", ["queries": [[1]], "alpha": 3e38, "depth": 3])
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.text.contains("\"Infinity\"") || reply.text.contains("\"-Infinity\"") || reply.text.contains("\"NaN\""))
        }
    }
}

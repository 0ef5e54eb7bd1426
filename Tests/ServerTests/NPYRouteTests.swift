import Core
import Formats
import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import Server

/// `.npy` and `.npz` over HTTP: the same numbers in give the same numbers out as JSON, bit for bit; the
/// options travel in the query string; the answer's format follows Accept.
@Suite struct NPYRouteTests {
    static let memories = RecallRouteTests.memories
    static let queries = RecallRouteTests.queries

    /// The mrdam store `m` (dim 4, β 3) holding `memories` as a, b, c, d.
    static func mrdam(_ client: TestApp.Client) async throws {
        try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 4, "beta": 3])
        try await client.send(.post, "/v1/stores/m/memories", ["memories": memories, "ids": ["a", "b", "c", "d"]])
    }

    static func number(_ value: Any?) -> Float { Float((value as? NSNumber)?.doubleValue ?? .nan) }

    @Test func recallEqualsJSON() async throws {
        try await TestApp().run { client in
            try await Self.mrdam(client)
            let json = try await client.send(.post, "/v1/stores/m/recall", ["queries": Self.queries, "depth": 200, "alpha": 0.2, "tolerance": 1e-3])
            let results = try #require(json.object["results"] as? [[String: Any]])
            let npz = try await client.send(.post, "/v1/stores/m/recall?depth=200&alpha=0.2&tolerance=0.001", NPYBytes.f4(Self.queries), headers: NPYExchange.npyIn)
            #expect(npz.status == 200 && npz.contentType == "application/x-npz", "\(npz.text)")
            #expect(npz.headers[ArrayResponse.versionHeader] == "1")
            let arrays = try NPYExchange.arrays(npz.body)
            #expect(Set(arrays.keys) == ["states", "energy", "energies", "steps", "nearest", "nearest_distance"], "and nearest_id and warnings, unicode")
            #expect(arrays["states"]?.shape == [2, 4] && arrays["states"]?.values.bitPatterns == results.flatMap { floats($0["state"]) }.bitPatterns)
            #expect(arrays["energy"]?.values.bitPatterns == results.map { Self.number($0["energy"]) }.bitPatterns)
            let steps = results.map { $0["steps"] as? Int ?? 0 }
            #expect(arrays["steps"]?.dtype == "<i8" && arrays["steps"]?.values == steps.map(Float.init))
            #expect(steps.allSatisfy { $0 < 200 }, "the tolerance stopped them early: \(steps)")
            // The traces [B, depth]: each query's JSON trace, then its final energy repeated.
            let traces = results.map { r in floats(r["energies"]) + Array(repeating: Self.number(r["energy"]), count: 200 - floats(r["energies"]).count) }
            #expect(arrays["energies"]?.shape == [2, 200] && arrays["energies"]?.values.bitPatterns == traces.flatMap { $0 }.bitPatterns)
            let nearest = results.map { $0["nearest"] as? [String: Any] ?? [:] }
            #expect(arrays["nearest"]?.values == nearest.map { Float($0["index"] as? Int ?? -1) })
            #expect(arrays["nearest_distance"]?.values.bitPatterns == nearest.map { Self.number($0["distance"]) }.bitPatterns)

            let npy = try await client.send(.post, "/v1/stores/m/recall?depth=200&alpha=0.2&tolerance=0.001", NPYBytes.f4(Self.queries),
                                            headers: [.contentType: "application/x-npy", .accept: "application/x-npy"])
            #expect(npy.contentType == "application/x-npy" && npy.headers[ArrayResponse.versionHeader] == "1")
            let alone = try NPYArray(npy: npy.body)
            #expect(alone.shape == arrays["states"]?.shape && alone.values.bitPatterns == arrays["states"]?.values.bitPatterns)
            let answeredInJSON = try await client.send(.post, "/v1/stores/m/recall?depth=200&alpha=0.2&tolerance=0.001", NPYBytes.f4(Self.queries),
                                                       headers: [.contentType: "application/x-npy"])
            #expect(answeredInJSON.contentType.hasPrefix("application/json") && answeredInJSON.text == json.text)
            let quiet = try await client.send(.post, "/v1/stores/m/recall?depth=3&trace=false", NPYBytes.f4(Self.queries), headers: NPYExchange.npyIn)
            #expect(try NPYExchange.arrays(quiet.body)["energies"] == nil && NPYExchange.arrays(quiet.body)["energy"]?.shape == [2])
        }
    }

    /// An `.npz` body carries the queries and their clamp mask, shared or one per query (drdam: no
    /// nearest memories in the answer).
    @Test func npzBodyCarriesTheClamp() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/d", ["kind": "drdam", "dim": 4, "beta": 2, "features": 300, "seed": 77])
            try await client.send(.post, "/v1/stores/d/memories", ["memories": Self.memories])
            let masks: [([Bool], [Int], Any)] = [
                ([false, true, false, false], [4], [false, true, false, false]),
                ([true, false, false, false, false, false, true, true], [2, 4], [[true, false, false, false], [false, false, true, true]]),
            ]
            for (mask, shape, jsonMask) in masks {
                let json = try await client.send(.post, "/v1/stores/d/recall", ["queries": Self.queries, "depth": 20, "clamp": jsonMask])
                let results = try #require(json.object["results"] as? [[String: Any]])
                let body = NPZArchive.encode([("queries", NPYBytes.f4(Self.queries)), ("clamp", NPYBytes.bool(mask, shape: shape))])
                let npz = try await client.send(.post, "/v1/stores/d/recall?depth=20", body, headers: NPYExchange.npzIn)
                #expect(npz.status == 200, "\(npz.text)")
                let arrays = try NPYExchange.arrays(npz.body)
                #expect(Set(arrays.keys) == ["states", "energy", "energies", "steps", "clipped_steps", "signal", "noise"], "and warnings, unicode")
                #expect(arrays["states"]?.values.bitPatterns == results.flatMap { floats($0["state"]) }.bitPatterns)
                #expect(arrays["clipped_steps"]?.values == results.map { Float($0["clipped_steps"] as? Int ?? -1) })
                let signals = results.map { $0["signal"] as? [String: [String: Any]] ?? [:] }
                for (name, key) in [("signal", "s"), ("noise", "noise")] {
                    let pairs = signals.flatMap { signal in ["start", "end"].map { Self.number(signal[$0]?[key]) } }
                    #expect(arrays[name]?.shape == [Self.queries.count, 2] && arrays[name]?.values.bitPatterns == pairs.bitPatterns, "\(name)")
                }
                let states = try #require(arrays["states"]?.values)
                for (b, query) in Self.queries.enumerated() {
                    for j in 0..<4 where shape.count == 1 ? mask[j] : mask[b * 4 + j] { #expect(states[b * 4 + j] == query[j], "clamped entries stay") }
                }
            }
        }
    }

    /// float64 input is rounded to the nearest float32, as JSON numbers are: the same memories sent as
    /// `<f8` and as JSON text are stored as the same floats.
    @Test func float64RoundsAsJSON() async throws {
        var random = SeededGenerator(seed: 86)
        let rows = (0..<8).map { _ in (0..<5).map { _ in Double.random(in: -1e3...1e3, using: &random) * pow(10, Double(Int.random(in: -20...20, using: &random))) } }
        try await TestApp().run { client in
            for name in ["json", "npy"] { try await client.send(.put, "/v1/stores/\(name)", ["kind": "mrdam", "dim": 5, "beta": 1]) }
            let text = "{\"memories\": [" + rows.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]}"
            #expect(try await client.send(.post, "/v1/stores/json/memories", text).status == 200)
            #expect(try await client.send(.post, "/v1/stores/npy/memories", NPYBytes.f8(rows), headers: [.contentType: "application/x-npy"]).status == 200)
            for id in 1...rows.count {
                let fromJSON = floats(try await client.send(.get, "/v1/stores/json/memories/\(id)").object["memory"])
                let fromNPY = floats(try await client.send(.get, "/v1/stores/npy/memories/\(id)").object["memory"])
                #expect(fromJSON.bitPatterns == fromNPY.bitPatterns && fromNPY == rows[id - 1].map(Float.init), "row \(id): \(rows[id - 1])")
            }
        }
    }

    /// Memories added as `.npy` or `.npz` (ids in the query string) are there; forgetting them restores
    /// the count.
    @Test func memoriesRoundTrip() async throws {
        try await TestApp().run { client in
            try await Self.mrdam(client)
            let npy: HTTPFields = [.contentType: "application/x-npy"]
            let added = try await client.send(.post, "/v1/stores/m/memories?ids=x,y", NPYBytes.f4([[1, 2, 3, 4], [5, 6, 7, 8]]), headers: npy)
            #expect(added.status == 200 && added.object["ids"] as? [String] == ["x", "y"] && added.object["count"] as? Int == 6, "\(added.text)")
            let repeated = try await client.send(.post, "/v1/stores/m/memories?ids=p&ids=q", NPYBytes.f4([[0, 0, 0, 1], [0, 0, 1, 1]]), headers: npy)
            #expect(repeated.object["ids"] as? [String] == ["p", "q"])
            #expect(floats(try await client.send(.get, "/v1/stores/m/memories/y").object["memory"]) == [5, 6, 7, 8])
            let assigned = try await client.send(.post, "/v1/stores/m/memories", NPZArchive.encode([("memories", NPYBytes.f4([[9, 9, 9, 9]]))]),
                                                 headers: [.contentType: "application/x-npz"])
            #expect(assigned.object["ids"] as? [String] == ["1"] && assigned.object["count"] as? Int == 9)
            let forgotten = try await client.send(.post, "/v1/stores/m/memories/forget",
                                                  NPYBytes.f4([[1, 2, 3, 4], [5, 6, 7, 8], [0, 0, 0, 1], [0, 0, 1, 1], [9, 9, 9, 9]]), headers: npy)
            #expect(forgotten.status == 200 && forgotten.object["forgotten"] as? Int == 5 && forgotten.object["count"] as? Int == 4, "\(forgotten.text)")
            #expect(try await client.send(.get, "/v1/stores/m/memories/x").status == 404)

            try await client.send(.put, "/v1/stores/d", ["kind": "drdam", "dim": 4, "beta": 2, "features": 64])
            let sums = try await client.send(.post, "/v1/stores/d/memories", NPYBytes.f4(Self.memories), headers: npy)
            #expect(sums.object["count"] as? Int == 4 && sums.object["ids"] as? [String] == [])
            let removed = try await client.send(.post, "/v1/stores/d/memories/forget", NPZArchive.encode([("memories", NPYBytes.f4(Array(Self.memories.prefix(3))))]),
                                                headers: [.contentType: "application/x-npz"])
            #expect(removed.object["forgotten"] as? Int == 3 && removed.object["count"] as? Int == 1 && removed.object["version"] as? Int == 2)
        }
    }

    @Test func energyEqualsJSON() async throws {
        try await TestApp().run { client in
            try await Self.mrdam(client)
            let json = try await client.send(.post, "/v1/stores/m/energy", ["points": Self.queries, "gradients": true])
            let npy = try await client.send(.post, "/v1/stores/m/energy", NPYBytes.f4(Self.queries), headers: [.contentType: "application/x-npy", .accept: "application/x-npy"])
            #expect(try NPYArray(npy: npy.body) == NPYArray(shape: [2], values: floats(json.object["energies"])))
            #expect(npy.headers[ArrayResponse.versionHeader] == "1")
            let npz = try await client.send(.post, "/v1/stores/m/energy?gradients=true", NPYBytes.f4(Self.queries), headers: NPYExchange.npyIn)
            let arrays = try NPYExchange.arrays(npz.body)
            #expect(arrays["energies"]?.values.bitPatterns == floats(json.object["energies"]).bitPatterns)
            #expect(arrays["gradients"]?.shape == [2, 4] && arrays["gradients"]?.values.bitPatterns == floatRows(json.object["gradients"]).flatMap { $0 }.bitPatterns)
            let plain = try await client.send(.post, "/v1/stores/m/energy", NPYBytes.f4(Self.queries), headers: NPYExchange.npyIn)
            #expect(try Set(NPYExchange.arrays(plain.body).keys) == ["energies"])
        }
    }

    /// Content-Type picks the codec (415 for another); Accept picks the answer (406 when it allows
    /// none), the highest q winning and JSON winning ties.
    @Test(arguments: [
        ("application/json", "*/*", 200, "application/json"),
        ("application/x-www-form-urlencoded", "application/json", 200, "application/json"),
        ("application/json; charset=utf-8", "application/*", 200, "application/json"),
        ("application/json", "application/x-npy;q=0.5, application/json", 200, "application/json"),
        ("application/json", "application/x-npy, */*;q=0.1", 200, "application/x-npy"),
        ("application/json", "text/html, application/x-npz;q=0.2", 200, "application/x-npz"),
        ("application/json", "application/json;q=0, */*", 200, "application/x-npz"),
        ("application/json", "text/html", 406, "application/problem+json"),
        ("text/plain", "*/*", 415, "application/problem+json"),
        ("application/octet-stream", "*/*", 415, "application/problem+json"),
    ])
    func negotiation(contentType: String, accept: String, status: Int, answered: String) async throws {
        try await TestApp().run { client in
            try await Self.mrdam(client)
            let reply = try await client.send(.post, "/v1/stores/m/recall", ["queries": Self.queries, "depth": 2], headers: [.contentType: contentType, .accept: accept])
            #expect(reply.status == status && reply.contentType.hasPrefix(answered), "\(reply.status) \(reply.contentType) \(reply.text)")
            if status == 415 { #expect(reply.detail.contains("application/x-npy")) }
            if status == 406 { #expect(reply.detail.contains("text/html")) }
        }
    }

    /// Options in the query string are read by name and type, with the JSON body's checks; a JSON body
    /// carries its own.
    @Test(arguments: [
        ("/v1/stores/m/recall?depth=0", 422, "depth must be at least 1"),
        ("/v1/stores/m/recall?depth=1.5", 400, "depth: '1.5' is not an integer"),
        ("/v1/stores/m/recall?depth=2&depth=3", 400, "depth is given 2 times"),
        ("/v1/stores/m/recall?alpha=-1", 422, "alpha must be"),
        ("/v1/stores/m/recall?alpha=nan", 400, "alpha: 'nan' is not a finite number"),
        ("/v1/stores/m/recall?alpha=1e39", 400, "beyond float32's range"),
        ("/v1/stores/m/recall?tolerance=-1", 422, "tolerance must be"),
        ("/v1/stores/m/recall?trace=yes", 400, "trace: 'yes' is not true or false"),
        ("/v1/stores/m/recall?depth=100001", 422, "over the limit"),
        ("/v1/stores/m/recall?dpeth=3", 422, "unknown query parameter 'dpeth': this route takes depth, alpha, tolerance, trace"),
        ("/v1/stores/m/recall?steps=3&depth=2&x", 422, "unknown query parameters 'steps', 'x': this route takes depth, alpha, tolerance, trace"),
        ("/v1/stores/m/energy?gradients=1", 400, "gradients: '1' is not true or false"),
        ("/v1/stores/m/memories?ids=x", 422, "1 ids for 2 memories"),
        ("/v1/stores/m/memories?ids=a,z", 409, "already in the store"),
        ("/v1/stores/m/memories/forget?ids=x,y", 422, "unknown query parameter 'ids': this route takes none"),
        ("/v1/stores/m/memories?ids=e,f&idz=g", 422, "unknown query parameter 'idz': this route takes ids"),
    ])
    func queryOptions(uri: String, status: Int, detail: String) async throws {
        try await TestApp().run { client in
            try await Self.mrdam(client)
            let reply = try await client.send(.post, uri, NPYBytes.f4(Self.queries), headers: [.contentType: "application/x-npy"])
            #expect(reply.status == status && reply.detail.contains(detail), "\(reply.status) \(reply.detail)")
            #expect(try await client.send(.get, "/v1/stores/m").object["count"] as? Int == 4, "a refused write changes nothing")
        }
    }

    @Test func jsonBodyTakesNoQueryOptions() async throws {
        try await TestApp().run { client in
            try await Self.mrdam(client)
            let reply = try await client.send(.post, "/v1/stores/m/recall?depth=3", ["queries": Self.queries])
            #expect(reply.status == 400 && reply.detail.contains("a JSON body carries its options as fields"), "\(reply.text)")
        }
    }
}

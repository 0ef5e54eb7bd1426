import Foundation
import Testing
import TestSupport
@testable import Server

@Suite struct MemoryRouteTests {
    static let mrdam = "{\"kind\": \"mrdam\", \"dim\": 3, \"beta\": 2}"

    @Test func mrdamAddsRowsWithGivenOrAssignedIds() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/m", Self.mrdam)
            let first = try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0, 0], [0, 1, 0]], "ids": ["a", "b"]])
            #expect(first.status == 200)
            #expect(first.object["added"] as? Int == 2 && first.object["count"] as? Int == 2)
            #expect(first.object["ids"] as? [String] == ["a", "b"] && first.object["version"] as? Int == 1)
            let second = try await client.send(.post, "/v1/stores/m/memories", ["memories": [[0, 0, 1], [1, 1, 1]]])
            #expect(second.object["ids"] as? [String] == ["1", "2"] && second.object["count"] as? Int == 4)
            let memory = try await client.send(.get, "/v1/stores/m/memories/2")
            #expect(memory.status == 200 && floats(memory.object["memory"]) == [1, 1, 1] && memory.object["index"] as? Int == 3)
            #expect((try await client.send(.delete, "/v1/stores/m/memories/a")).status == 204)
            let info = try await client.send(.get, "/v1/stores/m")
            #expect(info.object["count"] as? Int == 3 && info.object["version"] as? Int == 3 && info.object["bytes"] as? Int == 3 * 3 * 4 + 3 * 4)
            #expect((try await client.send(.get, "/v1/stores/m/memories/a")).status == 404)
            #expect((try await client.send(.get, "/v1/stores/m/memories/b")).object["index"] as? Int == 0)
            #expect((try await client.send(.delete, "/v1/stores/m/memories/a")).status == 404)
        }
    }

    @Test(arguments: [
        ("{\"memories\": [[1, 2, 3]], \"ids\": [\"a\"]}", 409, "already in the store"),
        ("{\"memories\": [[1, 2, 3], [3, 2, 1]], \"ids\": [\"q\", \"q\"]}", 422, "the ids repeat"),
        ("{\"memories\": [[1, 2, 3]], \"ids\": [\"x\", \"y\"]}", 422, "2 ids for 1 memories"),
        ("{\"memories\": [[1, 2, 3]], \"ids\": [\"no spaces\"]}", 422, "is not valid"),
        ("{\"memories\": [[1, 2]]}", 422, "memories[0] has 2 numbers; the store has dimension 3"),
        ("{\"memories\": [[1, 2, 3], [1, 2, 3, 4]]}", 422, "memories[1] has 4 numbers"),
        ("{\"memories\": []}", 422, "'memories' is empty"),
        ("{\"memories\": [[1, 2, 1e999]]}", 400, "not valid JSON"),
        ("{\"memories\": [[1, 2, \"3\"]]}", 400, "memories[0][2]: expected a number"),
        ("{\"memories\": 5}", 400, "memories: expected an array"),
        ("{\"vectors\": [[1, 2, 3]]}", 422, "unknown field 'vectors': this route takes memories, ids"),
        ("{\"ids\": [\"b\"]}", 400, "missing field 'memories'"),
        ("[1, 2, 3]", 400, "expected an object"),
    ])
    func refusesBadMemories(body: String, status: Int, detail: String) async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/m", Self.mrdam)
            try await client.send(.post, "/v1/stores/m/memories", ["memories": [[9, 9, 9]], "ids": ["a"]])
            let reply = try await client.send(.post, "/v1/stores/m/memories", body)
            #expect(reply.status == status && reply.detail.contains(detail), "\(reply.status) \(reply.detail)")
            let info = try await client.send(.get, "/v1/stores/m")
            #expect(info.object["count"] as? Int == 1 && info.object["version"] as? Int == 1, "a refused write changes nothing")
        }
    }

    @Test func unknownStoreIsNotFound() async throws {
        try await TestApp().run { client in
            let reply = try await client.send(.post, "/v1/stores/ghost/memories", ["memories": [[1]]])
            #expect(reply.status == 404 && reply.detail == "no store named 'ghost'")
            #expect((try await client.send(.post, "/v1/stores/ghost/memories/forget", ["memories": [[1]]])).status == 404)
            #expect((try await client.send(.get, "/v1/stores/ghost/memories/1")).status == 404)
        }
    }

    @Test func mrdamForgetRemovesEqualRows() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/m", Self.mrdam)
            try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0, 0], [0, 1, 0], [1, 0, 0]]])
            let forgot = try await client.send(.post, "/v1/stores/m/memories/forget", ["memories": [[1, 0, 0], [5, 5, 5]]])
            #expect(forgot.status == 200 && forgot.object["forgotten"] as? Int == 2 && forgot.object["count"] as? Int == 1)
            #expect((try await client.send(.get, "/v1/stores/m/memories/2")).object["memory"] != nil)
        }
    }

    /// Adding B then forgetting B gives back the energies of A alone.
    @Test func drdamForgetRestoresTheEnergy() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/d", ["kind": "drdam", "dim": 2, "beta": 1, "features": 512, "seed": 9])
            try await client.send(.post, "/v1/stores/d/memories", ["memories": [[0.5, 0.1], [-0.3, 0.4]]])
            let points: [[Double]] = [[0.1, 0.2], [-0.2, 0.3]]
            let before = floats((try await client.send(.post, "/v1/stores/d/energy", ["points": points])).object["energies"])
            let added = try await client.send(.post, "/v1/stores/d/memories", ["memories": [[0.9, -0.9]]])
            #expect(added.object["ids"] as? [String] == [] && added.object["count"] as? Int == 3)
            let during = floats((try await client.send(.post, "/v1/stores/d/energy", ["points": points])).object["energies"])
            #expect(during != before)
            let forgot = try await client.send(.post, "/v1/stores/d/memories/forget", ["memories": [[0.9, -0.9]]])
            #expect(forgot.object["forgotten"] as? Int == 1 && forgot.object["count"] as? Int == 2)
            let after = floats((try await client.send(.post, "/v1/stores/d/energy", ["points": points])).object["energies"])
            #expect(approximatelyEqual(after, before, absolute: 1e-5, relative: 1e-5), "\(before) vs \(after)")
        }
    }

    @Test func drdamKeepsNoIndividualMemories() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/d", ["kind": "drdam", "dim": 2, "beta": 1, "features": 16])
            #expect((try await client.send(.post, "/v1/stores/d/memories", ["memories": [[1, 2]], "ids": ["a"]])).status == 422)
            try await client.send(.post, "/v1/stores/d/memories", ["memories": [[1, 2]]])
            #expect((try await client.send(.get, "/v1/stores/d/memories/1")).status == 409)
            #expect((try await client.send(.delete, "/v1/stores/d/memories/1")).status == 409)
            let tooMany = try await client.send(.post, "/v1/stores/d/memories/forget", ["memories": [[1, 2], [3, 4]]])
            #expect(tooMany.status == 409 && tooMany.detail.contains("holds 1"))
        }
    }
}

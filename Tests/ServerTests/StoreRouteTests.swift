import Foundation
import Testing
@testable import Server

@Suite struct StoreRouteTests {
    @Test func createIsIdempotentAndConflictsOnADifferentConfiguration() async throws {
        try await TestApp().run { client in
            let body: [String: Any] = ["kind": "mrdam", "dim": 3, "beta": 2.5]
            let created = try await client.send(.put, "/v1/stores/alpha", body)
            #expect(created.status == 201)
            #expect(created.object["name"] as? String == "alpha" && created.object["kind"] as? String == "mrdam")
            #expect(created.object["dim"] as? Int == 3 && created.object["energy"] as? String == "lse")
            #expect(created.object["count"] as? Int == 0 && created.object["version"] as? Int == 0)
            #expect(["kernel", "features", "seed", "eps", "orthogonal"].allSatisfy { created.object[$0] == nil }, "drdam fields on an mrdam store: \(created.text)")
            #expect((try await client.send(.put, "/v1/stores/alpha", body)).status == 200)
            let conflict = try await client.send(.put, "/v1/stores/alpha", ["kind": "mrdam", "dim": 3, "beta": 2.5, "energy": "sum"])
            #expect(conflict.status == 409 && conflict.contentType == "application/problem+json")
            #expect(conflict.detail.contains("different configuration"))
        }
    }

    @Test func drdamSeedIsReportedAndKeptForIdenticalBodies() async throws {
        try await TestApp().run { client in
            let body: [String: Any] = ["kind": "drdam", "dim": 4, "beta": 1, "features": 64]
            let created = try await client.send(.put, "/v1/stores/d", body)
            #expect(created.status == 201)
            let seed = try #require(created.object["seed"] as? NSNumber)
            #expect(created.object["kernel"] as? String == "sincos" && created.object["orthogonal"] as? Bool == false)
            #expect(abs((created.object["eps"] as? Double ?? 0) - 1e-10) < 1e-16)
            #expect(created.object["bytes"] as? Int == 4 * 64 * 4 + 4 * 64 + 12 * 128)
            let again = try await client.send(.put, "/v1/stores/d", body)
            #expect(again.status == 200 && (again.object["seed"] as? NSNumber) == seed)
            var explicit = body
            explicit["seed"] = seed
            #expect((try await client.send(.put, "/v1/stores/d", explicit)).status == 200)
            explicit["seed"] = seed.uint64Value &+ 1
            #expect((try await client.send(.put, "/v1/stores/d", explicit)).status == 409)
            let exp = try await client.send(.put, "/v1/stores/e", ["kind": "drdam", "dim": 4, "beta": 1, "features": 8, "kernel": "exp", "seed": 3, "orthogonal": true])
            #expect(exp.status == 201 && exp.object["eps"] as? Double == 0 && exp.object["seed"] as? Int == 3)
        }
    }

    @Test func listDescribeAndDelete() async throws {
        try await TestApp().run { client in
            for name in ["b", "a.1", "C_2-x"] {
                #expect((try await client.send(.put, "/v1/stores/\(name)", ["kind": "mrdam", "dim": 2, "beta": 1])).status == 201)
            }
            let list = try await client.send(.get, "/v1/stores")
            #expect((list.object["stores"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["C_2-x", "a.1", "b"])
            #expect((try await client.send(.get, "/v1/stores/b")).object["name"] as? String == "b")
            #expect((try await client.send(.delete, "/v1/stores/b")).status == 204)
            #expect((try await client.send(.get, "/v1/stores/b")).status == 404)
            let again = try await client.send(.delete, "/v1/stores/b")
            #expect(again.status == 404 && again.detail == "no store named 'b'")
        }
    }

    /// Each invalid creation is a 4xx problem and creates nothing.
    @Test(arguments: [
        ("x", "{\"kind\": \"mrdam\", \"dim\": 3, \"beta\": 0}", 422, "beta must be a positive"),
        ("x", "{\"kind\": \"mrdam\", \"dim\": 3, \"beta\": -1}", 422, "beta"),
        ("x", "{\"kind\": \"mrdam\", \"dim\": 0, \"beta\": 1}", 422, "dim must be at least 1, got 0"),
        ("x", "{\"kind\": \"mrdam\", \"dim\": 100000000, \"beta\": 1}", 422, "dim 100000000 is over the limit of 65536"),
        ("x", "{\"kind\": \"hopfield\", \"dim\": 3, \"beta\": 1}", 422, "unknown kind 'hopfield'"),
        ("x", "{\"kind\": \"mrdam\", \"dim\": 3, \"beta\": 1, \"energy\": \"max\"}", 422, "unknown energy 'max'"),
        ("x", "{\"kind\": \"drdam\", \"dim\": 3, \"beta\": 1, \"kernel\": \"rbf\"}", 422, "unknown kernel 'rbf'"),
        ("x", "{\"kind\": \"drdam\", \"dim\": 3, \"beta\": 1, \"features\": 0}", 422, "features must be positive"),
        ("x", "{\"kind\": \"drdam\", \"dim\": 3, \"beta\": 1, \"features\": 1099511627776}", 422, "features 1099511627776 is over the limit of 1048576"),
        ("x", "{\"kind\": \"drdam\", \"dim\": 3, \"beta\": 1, \"eps\": -1}", 422, "eps"),
        ("x", "{\"kind\": \"mrdam\", \"dim\": 3, \"beta\": 1, \"kernel\": \"cos\"}", 422, "'kernel' applies to drdam stores only"),
        ("x", "{\"kind\": \"mrdam\", \"dim\": \"3\", \"beta\": 1}", 400, "dim: expected an integer"),
        ("x", "{\"kind\": \"mrdam\", \"dim\": 3}", 400, "missing field 'beta'"),
        ("x", "{\"kind\": \"drdam\", \"dim\": 3, \"beta\": 1, \"seed\": -5}", 400, "does not fit its field"),
        ("-x", "{\"kind\": \"mrdam\", \"dim\": 3, \"beta\": 1}", 422, "store name '-x' is not valid"),
        (String(repeating: "n", count: 65), "{\"kind\": \"mrdam\", \"dim\": 3, \"beta\": 1}", 422, "is not valid"),
        ("a%20b", "{\"kind\": \"mrdam\", \"dim\": 3, \"beta\": 1}", 422, "is not valid"),
    ])
    func refusesInvalidStores(name: String, body: String, status: Int, detail: String) async throws {
        try await TestApp().run { client in
            let reply = try await client.send(.put, "/v1/stores/\(name)", body)
            #expect(reply.status == status, "\(reply.text)")
            #expect(reply.contentType == "application/problem+json")
            #expect(reply.detail.contains(detail), "\(reply.detail)")
            #expect(reply.object["status"] as? Int == status && reply.object["title"] is String && reply.object["type"] as? String == "about:blank")
            #expect(((try await client.send(.get, "/v1/stores")).object["stores"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func malformedJSONIsABadRequest() async throws {
        try await TestApp().run { client in
            let reply = try await client.send(.put, "/v1/stores/x", "{\"kind\": \"mrdam\", ")
            #expect(reply.status == 400 && reply.detail.contains("not valid JSON"))
        }
    }
}

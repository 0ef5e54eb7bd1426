import Foundation
import HTTPTypes
import Testing
@testable import Server

/// A field or query parameter a route does not take is refused with 422 naming it, before anything
/// is done: `"steps": 5` meant as `depth` no longer runs the default 1000 steps.
@Suite struct UnknownFieldTests {
    /// Stores `m` (mrdam, dimension 2, two memories) and `d` (drdam): the state the refusals must not change.
    static func stores(_ client: TestApp.Client) async throws {
        #expect(try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1]).status == 201)
        #expect(try await client.send(.put, "/v1/stores/d", ["kind": "drdam", "dim": 2, "beta": 1, "features": 8]).status == 201)
        #expect(try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1]], "ids": ["a", "b"]]).status == 200)
        #expect(try await client.send(.post, "/v1/stores/d/memories", ["memories": [[1, 0]]]).status == 200)
    }

    /// Every store's name, count and version, and the snapshots of `m`.
    static func state(_ client: TestApp.Client) async throws -> String {
        let stores = try await client.send(.get, "/v1/stores").object["stores"] as? [[String: Any]] ?? []
        let snapshots = try await client.send(.get, "/v1/stores/m/snapshots").object["snapshots"] as? [Any] ?? []
        return stores.map { "\($0["name"] ?? "") \($0["count"] ?? "") \($0["version"] ?? "")" }.joined(separator: ", ") + "; \(snapshots.count) snapshots"
    }

    /// Each JSON route with a field it does not take (the rest valid): 422 naming the field and what the
    /// route takes, and nothing changed.
    @Test(arguments: [
        ("PUT", "/v1/stores/n", #"{"kind": "drdam", "dim": 2, "beta": 1, "feature": 100}"#,
         "unknown field 'feature': this route takes kind, dim, beta, energy, kernel, features, seed, eps, orthogonal, transform"),
        ("PUT", "/v1/stores/m", #"{"kind": "mrdam", "dim": 2, "beta": 1, "energie": "sum"}"#,
         "unknown field 'energie': this route takes kind, dim, beta, energy, kernel, features, seed, eps, orthogonal, transform"),
        ("POST", "/v1/stores/m/memories", #"{"memories": [[1, 1]], "idz": ["c"]}"#, "unknown field 'idz': this route takes memories, ids"),
        ("POST", "/v1/stores/d/memories/forget", #"{"memories": [[1, 0]], "ids": ["1"]}"#, "unknown field 'ids': this route takes memories"),
        ("POST", "/v1/stores/m/recall", #"{"queries": [[1, 0]], "steps": 5}"#,
         "unknown field 'steps': this route takes queries, clamp, depth, alpha, tolerance, trace"),
        ("POST", "/v1/stores/m/energy", #"{"points": [[1, 0]], "gradient": true}"#, "unknown field 'gradient': this route takes points, gradients"),
    ])
    func unknownFieldsAreRefused(method: String, uri: String, body: String, detail: String) async throws {
        try await TestApp().run { client in
            try await Self.stores(client)
            let before = try await Self.state(client)
            let reply = try await client.send(HTTPRequest.Method(rawValue: method)!, uri, body)
            #expect(reply.status == 422 && reply.detail == detail, "\(reply.status) \(reply.text)")
            #expect(reply.contentType == "application/problem+json")
            #expect(try await Self.state(client) == before, "a refused request changes nothing")
        }
    }

    @Test func everyUnknownFieldIsNamed() async throws {
        try await TestApp().run { client in
            try await Self.stores(client)
            let before = try await Self.state(client)
            let three = try await client.send(.post, "/v1/stores/m/memories", #"{"Memories": [[1, 1]], "memories": [[1, 1]], "id": ["c"], "memory": 1}"#)
            #expect(three.status == 422 && three.detail == "unknown fields 'Memories', 'id', 'memory': this route takes memories, ids", "\(three.text)")
            let names = (0..<20).map { "\"x\($0)\": 1" }.joined(separator: ", ")
            let many = try await client.send(.put, "/v1/stores/n", "{\"kind\": \"mrdam\", \"dim\": 2, \"beta\": 1, \(names)}")
            #expect(many.status == 422 && many.detail.hasPrefix("unknown fields 'x0', 'x1', ") && many.detail.contains("'x15' and more: this route takes kind"), "\(many.text)")
            #expect(!many.detail.contains("'x16'"))
            #expect(try await Self.state(client) == before)
        }
    }

    /// A few MiB of numbers no decoder could take (1e999999 is beyond every float), in a field recall
    /// does not take: 422 naming it, not a 400 about its numbers (they are skipped, not converted).
    @Test func aLargeUnknownArrayIsRefusedUnread() async throws {
        try await TestApp().run { client in
            try await Self.stores(client)
            let rows = Array(repeating: "[1e999999, 0.5]", count: 300_000).joined(separator: ",")
            let body = #"{"queries": [[1, 0]], "extra": ["# + rows + "]}"
            #expect(body.utf8.count > 4 << 20)
            let reply = try await client.send(.post, "/v1/stores/m/recall", body)
            #expect(reply.status == 422 && reply.detail.hasPrefix("unknown field 'extra': "), "\(reply.status) \(reply.detail)")
        }
    }

    /// An option field over 64 KiB of text is refused naming it (Codable never sees it); `ids` may take
    /// 256 bytes per memory, so 1000 ids of 100 characters (over 100 KiB) are taken.
    @Test func optionFieldsAreBounded() async throws {
        try await TestApp().run { client in
            try await Self.stores(client)
            let before = try await Self.state(client)
            let long = try await client.send(.post, "/v1/stores/m/recall", #"{"queries": [[1, 0]], "depth": 1.0"# + String(repeating: "0", count: 64 << 10) + "}")
            #expect(long.status == 422 && long.detail.hasPrefix("'depth' takes 65539 bytes of JSON text, more than the 65536"), "\(long.detail)")
            let kind = try await client.send(.put, "/v1/stores/n", #"{"kind": ""# + String(repeating: "k", count: 70_000) + #"", "dim": 2, "beta": 1}"#)
            #expect(kind.status == 422 && kind.detail.hasPrefix("'kind' takes 70002 bytes"), "\(kind.detail)")
            #expect(try await Self.state(client) == before)
            let ids = (0..<1000).map { String(format: "%0100d", $0) }
            let memories = Array(repeating: [0.5, 0.5], count: 1000)
            let added = try await client.send(.post, "/v1/stores/m/memories", ["memories": memories, "ids": ids])
            #expect(added.status == 200 && added.object["count"] as? Int == 1002, "\(added.status) \(added.detail)")
        }
    }

    @Test func aFieldGivenTwiceIsRefused() async throws {
        try await TestApp().run { client in
            try await Self.stores(client)
            let reply = try await client.send(.post, "/v1/stores/m/recall", #"{"queries": [[1, 0]], "depth": 1, "depth": 100000}"#)
            #expect(reply.status == 400 && reply.detail == "field 'depth' is given twice", "\(reply.text)")
        }
    }

    /// A query parameter on a route that takes none (every route but add, recall and energy) is
    /// refused before the route runs: nothing is created, deleted or taken.
    @Test(arguments: [
        ("GET", "/v1/stores?limit=1"), ("GET", "/v1/stores/m?verbose=true"), ("DELETE", "/v1/stores/m?force=true"),
        ("PUT", "/v1/stores/n?dim=2"), ("POST", "/v1/stores/m/snapshots?x=1"), ("GET", "/v1/stores/m/snapshots?limit=2"),
        ("GET", "/v1/stores/m/memories/a?x="), ("DELETE", "/v1/stores/m/memories/a?x=1"), ("POST", "/v1/stores/d/memories/forget?ids=1"),
        ("POST", "/v1/checkpoint?force=1"), ("GET", "/v1/info?x=1"), ("GET", "/healthz?x=1"), ("GET", "/readyz?verbose=1"),
        ("GET", "/metrics?name=x"), ("GET", "/openapi.yaml?format=json"),
    ])
    func queryParametersARouteDoesNotTakeAreRefused(method: String, uri: String) async throws {
        try await TestApp().run { client in
            try await Self.stores(client)
            let before = try await Self.state(client)
            let body: Any? = uri.hasPrefix("/v1/stores/n") ? ["kind": "mrdam", "dim": 2, "beta": 1] : uri.contains("forget") ? ["memories": [[1, 0]]] : nil
            let reply = try await client.send(HTTPRequest.Method(rawValue: method)!, uri, body)
            let name = uri.split(separator: "?")[1].split(separator: "=")[0]
            #expect(reply.status == 422 && reply.detail == "unknown query parameter '\(name)': this route takes none", "\(reply.status) \(reply.text)")
            #expect(try await Self.state(client) == before)
        }
    }

    /// A path no route matches is still a 404, query string or not; the routes that take parameters
    /// take them.
    @Test func theQueryCheckLeavesOtherAnswersAlone() async throws {
        try await TestApp().run { client in
            try await Self.stores(client)
            #expect(try await client.send(.get, "/v1/nowhere?x=1").status == 404)
            #expect(try await client.send(.get, "/healthz").status == 200)
            #expect(try await client.send(.get, "/healthz?").status == 200)
        }
    }
}

import Foundation
import Store
import Testing
@testable import Server

/// `PUT /v1/stores/{name}` with `transform`: validation, the limits a structured store meets, and the
/// configuration a dense store reports.
@Suite struct TransformRouteTests {
    /// Each invalid `transform` is a 4xx problem naming the problem, and creates nothing.
    @Test(arguments: [
        (#"{"kind": "mrdam", "dim": 3, "beta": 1, "transform": "dense"}"#, 422, "'transform' applies to drdam stores only"),
        (#"{"kind": "drdam", "dim": 3, "beta": 1, "transform": "sorf"}"#, 422, "unknown transform 'sorf': expected one of dense, structured"),
        (#"{"kind": "drdam", "dim": 3, "beta": 1, "transform": "structured", "orthogonal": true}"#, 422,
         "orthogonal applies to dense features; structured features are orthogonal within each block by construction"),
        (#"{"kind": "drdam", "dim": 3, "beta": 1, "transform": 1}"#, 400, "transform"),
        (#"{"kind": "drdam", "dim": 12288, "beta": 60, "features": 180000}"#, 422, "features × dim = 180000 × 12288 is over the limit of 67108864 entries of Ω"),
    ])
    func refusesInvalidTransforms(body: String, status: Int, detail: String) async throws {
        try await TestApp().run { client in
            let reply = try await client.send(.put, "/v1/stores/t", body)
            #expect(reply.status == status && reply.contentType == "application/problem+json", "\(reply.text)")
            #expect(reply.detail.contains(detail), "\(reply.detail)")
            #expect(((try await client.send(.get, "/v1/stores")).object["stores"] as? [Any])?.isEmpty == true)
        }
    }

    /// The paper's PINF store, structured, passes validation and the default limits (which refuse it
    /// dense, above), and holds what the limits counted: 11 blocks of P = 16 384 (4 · 16 384 · 11 =
    /// 720 896 numbers), b [180 000] and T [360 000] in Double and Float, 7 923 584 bytes.
    @Test func aStructuredPaperScaleStorePassesTheLimits() async throws {
        try await TestApp().run { client in
            let reply = try await client.send(.put, "/v1/stores/pinf", ["kind": "drdam", "dim": 12_288, "beta": 60, "features": 180_000, "transform": "structured", "orthogonal": false])
            #expect(reply.status == 201 && reply.object["transform"] as? String == "structured", "\(reply.text)")
            #expect(reply.object["bytes"] as? Int == 4 * 720_896 + 4 * 180_000 + 12 * 360_000, "\(reply.text)")
        }
    }

    /// A structured store counts 4·P·⌈Y/P⌉ against `--max-feature-entries`: at dim 12 (P = 16) 40
    /// features are 3 blocks, 192 numbers (dense: 480 entries). (Under the default limits no structured
    /// store reaches the limit: 4·(2^20 + 2^16) < 2^26.)
    @Test func structuredStoresCountTheirBlocks() async throws {
        let body = #"{"kind": "drdam", "dim": 12, "beta": 1, "features": 40, "transform": "structured"}"#
        var limits = Limits()
        limits.maxFeatureEntries = 191
        try await TestApp(limits: limits).run { client in
            let reply = try await client.send(.put, "/v1/stores/s", body)
            #expect(reply.status == 422 && reply.detail == "structured features 40 at dim 12 keep 4 × P × ⌈features / P⌉ numbers (P the smallest power of two ≥ dim), over the limit of 191 entries", "\(reply.text)")
        }
        limits.maxFeatureEntries = 192
        try await TestApp(limits: limits).run { client in
            let reply = try await client.send(.put, "/v1/stores/s", body)
            #expect(reply.status == 201 && reply.object["transform"] as? String == "structured", "\(reply.text)")
        }
    }

    /// A dense store is described as it always was (no `transform`: absent means dense), and asking
    /// for `"transform": "dense"` is asking for the same store.
    @Test func denseIsTheDefault() async throws {
        try await TestApp().run { client in
            let body: [String: Any] = ["kind": "drdam", "dim": 4, "beta": 1, "features": 16, "seed": 3]
            let created = try await client.send(.put, "/v1/stores/d", body)
            #expect(created.status == 201 && created.object["transform"] == nil, "\(created.text)")
            var explicit = body
            explicit["transform"] = "dense"
            #expect((try await client.send(.put, "/v1/stores/d", explicit)).status == 200)
            explicit["transform"] = "structured"
            #expect((try await client.send(.put, "/v1/stores/d", explicit)).status == 409)
        }
    }
}

import Foundation
import Testing
@testable import Server

/// openapi.yaml describes exactly the routes the server has: every documented operation is routed and
/// answers with a documented status, for its success and for a typical failure.
@Suite struct SpecConformanceTests {
    /// One call per documented operation (and an error call where the operation has one), run in order
    /// against one app: (operation, uri, body).
    static var tour: [(String, String, Any?)] { [
        ("PUT /v1/stores/{name}", "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1]),
        ("PUT /v1/stores/{name}", "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1]),
        ("PUT /v1/stores/{name}", "/v1/stores/m", ["kind": "mrdam", "dim": 3, "beta": 1]),
        ("PUT /v1/stores/{name}", "/v1/stores/d", ["kind": "drdam", "dim": 2, "beta": 1, "features": 32]),
        ("PUT /v1/stores/{name}", "/v1/stores/x", ["kind": "mrdam", "dim": 2, "beta": -1]),
        ("PUT /v1/stores/{name}", "/v1/stores/x", "not json"),
        ("GET /v1/stores", "/v1/stores", nil),
        ("GET /v1/stores/{name}", "/v1/stores/m", nil),
        ("GET /v1/stores/{name}", "/v1/stores/nope", nil),
        ("POST /v1/stores/{name}/recall", "/v1/stores/m/recall", ["queries": [[1, 0]]]),
        ("POST /v1/stores/{name}/energy", "/v1/stores/m/energy", ["points": [[1, 0]]]),
        ("POST /v1/stores/{name}/memories", "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1]], "ids": ["a", "b"]]),
        ("POST /v1/stores/{name}/memories", "/v1/stores/m/memories", ["memories": [[1, 0]], "ids": ["a"]]),
        ("POST /v1/stores/{name}/memories", "/v1/stores/m/memories", ["memories": [[1, 0, 0]]]),
        ("POST /v1/stores/{name}/memories", "/v1/stores/d/memories", ["memories": [[1, 0], [0, 1]]]),
        ("GET /v1/stores/{name}/memories/{id}", "/v1/stores/m/memories/a", nil),
        ("GET /v1/stores/{name}/memories/{id}", "/v1/stores/m/memories/zz", nil),
        ("GET /v1/stores/{name}/memories/{id}", "/v1/stores/d/memories/1", nil),
        ("POST /v1/stores/{name}/recall", "/v1/stores/m/recall", ["queries": [[1, 0]], "depth": 3]),
        ("POST /v1/stores/{name}/recall", "/v1/stores/m/recall", ["queries": [[1, 0]], "depth": 0]),
        ("POST /v1/stores/{name}/recall", "/v1/stores/nope/recall", ["queries": [[1, 0]]]),
        ("POST /v1/stores/{name}/recall", "/v1/stores/d/recall", ["queries": [[1, 0]], "depth": 3]),
        ("POST /v1/stores/{name}/energy", "/v1/stores/m/energy", ["points": [[1, 0]], "gradients": true]),
        ("POST /v1/stores/{name}/energy", "/v1/stores/m/energy", ["points": [[1]]]),
        ("POST /v1/stores/{name}/memories/forget", "/v1/stores/d/memories/forget", ["memories": [[1, 0]]]),
        ("POST /v1/stores/{name}/memories/forget", "/v1/stores/d/memories/forget", ["memories": [[1, 0], [1, 0], [1, 0]]]),
        ("POST /v1/stores/{name}/memories/forget", "/v1/stores/m/memories/forget", ["memories": [[0, 1]]]),
        ("DELETE /v1/stores/{name}/memories/{id}", "/v1/stores/m/memories/a", nil),
        ("DELETE /v1/stores/{name}/memories/{id}", "/v1/stores/m/memories/a", nil),
        ("DELETE /v1/stores/{name}/memories/{id}", "/v1/stores/d/memories/1", nil),
        ("POST /v1/stores/{name}/snapshots", "/v1/stores/m/snapshots", nil),
        ("POST /v1/stores/{name}/snapshots", "/v1/stores/nope/snapshots", nil),
        ("GET /v1/stores/{name}/snapshots", "/v1/stores/m/snapshots", nil),
        ("GET /v1/stores/{name}/snapshots/{snapshot}", "/v1/stores/m/snapshots/none.safetensors", nil),
        ("DELETE /v1/stores/{name}/snapshots/{snapshot}", "/v1/stores/m/snapshots/none.safetensors", nil),
        ("POST /v1/stores/{name}/snapshots/{snapshot}/restore", "/v1/stores/m/snapshots/none.safetensors/restore", nil),
        ("POST /v1/stores/{name}/snapshots/upload", "/v1/stores/u/snapshots/upload", "not a snapshot"),
        ("POST /v1/checkpoint", "/v1/checkpoint", nil),
        ("GET /healthz", "/healthz", nil),
        ("GET /readyz", "/readyz", nil),
        ("GET /metrics", "/metrics", nil),
        ("GET /openapi.yaml", "/openapi.yaml", nil),
        ("DELETE /v1/stores/{name}", "/v1/stores/d", nil),
        ("DELETE /v1/stores/{name}", "/v1/stores/d", nil),
    ] }

    @Test func everyDocumentedOperationIsRoutedWithDocumentedStatuses() async throws {
        let operations = try OpenAPIDocument.load().operations
        #expect(operations.count == 21, "\(operations.keys.sorted())")
        #expect(Set(Self.tour.map(\.0)) == Set(operations.keys), "the tour must visit every documented operation")
        let calls = Self.tour.map { ($0.0, $0.1, $0.2.map { try! String(decoding: JSONSerialization.data(withJSONObject: $0, options: [.fragmentsAllowed]), as: UTF8.self) }) }
        try await TestApp().run { client in
            var seen: [String: Set<Int>] = [:]
            for (operation, uri, body) in calls {
                let method = operation.split(separator: " ")[0]
                let reply = try await client.send(.init(rawValue: String(method))!, uri, body)
                #expect(operations[operation]?.contains(reply.status) == true, "\(operation) \(uri) answered \(reply.status), not documented: \(reply.text)")
                #expect(!reply.detail.contains("no such route"), "\(operation) is not routed")
                if reply.status >= 400 { #expect(reply.contentType == "application/problem+json") }
                seen[operation, default: []].insert(reply.status)
            }
            #expect(seen.values.contains { $0.contains(409) } && seen.values.contains { $0.contains(422) } && seen.values.contains { $0.contains(400) })
        }
    }
}

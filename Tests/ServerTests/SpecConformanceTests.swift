import Foundation
import HTTPTypes
import Testing
@testable import Server
import Store

/// openapi.yaml describes exactly the routes the server has: every documented operation is routed and
/// answers with a documented status, for its success and for a typical failure; with API keys (none,
/// a read-only one, one limited to other stores) and over the limits too. The document documents keys
/// and limits on every operation they apply to, and its links name its own operations.
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
        ("GET /v1/stores", "/v1/stores?limit=1", nil),
        ("GET /v1/stores/{name}", "/v1/stores/m", nil),
        ("GET /v1/stores/{name}", "/v1/stores/nope", nil),
        ("POST /v1/stores/{name}/recall", "/v1/stores/m/recall", ["queries": [[1, 0]]]),
        ("POST /v1/stores/{name}/energy", "/v1/stores/m/energy", ["points": [[1, 0]]]),
        ("POST /v1/stores/{name}/memories", "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1]], "ids": ["a", "b"]]),
        ("POST /v1/stores/{name}/memories", "/v1/stores/m/memories", ["memories": [[1, 0]], "ids": ["a"]]),
        ("POST /v1/stores/{name}/memories", "/v1/stores/m/memories", ["memories": [[1, 0, 0]]]),
        ("POST /v1/stores/{name}/memories", "/v1/stores/d/memories", ["memories": [[1, 0], [0, 1]]]),
        ("POST /v1/stores/{name}/calibrate", "/v1/stores/m/calibrate", ["set": true]),
        ("POST /v1/stores/{name}/calibrate", "/v1/stores/d/calibrate", ["set": true]),
        ("POST /v1/calibrate", "/v1/calibrate", ["memories": [[1, 0], [0, 1]]]),
        ("POST /v1/calibrate", "/v1/calibrate", ["memories": [[1, 0]], "beta": 1]),
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
        ("GET /v1/info", "/v1/info", nil),
        ("GET /healthz", "/healthz", nil),
        ("GET /readyz", "/readyz", nil),
        ("GET /metrics", "/metrics", nil),
        ("GET /openapi.yaml", "/openapi.yaml", nil),
        ("DELETE /v1/stores/{name}", "/v1/stores/d", nil),
        ("DELETE /v1/stores/{name}", "/v1/stores/d", nil),
    ] }

    @Test func everyDocumentedOperationIsRoutedWithDocumentedStatuses() async throws {
        let operations = try OpenAPIDocument.load().operations
        #expect(operations.count == 24, "\(operations.keys.sorted())")
        #expect(Set(Self.tour.map(\.0)) == Set(operations.keys), "the tour must visit every documented operation")
        let calls = Self.calls
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

    /// The tour with its bodies as JSON text.
    static var calls: [(String, String, String?)] {
        tour.map { ($0.0, $0.1, $0.2.map { try! String(decoding: JSONSerialization.data(withJSONObject: $0, options: [.fragmentsAllowed]), as: UTF8.self) }) }
    }

    /// The operations that change something (a read-only key gets 403): all but GETs, recall, energy
    /// and the store-less calibration (the tour's store calibrations set β).
    static func writes(_ operation: String) -> Bool {
        !operation.hasPrefix("GET ") && !operation.hasSuffix("/recall") && !operation.hasSuffix("/energy") && operation != "POST /v1/calibrate"
    }

    /// The operations about one store (a key limited to other stores gets 403), and the server-wide
    /// checkpoint and metrics (403 too for such a key).
    static func scoped(_ operation: String) -> Bool {
        operation.contains("/v1/stores/{name}") || operation == "POST /v1/checkpoint" || operation == "GET /metrics"
    }

    @Test func keysLimitsAndLinksAreDocumented() throws {
        let document = try OpenAPIDocument.load()
        let operations = document.operations
        #expect(document.open == ["GET /healthz", "GET /readyz"], "only the probes need no key")
        for (operation, statuses) in operations {
            let open = document.open.contains(operation)
            #expect(statuses.contains(401) != open, "\(operation): 401 documented \(statuses.contains(401)), needs a key \(!open)")
            #expect(statuses.contains(403) == (Self.scoped(operation) || (!open && Self.writes(operation))), "\(operation): 403 \(statuses.contains(403))")
            #expect(statuses.contains(422), "\(operation): a query parameter it does not take is a 422")
        }
        // Every JSON object a request sends is closed: a field not listed is refused.
        let lines = document.text.split(separator: "\n").map(String.init)
        let requestObjects = lines.indices.filter { lines[$0] == "              type: object" && lines[$0 - 1] == "            schema:" }
            + lines.indices.filter { lines[$0] == "      type: object" && ["    CreateMrdam:", "    CreateDrdam:"].contains(lines[$0 - 1]) }
        #expect(requestObjects.count == 8)
        #expect(requestObjects.allSatisfy { lines[$0 + 1].hasSuffix("  additionalProperties: false") }, "a request body's object without additionalProperties: false")
        #expect(document.withBody == [
            "PUT /v1/stores/{name}", "POST /v1/stores/{name}/memories", "POST /v1/stores/{name}/memories/forget",
            "POST /v1/stores/{name}/recall", "POST /v1/stores/{name}/energy", "POST /v1/stores/{name}/calibrate", "POST /v1/calibrate",
            "POST /v1/stores/{name}/snapshots/upload",
        ])
        for operation in document.withBody {
            #expect(operations[operation]?.contains(413) == true, "\(operation) takes a body and does not document 413")
            #expect(operations[operation]?.contains(422) == true, "\(operation) takes a body and does not document 422")
        }
        for operation in ["POST /v1/stores/{name}/recall", "POST /v1/stores/{name}/energy", "POST /v1/stores/{name}/calibrate", "POST /v1/calibrate"] {
            #expect(operations[operation]?.contains(503) == true, "\(operation): the compute pool's 503")
        }
        let ids = Set(document.operationIDs.values)
        #expect(ids.count == operations.count, "one operationId per operation")
        #expect(document.linkTargets.isSubset(of: ids), "links to unknown operations: \(document.linkTargets.subtracting(ids).sorted())")
        let uses: Set = [
            "getStore", "addMemories", "recall", "energy", "forgetMemories", "getMemory", "deleteMemory", "createSnapshot",
            "listSnapshots", "downloadSnapshot", "restoreSnapshot", "deleteSnapshot", "deleteStore",
        ]
        #expect(uses.isSubset(of: document.linkTargets), "no link leads to \(uses.subtracting(document.linkTargets).sorted())")
    }

    /// The tour without a key, with a read-only key and with a key limited to other stores: every
    /// answer is documented (401 everywhere but the probes, 403 where the key lacks the right).
    @Test func answersWithKeysAreDocumented() async throws {
        let operations = try OpenAPIDocument.load().operations
        let reader = "spec-reader-key", other = "spec-other-key"
        let policy = AccessPolicy(keys: [
            try APIKey(name: "reader", secret: reader, role: .read),
            try APIKey(name: "other", secret: other, role: .write, stores: ["other-*"]),
        ], metricsPublic: false)
        let calls = Self.calls
        try await TestApp(policy: policy).run { client in
            for key in [nil, reader, other] {
                for (operation, uri, body) in calls {
                    let method = HTTPRequest.Method(rawValue: String(operation.split(separator: " ")[0]))!
                    let headers: HTTPFields = key.map { [HTTPField.Name("api-key")!: $0] } ?? [:]
                    let reply = try await client.send(method, uri, body, headers: headers)
                    let who = key == nil ? "no key" : key == reader ? "a read-only key" : "a key for other stores"
                    #expect(operations[operation]?.contains(reply.status) == true, "\(operation) \(uri) with \(who) answered \(reply.status), not documented: \(reply.text)")
                    let expected: Int? = switch key {
                    case nil: operation == "GET /healthz" || operation == "GET /readyz" ? nil : 401
                    case reader: Self.writes(operation) ? 403 : nil
                    default: Self.scoped(operation) ? 403 : nil
                    }
                    if let expected {
                        #expect(reply.status == expected, "\(operation) \(uri) with \(who): \(reply.status), expected \(expected)")
                        #expect(reply.contentType == "application/problem+json")
                    } else {
                        #expect(reply.status != 401 && reply.status != 403, "\(operation) \(uri) with \(who): \(reply.status)")
                    }
                    if reply.status == 401 { #expect(reply.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true) }
                }
            }
        }
    }

    /// Every operation that takes a body answers 413, as documented, for a body over the limit.
    @Test func bodiesOverTheLimitAreDocumented() async throws {
        let operations = try OpenAPIDocument.load().operations
        var limits = Limits()
        limits.maxBodyBytes = 64
        limits.maxSnapshotBytes = 64
        let big = String(repeating: " ", count: 200)
        try await TestApp(limits: limits).run { client in
            #expect(try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1]).status == 201)
            for operation in try OpenAPIDocument.load().withBody.sorted() {
                let method = HTTPRequest.Method(rawValue: String(operation.split(separator: " ")[0]))!
                let uri = String(operation.split(separator: " ")[1]).replacingOccurrences(of: "{name}", with: "m")
                let reply = try await client.send(method, uri, "{\"x\": 1" + big + "}")
                #expect(reply.status == 413 && operations[operation]?.contains(413) == true, "\(operation): \(reply.status) \(reply.text)")
            }
        }
    }

    /// The operations that take vectors answer 415, as documented, for a Content-Type they do not take,
    /// and 400 for a malformed `.npy`; those that compute answer 406 for an Accept they cannot meet.
    @Test func contentTypesAndAcceptAreDocumented() async throws {
        let operations = try OpenAPIDocument.load().operations
        let vectors = ["POST /v1/stores/{name}/memories", "POST /v1/stores/{name}/memories/forget", "POST /v1/stores/{name}/recall", "POST /v1/stores/{name}/energy"]
        try await TestApp().run { client in
            #expect(try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1]).status == 201)
            #expect(try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0]]]).status == 200)
            for operation in vectors {
                let uri = String(operation.split(separator: " ")[1]).replacingOccurrences(of: "{name}", with: "m")
                let text = try await client.send(.post, uri, "queries", headers: [.contentType: "text/plain"])
                #expect(text.status == 415 && operations[operation]?.contains(415) == true, "\(operation): \(text.status) \(text.text)")
                let npy = try await client.send(.post, uri, "not numpy", headers: [.contentType: "application/x-npy"])
                #expect(npy.status == 400 && operations[operation]?.contains(400) == true, "\(operation): \(npy.status) \(npy.text)")
                let field = operation.hasSuffix("/recall") ? "queries" : operation.hasSuffix("/energy") ? "points" : "memories"
                let accept = try await client.send(.post, uri, [field: [[1, 0]]], headers: [.accept: "text/html"])
                let computes = operation.hasSuffix("/recall") || operation.hasSuffix("/energy")
                #expect(accept.status == (computes ? 406 : 200) && operations[operation]?.contains(406) == computes, "\(operation): \(accept.status) \(accept.text)")
            }
        }
    }
}

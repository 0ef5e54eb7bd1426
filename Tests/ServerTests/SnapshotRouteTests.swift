import Core
import Foundation
import Testing
import TestSupport
@testable import Server
@testable import Store

/// The snapshot API and recovery as a client meets them, in process.
@Suite struct SnapshotRouteTests {
    static let memories: [[Float]] = [[1, 0, 0, 0.5], [0, 1, 0, -0.5], [0, 0, 1, 0.25], [0.5, 0.5, 0.5, 0.5]]
    static var query: [String: Any] { ["queries": [[0.9, 0.2, 0.1, 0.3]], "depth": 25, "trace": false] }

    /// Take a snapshot, download it, upload it under another name: the new store recalls exactly as
    /// the old one did. Restore after more writes brings the old recall back.
    @Test(arguments: ["mrdam", "drdam"])
    func snapshotRoundTrips(kind: String) async throws {
        try await TestApp().run { client in
            let config: [String: Any] = kind == "mrdam" ? ["kind": "mrdam", "dim": 4, "beta": 3] : ["kind": "drdam", "dim": 4, "beta": 3, "features": 128, "seed": 9]
            try await client.send(.put, "/v1/stores/a", config)
            try await client.send(.post, "/v1/stores/a/memories", ["memories": Self.memories])
            let before = try await client.send(.post, "/v1/stores/a/recall", Self.query)
            let taken = try await client.send(.post, "/v1/stores/a/snapshots")
            #expect(taken.status == 201, "\(taken.text)")
            let name = try #require(taken.object["name"] as? String)
            #expect(taken.object["version"] as? Int == 1 && (taken.object["sha256"] as? String)?.count == 64 && taken.object["created"] is String)
            let listed = try await client.send(.get, "/v1/stores/a/snapshots")
            #expect((listed.object["snapshots"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == [name])

            let file = try await client.send(.get, "/v1/stores/a/snapshots/\(name)")
            #expect(file.status == 200 && file.contentType == "application/octet-stream" && file.body.count == taken.object["size"] as? Int)
            #expect(StoreSnapshot.sha256(file.body) == taken.object["sha256"] as? String)
            let uploaded = try await client.send(.post, "/v1/stores/b/snapshots/upload", file.body)
            #expect(uploaded.status == 201, "\(uploaded.text)")
            let copy = try await client.send(.post, "/v1/stores/b/recall", Self.query)
            #expect(copy.status == 200 && floatRows((copy.object["results"] as? [[String: Any]])?.map { $0["state"] ?? [] }) == floatRows((before.object["results"] as? [[String: Any]])?.map { $0["state"] ?? [] }))

            try await client.send(.post, "/v1/stores/a/memories", ["memories": [[0.1, 0.1, 0.9, 0.9]]])
            let changed = try await client.send(.post, "/v1/stores/a/recall", Self.query)
            #expect(changed.text != before.text.replacingOccurrences(of: "\"version\":1", with: "\"version\":2"), "the extra memory changes the recall")
            let restored = try await client.send(.post, "/v1/stores/a/snapshots/\(name)/restore")
            #expect(restored.status == 200 && restored.object["version"] as? Int == 3 && restored.object["count"] as? Int == 4)
            let again = try await client.send(.post, "/v1/stores/a/recall", Self.query)
            #expect(again.object["results"] as? NSArray == before.object["results"] as? NSArray)

            #expect(try await client.send(.delete, "/v1/stores/a/snapshots/\(name)").status == 204)
            #expect(try await client.send(.get, "/v1/stores/a/snapshots/\(name)").status == 404)
            #expect(try await client.send(.post, "/v1/stores/a/snapshots/\(name)/restore").status == 404)
        }
    }

    /// Uploads that are not valid snapshots get 422 and change nothing; so does an upload to a bad name.
    @Test func badUploadsChangeNothing() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/a", ["kind": "mrdam", "dim": 4, "beta": 3])
            try await client.send(.post, "/v1/stores/a/memories", ["memories": Self.memories])
            let name = try #require(try await client.send(.post, "/v1/stores/a/snapshots").object["name"] as? String)
            let good = try await client.send(.get, "/v1/stores/a/snapshots/\(name)").body
            var flipped = good
            flipped[flipped.count - 5] ^= 0x01
            var inconsistent = String(decoding: good, as: UTF8.self)
            inconsistent = inconsistent.replacingOccurrences(of: "\"dim\":\"4\"", with: "\"dim\":\"5\"")
            for bad in [Data("garbage".utf8), good.prefix(good.count / 2), flipped, Data(inconsistent.utf8), Data()] {
                let reply = try await client.send(.post, "/v1/stores/a/snapshots/upload", bad)
                #expect(reply.status == 422 && reply.detail.contains("not a valid Engram snapshot"), "\(reply.text)")
                let absent = try await client.send(.post, "/v1/stores/new/snapshots/upload", bad)
                #expect(absent.status == 422)
            }
            #expect(try await client.send(.get, "/v1/stores/new").status == 404)
            #expect(try await client.send(.get, "/v1/stores/a").object["version"] as? Int == 1)
            #expect(try await client.send(.post, "/v1/stores/-bad/snapshots/upload", good).status == 422)
        }
    }

    /// A store whose log record is damaged answers 503 naming the reason; `/readyz` is "degraded"
    /// and names it; the other store serves.
    @Test func failedStoreAnswers503() async throws {
        let directory = try TemporaryDirectory("failed")
        let data = directory.url
        do {
            let app = try TestApp(data: data)
            try await app.run { client in
                try await client.send(.put, "/v1/stores/bad", ["kind": "mrdam", "dim": 4, "beta": 3])
                try await client.send(.post, "/v1/stores/bad/memories", ["memories": Self.memories])
                try await client.send(.put, "/v1/stores/good", ["kind": "mrdam", "dim": 4, "beta": 3])
                try await client.send(.post, "/v1/stores/good/memories", ["memories": Self.memories])
            }
            app.registry.close()
        }
        let segment = data.appendingPathComponent("wal").appendingPathComponent("00000000000000000001.wal")
        var bytes = try Data(contentsOf: segment)
        let needle = Self.memories[1].withUnsafeBytes { Data($0) }
        bytes[try #require(bytes.range(of: needle)).lowerBound] ^= 0x20
        try bytes.write(to: segment)
        try await TestApp(data: data).run { client in
            let bad = try await client.send(.post, "/v1/stores/bad/recall", Self.query)
            #expect(bad.status == 503 && bad.detail.contains("failed recovery") && bad.detail.contains("checksum"), "\(bad.text)")
            #expect(try await client.send(.get, "/v1/stores/bad").status == 503)
            #expect(try await client.send(.delete, "/v1/stores/bad").status == 503)
            #expect(try await client.send(.post, "/v1/stores/good/recall", Self.query).status == 200)
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == 200 && ready.object["status"] as? String == "degraded" && (ready.object["failed"] as? [String: String])?["bad"] != nil)
        }
    }

    /// Until recovery is done, `/readyz` is 503 "recovering" and store routes answer 503; `/healthz` is up.
    @Test func recoveringServerIsNotReady() async throws {
        let service = EngramService(stores: StoreHost(), recalls: ComputePool(width: 1), metrics: ServerMetrics(), openAPI: try EngramService.bundledOpenAPI())
        let app = TestApp(service: service)
        try await app.run { client in
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == 503 && ready.object["status"] as? String == "recovering")
            #expect(try await client.send(.get, "/healthz").status == 200)
            let store = try await client.send(.get, "/v1/stores")
            #expect(store.status == 503 && store.detail.contains("recovering"))
        }
    }
}

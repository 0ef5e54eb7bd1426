import Foundation
import HTTPTypes
import TestSupport
import Testing
@testable import Server
@testable import Store

@Suite struct OperationsRouteTests {
    @Test func healthAndReadiness() async throws {
        try await TestApp().run { client in
            let health = try await client.send(.get, "/healthz")
            #expect(health.status == 200 && health.object["status"] as? String == "ok")
            try await client.send(.put, "/v1/stores/a", ["kind": "mrdam", "dim": 2, "beta": 1])
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == 200 && ready.object["status"] as? String == "ready" && ready.object["stores"] as? Int == 1)
        }
    }

    /// Damage whose store cannot be told (the destroyed header of a store's create) makes `/readyz`
    /// "degraded" and says what it is.
    @Test func unattributedDamageIsDegraded() async throws {
        let directory = try await Self.damagedLog()
        try await TestApp(data: directory.url).run { client in
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == 200 && ready.object["status"] as? String == "degraded", "\(ready.text)")
            #expect((ready.object["unattributed"] as? [String])?.count == 1, "\(ready.text)")
        }
    }

    /// On a server that takes keys, `/readyz` without a valid key gives the status and the counts,
    /// never what failed nor where the data directory is; with a valid key, the details.
    @Test func readinessDetailsNeedAKey() async throws {
        let directory = try await Self.damagedLog()
        let policy = AccessPolicy(keys: [try APIKey(name: "k", secret: "ready-key-0123456789", role: .read, stores: ["other-*"])], metricsPublic: false)
        try await TestApp(data: directory.url, policy: policy).run { client in
            for headers in [[:], [HTTPField.Name("api-key")!: "not-a-key"]] as [HTTPFields] {
                let bare = try await client.send(.get, "/readyz", headers: headers)
                #expect(bare.status == 200 && bare.object["status"] as? String == "degraded" && bare.object["problems"] as? Int == 1, "\(bare.text)")
                #expect(Set(bare.object.keys).isSubset(of: ["status", "stores", "problems"]) && !bare.text.contains(directory.url.lastPathComponent), "\(bare.text)")
            }
            let keyed = try await client.send(.get, "/readyz", headers: [HTTPField.Name("api-key")!: "ready-key-0123456789"])
            #expect((keyed.object["unattributed"] as? [String])?.count == 1, "\(keyed.text)")
        }
    }

    /// A data directory whose log has one store's create with its record header destroyed: damage
    /// whose store cannot be told.
    static func damagedLog() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("unattributed")
        let data = directory.url
        do {
            let app = try TestApp(data: data)
            try await app.run { client in try await client.send(.put, "/v1/stores/lone", ["kind": "mrdam", "dim": 2, "beta": 1]) }
            app.registry.close()
        }
        let segment = data.appendingPathComponent("wal").appendingPathComponent("00000000000000000001.wal")
        var bytes = try Data(contentsOf: segment)
        bytes[6] ^= 0x20
        try bytes.write(to: segment)
        return directory
    }

    /// A full disk is 507 Insufficient Storage, not a 503 that hides what it is.
    @Test func fullDiskIsInsufficientStorage() {
        let problem = ProblemMiddleware<EngramRequestContext>.problem(for: SystemFailure("write", path: "/data/wal/1.wal", errno: ENOSPC))
        #expect(problem.status.code == 507 && problem.detail.contains("full"))
        #expect(ProblemMiddleware<EngramRequestContext>.problem(for: SystemFailure("write", path: "/data/wal/1.wal", errno: EIO)).status.code == 503)
    }

    @Test func metricsCountRequestsStoresMemoriesAndQuerySteps() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/a", ["kind": "mrdam", "dim": 2, "beta": 1])
            try await client.send(.post, "/v1/stores/a/memories", ["memories": [[1, 0], [0, 1], [1, 1]]])
            try await client.send(.post, "/v1/stores/a/recall", ["queries": [[0.5, 0.5], [1, 0]], "depth": 7])
            try await client.send(.get, "/v1/stores/missing")
            let text = (try await client.send(.get, "/metrics")).text
            let lines = Set(text.split(separator: "\n").map(String.init))
            #expect(lines.contains(#"engram_http_requests_total{route="/v1/stores/{name}",method="PUT",status="201"} 1"#), "\(text)")
            #expect(lines.contains(#"engram_http_requests_total{route="/v1/stores/{name}",method="GET",status="404"} 1"#))
            #expect(lines.contains(#"engram_http_requests_total{route="/v1/stores/{name}/recall",method="POST",status="200"} 1"#))
            #expect(lines.contains { $0.hasPrefix(#"engram_http_request_duration_seconds_count{route="/v1/stores/{name}/recall",method="POST"}"#) })
            #expect(lines.contains("engram_recall_query_steps_total 14"))
            #expect(lines.contains("engram_stores 1.0") && lines.contains("engram_memories 3.0"), "\(text)")
        }
    }

    @Test func servesTheSpecVerbatim() async throws {
        try await TestApp().run { client in
            let reply = try await client.send(.get, "/openapi.yaml")
            #expect(reply.status == 200 && reply.contentType == "application/yaml")
            #expect(reply.text == (try OpenAPIDocument.load()).text)
        }
    }

    @Test func unknownRoutesAndMethodsAreProblems() async throws {
        try await TestApp().run { client in
            let reply = try await client.send(.get, "/v2/whatever")
            #expect(reply.status == 404 && reply.contentType == "application/problem+json" && reply.detail.contains("no such route"))
            let patch = try await client.send(.patch, "/v1/stores/a", "{}")
            #expect([404, 405].contains(patch.status) && patch.contentType == "application/problem+json")
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/a", ["kind": "mrdam", "dim": 2, "beta": 1])
            let huge = "{\"memories\": [" + String(repeating: " ", count: EngramRequestContext.maxBodyBytes) + "[1, 2]]}"
            let reply = try await client.send(.post, "/v1/stores/a/memories", huge)
            #expect(reply.status == 413 && reply.contentType == "application/problem+json")
            #expect((try await client.send(.get, "/v1/stores/a")).object["count"] as? Int == 0)
        }
    }

    @Test func everyResponseCarriesARequestID() async throws {
        try await TestApp().run { client in
            let ids = try await [client.send(.get, "/healthz"), client.send(.get, "/nope")].map(\.requestID)
            #expect(ids.allSatisfy { !$0.isEmpty } && Set(ids).count == 2)
        }
    }
}

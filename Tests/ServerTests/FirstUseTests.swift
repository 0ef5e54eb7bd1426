import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import Server
@testable import Store

/// The server tried as a new user would: a wrong method, the version, the limits in force, a port
/// already taken.
@Suite struct FirstUseTests {
    /// A method a path does not take is 405 with `Allow` naming the methods it takes (the routes as
    /// api.md lists them), not 404; a path that does not exist stays 404.
    @Test func aWrongMethodIs405WithAllow() async throws {
        let cases: [(HTTPRequest.Method, String, Set<String>)] = [
            (.delete, "/v1/stores", ["GET"]),
            (.patch, "/v1/stores/x", ["GET", "PUT", "DELETE"]),
            (.get, "/v1/stores/x/recall", ["POST"]),
            (.put, "/v1/stores/x/memories/7", ["GET", "DELETE"]),
            (.post, "/healthz", ["GET"]),
            (.delete, "/v1/info", ["GET"]),
        ]
        try await TestApp().run { client in
            for (method, path, allowed) in cases {
                let reply = try await client.send(method, path)
                let allow = Set((reply.headers[.allow] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                #expect(reply.status == 405 && allow == allowed && reply.contentType == "application/problem+json", "\(method) \(path): \(reply.status) Allow \(allow)")
            }
            #expect(try await client.send(.get, "/v1/nothing").status == 404)
        }
    }

    /// `GET /v1/info` reports the version and every limit in force, each under its flag's name.
    @Test func infoReportsTheVersionAndTheLimits() async throws {
        var limits = Limits()
        limits.maxQueries = 7
        limits.requestTimeout = 2.5
        limits.maxDim = 9
        let flags = [
            "max_body_bytes", "max_snapshot_bytes", "max_body_memory", "max_queries", "max_memories_per_request", "max_depth", "max_trace_entries",
            "max_recall_bytes", "max_queued_recalls", "request_timeout", "max_stores", "max_dim", "max_features", "max_feature_entries",
            "max_memories_per_store", "max_store_bytes", "max_total_bytes", "idle_timeout", "header_timeout", "body_timeout", "max_connections",
            "max_body_memory", "max_snapshot_disk_bytes",
        ]
        try await TestApp(limits: limits).run { client in
            let info = try await client.send(.get, "/v1/info")
            #expect(info.status == 200 && info.object["version"] as? String == "0.1.0", "\(info.text)")
            let reported = info.object["limits"] as? [String: Any] ?? [:]
            #expect(Set(reported.keys) == Set(flags), "\(reported.keys.sorted())")
            #expect(reported["max_queries"] as? Int == 7 && reported["max_dim"] as? Int == 9 && reported["request_timeout"] as? Double == 2.5)
            #expect(reported["max_body_bytes"] as? Int == 64 << 20 && reported["header_timeout"] as? Int == 10, "\(reported)")
            #expect(reported["max_snapshot_disk_bytes"] as? Int == 17_179_869_184 && (reported["max_body_memory"] as? Int ?? 0) >= 64 << 20, "\(reported)")
        }
    }

    /// `engram --version` prints the version /v1/info reports, which openapi.yaml's info states too.
    @Test func versionIsPrinted() throws {
        let printed = try EngramProcess.engram(["--version"])
        #expect(printed.status == 0 && printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0", "\(printed.output)")
        #expect(try OpenAPIDocument.load().text.contains("\n  version: 0.1.0\n"))
    }

    /// A port already in use: the server says which host and port, and that it is taken, in one line.
    @Test func aPortInUseIsNamed() throws {
        let first = try ServerProcess(arguments: ["--log-level", "notice"])
        let port = first.base.port!
        let data = try TemporaryDirectory("second")
        let second = try EngramProcess.engram(["serve", "--host", "127.0.0.1", "--port", "\(port)", "--data", data.url.path, "--log-level", "notice"])
        #expect(second.status != 0 && second.output.contains("cannot listen on 127.0.0.1 port \(port)") && second.output.contains("already in use"), "\(second.output)")
        #expect(first.stop() == 0)
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport
@testable import Server

/// The built server as an operator runs it: protected mode, absurd requests under an address-space
/// limit, HTTPS, and recalls that stop when their client goes away.
@Suite(.serialized) struct ProtectionTests {
    /// On a non-loopback address with no key the server refuses to start and says how to set one; with
    /// a key, or with --insecure-no-auth (logged as a warning), it starts.
    @Test func protectedMode() throws {
        let data = try TemporaryDirectory("protected")
        let refused = try EngramProcess.engram(["serve", "--host", "0.0.0.0", "--port", "0", "--data", data.url.path])
        #expect(refused.status != 0 && refused.output.contains("refusing to serve on 0.0.0.0 without an API key") && refused.output.contains("ENGRAM_API_KEY"), "\(refused.output)")
        // Started on loopback: the same checks pass when the host is a loopback address or a key is set.
        for (arguments, environment, warning) in [(["--insecure-no-auth"], [String: String](), true), ([], ["ENGRAM_API_KEY": "k-0123456789abcdef"], false)] {
            let server = try ServerProcess(arguments: arguments + ["--log-level", "notice"], environment: environment)
            #expect(server.transcript.contains("serving without API keys") == warning, "\(server.transcript)")
            #expect(server.stop() == 0)
        }
    }

    /// Under a 4 GiB address-space limit, requests that would need far more are refused with a 4xx
    /// and the server stays up: the issue's 50 000 queries × depth 100 000, a 64 MiB body of tiny
    /// rows, 2^40 features, a huge dimension.
    @Test func absurdRequestsUnderAnAddressSpaceLimit() async throws {
        let server = try ServerProcess(arguments: ["--log-level", "notice"], launcher: ["/usr/bin/prlimit", "--as=4294967296", "--"])
        try await server.waitUntilReady()
        #expect(try await server.send("PUT", "v1/stores/tiny", ["kind": "mrdam", "dim": 2, "beta": 1]).status == 201)
        #expect(try await server.send("POST", "v1/stores/tiny/memories", ["memories": [[1, 0], [0, 1]]]).status == 200)
        let recall = Data((#"{"queries": ["# + Array(repeating: "[0.5,0.5]", count: 50_000).joined(separator: ",") + #"], "depth": 100000, "trace": false}"#).utf8)
        let rows = "[0.5,0.5],"
        var tiny = Data(#"{"memories": ["#.utf8)
        tiny.append(Data(String(repeating: rows, count: (64 << 20) / rows.utf8.count - 10).utf8))
        tiny.append(Data("[0.5,0.5]]}".utf8))
        let absurd: [(String, String, Any)] = [
            ("POST", "v1/stores/tiny/recall", recall),
            ("POST", "v1/stores/tiny/memories", tiny),
            ("PUT", "v1/stores/wide", ["kind": "drdam", "dim": 3, "beta": 1, "features": 1_099_511_627_776]),
            ("PUT", "v1/stores/deep", ["kind": "mrdam", "dim": 2_147_483_647, "beta": 1]),
            ("PUT", "v1/stores/omega", ["kind": "drdam", "dim": 65_536, "beta": 1, "features": 1_048_576]),
        ]
        for (method, path, body) in absurd {
            let reply = try await server.send(method, path, body, timeout: 120)
            #expect((400..<500).contains(reply.status), "\(method) \(path): \(reply.status) \(reply.text.prefix(300))")
            #expect(try await server.send("GET", "healthz").status == 200, "still up after \(path)")
        }
        // The 64 MiB body of tiny rows streams into contiguous floats and stops at the
        // memories-per-request limit: nothing was added.
        let info = try await server.send("GET", "v1/stores/tiny")
        #expect(info.status == 200 && info.object["count"] as? Int == 2, "\(server.transcript.suffix(2000))")
        #expect(server.stop() == 0)
    }

    /// With --tls-cert and --tls-key the server speaks HTTPS (checked with curl against the
    /// certificate made here) and refuses plain HTTP.
    @Test func https() throws {
        let directory = try TemporaryDirectory("tls")
        let (cert, key) = try Self.certificate(in: directory)
        let server = try ServerProcess(arguments: ["--tls-cert", cert, "--tls-key", key, "--log-level", "notice"])
        #expect(server.base.scheme == "https")
        let health = try EngramProcess.run(["/usr/bin/curl", "-sS", "--max-time", "10", "--cacert", cert, server.base.appendingPathComponent("healthz").absoluteString])
        #expect(health.status == 0 && health.output.contains("\"ok\""), "\(health.output)")
        let plain = try EngramProcess.run(["/usr/bin/curl", "-sS", "--max-time", "10", "http://\(server.base.host!):\(server.base.port!)/healthz"])
        #expect(plain.status != 0 || !plain.output.contains("\"ok\""), "plain HTTP must not be served: \(plain.output)")
        #expect(server.stop() == 0)
    }

    /// A self-signed RSA certificate for 127.0.0.1 and localhost, and its key, made with openssl in
    /// `directory`: the paths of their PEM files.
    static func certificate(in directory: TemporaryDirectory) throws -> (cert: String, key: String) {
        let cert = directory.file("cert.pem").path, key = directory.file("key.pem").path
        let made = try EngramProcess.run(["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                                          "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        try #require(made.status == 0, "\(made.output)")
        return (cert, key)
    }

    /// TLS 1.2 at least, with forward-secret AEAD suites only: openssl's client forcing TLS 1.1, or
    /// offering TLS 1.2 with static-RSA suites alone, gets no answer to `GET /healthz`; TLS 1.2 with an
    /// ECDHE-GCM suite and TLS 1.3 do. (The client's security level is lowered so that it offers what
    /// it is told to: the server alone refuses.)
    @Test func tlsVersionsAndSuites() throws {
        let directory = try TemporaryDirectory("tls")
        let (cert, key) = try Self.certificate(in: directory)
        let server = try ServerProcess(arguments: ["--tls-cert", cert, "--tls-key", key, "--log-level", "notice"])
        func health(_ options: String) throws -> String {
            let request = #"printf 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'"#
            let command = "\(request) | /usr/bin/openssl s_client -quiet -connect 127.0.0.1:\(server.base.port!) \(options) 2>&1"
            return try EngramProcess.run(["/bin/sh", "-c", command]).output
        }
        for refused in ["-tls1_1 -cipher DEFAULT:@SECLEVEL=0", "-tls1_2 -cipher AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:@SECLEVEL=0"] {
            let answer = try health(refused)
            #expect(!answer.contains(#""ok""#), "\(refused): served \(answer)")
        }
        for served in ["-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256", "-tls1_3"] {
            let answer = try health(served)
            #expect(answer.contains(#""ok""#), "\(served): \(answer)")
        }
        #expect(server.stop() == 0)
    }

    /// A recall whose client disconnects stops computing (within one descent step): the server logs
    /// it stopped before its 100 000 steps and counts it cancelled, and serves on.
    @Test func disconnectStopsTheRecall() async throws {
        let server = try ServerProcess(arguments: ["--log-level", "debug"])
        try await server.waitUntilReady()
        let memories: [[Float]] = (0..<512).map { i in (0..<64).map { j in Float((i * 31 + j * 17) % 13) / 13 } }
        _ = try await server.send("PUT", "v1/stores/long", ["kind": "mrdam", "dim": 64, "beta": 1])
        _ = try await server.send("POST", "v1/stores/long/memories", ["memories": memories])
        let body = try JSONSerialization.data(withJSONObject: ["queries": Array(memories.prefix(32)), "depth": 100_000, "trace": false])
        let bodyFile = server.data.appendingPathComponent("recall.json")
        try body.write(to: bodyFile)
        let client = try EngramProcess.run(["/usr/bin/curl", "-sS", "--max-time", "1", "-X", "POST", "--data-binary", "@\(bodyFile.path)",
                                            server.base.appendingPathComponent("v1/stores/long/recall").absoluteString])
        #expect(client.status != 0, "the client gave up after 1 s: \(client.output)")
        let stopped = try #require(await server.waitForOutput(#"[^\n]*recall stopped[^\n]*"#), "\(server.transcript)")
        #expect(stopped.contains("closed the connection"), "\(stopped)")
        let steps = try #require(stopped.firstMatch(of: /steps=(\d+)/).flatMap { Int($0.1) }, "\(stopped)")
        #expect(steps < 100_000, "stopped before the end of its descent")
        #expect(try await server.send("GET", "metrics").text.contains("engram_recalls_cancelled_total 1"), "the recall was counted cancelled")
        #expect(try await server.send("GET", "healthz").status == 200)
        #expect(server.stop() == 0)
    }
}

import Core
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Server

/// The built `engram serve` on an ephemeral loopback port, over real HTTP.
@Suite(.serialized) struct EndToEndTests {
    /// A running server process and its base URL.
    final class Server: @unchecked Sendable {
        let process = Process()
        let output = Pipe()
        let base: URL
        let data: URL

        init() throws {
            data = FileManager.default.temporaryDirectory.appendingPathComponent("engram-e2e-\(UUID().uuidString)")
            process.executableURL = Engram.binary
            process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data", data.path]
            process.standardOutput = output
            process.standardError = output
            try process.run()
            var seen = ""
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
                if let range = seen.range(of: #"listening on (http://127\.0\.0\.1:\d+)"#, options: .regularExpression) {
                    let url = String(seen[range].dropFirst("listening on ".count))
                    base = URL(string: url)!
                    return
                }
            }
            process.terminate()
            throw CommandFailure("the server did not report its address: \(seen)")
        }

        /// Sends JSON and returns the status and the parsed body.
        func send(_ method: String, _ path: String, _ body: Any? = nil) async throws -> TestApp.Reply {
            var request = URLRequest(url: base.appendingPathComponent(path))
            request.httpMethod = method
            request.timeoutInterval = 60
            if let body {
                request.httpBody = try JSONSerialization.data(withJSONObject: body)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = response as! HTTPURLResponse
            return TestApp.Reply(
                status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "",
                requestID: http.value(forHTTPHeaderField: "X-Request-Id") ?? "", text: String(decoding: data, as: UTF8.self),
                json: try? JSONSerialization.jsonObject(with: data))
        }

        /// Sends SIGTERM and waits for the exit status.
        func stop() -> Int32 {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: data)
            return process.terminationStatus
        }
    }

    @Test func serveRecallAndStopGracefully() async throws {
        let server = try Server()
        let memories: [[Float]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.6, 0.6, 0]]
        #expect(try await server.send("GET", "healthz").status == 200)
        #expect(try await server.send("PUT", "v1/stores/e2e", ["kind": "mrdam", "dim": 3, "beta": 4]).status == 201)
        #expect(try await server.send("POST", "v1/stores/e2e/memories", ["memories": memories]).status == 200)
        let reply = try await server.send("POST", "v1/stores/e2e/recall", ["queries": [[0.9, 0.2, 0.1]], "depth": 50, "clamp": [false, false, true]])
        #expect(reply.status == 200)
        let model = try ExactMemory(memories: Matrix(rowArrays: memories, cols: 3), beta: 4)
        let expected = try Descent.run(model, queries: Matrix(rowArrays: [[0.9, 0.2, 0.1]], cols: 3),
                                       parameters: DescentParameters(depth: 50), clamp: .shared([false, false, true]))
        let result = (reply.object["results"] as? [[String: Any]])?.first ?? [:]
        #expect(floats(result["state"]) == expected.states.row(0))
        #expect(floats(result["energies"]) == expected.trace(0))
        let problem = try await server.send("POST", "v1/stores/e2e/recall", ["queries": [[1, 2]]])
        #expect(problem.status == 422 && (problem.object["detail"] as? String)?.contains("dimension 3") == true)
        #expect(server.stop() == 0)
    }

    /// SIGTERM during a recall: the recall's response still arrives, then the process exits 0.
    @Test func inFlightRequestsFinishOnSIGTERM() async throws {
        let server = try Server()
        let memories: [[Float]] = (0..<256).map { i in (0..<64).map { j in Float((i * 7 + j * 3) % 11) / 11 } }
        _ = try await server.send("PUT", "v1/stores/long", ["kind": "mrdam", "dim": 64, "beta": 1])
        _ = try await server.send("POST", "v1/stores/long/memories", ["memories": memories])
        let recall = Task {
            let reply = try await server.send("POST", "v1/stores/long/recall", ["queries": Array(memories.prefix(8)), "depth": 100_000, "trace": false])
            return (reply, Date())
        }
        try await Task.sleep(for: .milliseconds(300))
        let signalled = Date()
        server.process.terminate()
        let (reply, answered) = try await recall.value
        #expect(answered > signalled, "the recall must still be running when SIGTERM arrives, or this proves nothing")
        #expect(reply.status == 200 && (reply.object["results"] as? [Any])?.count == 8)
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
    }
}

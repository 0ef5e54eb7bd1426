import Foundation

/// This executable's `engram serve` on an ephemeral loopback port, for `engram bench --service`, with
/// the two stores the benchmark loads: `mrdam` (K = 1000) and `drdam` (sincos, Y = 4096, 1000 memories
/// added), D = 784.
final class BenchServer {
    private let process = Process()
    private let log: URL
    /// `http://127.0.0.1:PORT`.
    private(set) var base = ""
    /// The port it listens on.
    private(set) var port = 0
    /// The memories [1000, D] both stores hold, and their β.
    static let memories = Benchmark.data(rows: 1000, cols: ServiceBenchmark.dim, stream: 1)
    static let beta: Float = 0.05

    /// Starts the server on `data` with `arguments` and waits for it to say where it listens.
    init(data: URL, arguments: [String]) throws {
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        log = data.appendingPathComponent("server.log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw BenchFailure("cannot create \(log.path)") }
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path), let path = Bundle.main.executablePath {
            process.executableURL = URL(fileURLWithPath: path)
        }
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data", data.appendingPathComponent("stores").path, "--log-level", "notice"] + arguments
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                base = String(text[range].dropFirst("listening on ".count))
                port = Int(base.split(separator: ":").last ?? "") ?? 0
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop()
        throw BenchFailure("the server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// Waits for recovery, then creates and fills the two stores.
    func setUp() async throws {
        for _ in 0..<200 {
            if (try? send("GET", "/readyz")) == 200 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let memories = Self.memories
        let rows = (0..<memories.rows).map { memories.row($0).map(Double.init) }
        for (name, configuration) in [("mrdam", ["kind": "mrdam", "dim": ServiceBenchmark.dim, "beta": Double(Self.beta)] as [String: Any]),
                                      ("drdam", ["kind": "drdam", "dim": ServiceBenchmark.dim, "beta": Double(Self.beta), "kernel": "sincos", "features": 4096, "seed": 7])] {
            for (method, path, body) in [("PUT", "/v1/stores/\(name)", configuration), ("POST", "/v1/stores/\(name)/memories", ["memories": rows])] {
                let status = try send(method, path, body)
                guard (200..<300).contains(status) else { throw BenchFailure("\(method) \(path) answered \(status)") }
            }
        }
    }

    /// The status of one JSON request.
    private func send(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> Int {
        try LoopbackHTTP.status(port: port, method, path, json: try body.map { try JSONSerialization.data(withJSONObject: $0) })
    }

    /// Stops the server (SIGTERM, then waits).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

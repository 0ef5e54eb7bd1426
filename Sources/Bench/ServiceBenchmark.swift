import Core
import Formats
import Foundation

/// `engram bench --service`: this executable's server on a loopback port, loaded by `wrk` with
/// single-query recalls (D = 784, depth 10) on an mrdam store of K = 1000 and a drdam store of
/// Y = 4096, at 1, 16 and 64 connections, batching on and off, JSON and `.npy` bodies; the same
/// server's `/healthz` rate in the same run is the ceiling of the HTTP path on this machine.
package struct ServiceBenchmark {
    /// Seconds of load per figure.
    let duration: Int
    /// Extra `engram serve` arguments (e.g. `--compute-threads 1`).
    let serveArguments: [String]

    static let connections = [1, 16, 64]
    static let dim = 784, depth = 10

    /// One figure: requests/s and latency percentiles, with the responses that were not 2xx.
    struct Load {
        var requestsPerSecond: Double
        var p50: String
        var p99: String
        var failures: Int
    }

    package init(duration: Int, serveArguments: [String]) {
        self.duration = duration
        self.serveArguments = serveArguments
    }

    package func run() async throws -> String {
        guard let wrk = Self.which("wrk") else { throw BenchFailure("wrk is not installed: apt-get install wrk") }
        var lines = ["service: single-query recalls, D = \(Self.dim), depth 10, \(duration) s per figure; wrk on the same machine; serve \(serveArguments.joined(separator: " "))",
                     "store            codec  batching  conns  requests/s  p50       p99       non-2xx"]
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("engram-bench-service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bodies = try Self.writeBodies(in: scratch)
        var ceiling: [Int: Double] = [:]
        // requests/s by [store, codec, batching, connections].
        var rates: [String: Double] = [:]
        for batching in [true, false] {
            let server = try BenchServer(data: scratch.appendingPathComponent(batching ? "on" : "off"),
                                         arguments: serveArguments + ["--batch-delay", batching ? "300" : "0"])
            defer { server.stop() }
            try await server.setUp()
            if batching {
                for c in Self.connections {
                    ceiling[c] = try Self.load(wrk: wrk, url: server.base + "/healthz", script: nil, connections: c, duration: duration).requestsPerSecond
                }
            }
            for store in ["mrdam", "drdam"] {
                for (codec, script) in [("json", bodies.json), ("npy", bodies.npy)] {
                    for c in Self.connections {
                        let load = try Self.load(wrk: wrk, url: server.base + "/v1/stores/\(store)/recall" + (codec == "npy" ? "?depth=\(Self.depth)" : ""),
                                                 script: script, connections: c, duration: duration)
                        let size = store == "mrdam" ? "K=1000" : "Y=4096"
                        rates["\(store) \(codec) \(batching) \(c)"] = load.requestsPerSecond
                        lines.append(["\(store) \(size)".padded(16), codec.padded(6), (batching ? "on" : "off").padded(9), "\(c)".padded(6),
                                      String(format: "%.0f", load.requestsPerSecond).padded(11), load.p50.padded(9), load.p99.padded(9),
                                      "\(load.failures)"].joined(separator: " "))
                    }
                }
            }
        }
        lines.append("ceiling: GET /healthz " + Self.connections.map { "\($0) conns \(String(format: "%.0f", ceiling[$0] ?? 0))/s" }.joined(separator: ", "))
        for store in ["mrdam", "drdam"] {
            let ratios = ["json", "npy"].map { codec in
                "\(codec) " + String(format: "%.2f×", (rates["\(store) \(codec) true 64"] ?? 0) / (rates["\(store) \(codec) false 64"] ?? .infinity))
            }
            lines.append("batching on / off at 64 conns, \(store): " + ratios.joined(separator: ", "))
        }
        let inProcess = try Self.inProcessQuerySteps()
        for codec in ["json", "npy"] {
            let served = (rates["mrdam \(codec) true 16"] ?? 0) * Double(Self.depth)
            lines.append("mrdam K=1000, 16 conns, \(codec), batching on: \(String(format: "%.0f", served)) query-steps/s; in-process Descent.run at B = 16 on "
                         + "\(ProcessInfo.processInfo.activeProcessorCount) threads: \(String(format: "%.0f", inProcess)); ratio \(String(format: "%.2f", served / inProcess))")
        }
        return lines.joined(separator: "\n")
    }

    /// Query-steps per second of `Descent.run` at B = 16, depth 10, on every core, on the mrdam store's
    /// model (`BenchServer`'s memories and β), the best of five descents.
    private static func inProcessQuerySteps() throws -> Double {
        let model = try ExactMemory(memories: BenchServer.memories, beta: BenchServer.beta)
        let queries = Benchmark.data(rows: 16, cols: dim, stream: 2)
        let parameters = DescentParameters(depth: depth), threads = ProcessInfo.processInfo.activeProcessorCount
        _ = try Descent.run(model, queries: queries, parameters: parameters, threads: threads)
        let seconds = try Stopwatch.fastest(5) { _ = try Descent.run(model, queries: queries, parameters: parameters, threads: threads) }
        return Double(queries.rows * depth) / seconds
    }

    /// The wrk scripts posting one query as JSON and as `.npy` (asking for a `.npy` answer).
    private static func writeBodies(in directory: URL) throws -> (json: URL, npy: URL) {
        let query = Benchmark.data(rows: 1, cols: dim, stream: 2).values
        let json = directory.appendingPathComponent("query.json"), npy = directory.appendingPathComponent("query.npy")
        try JSONSerialization.data(withJSONObject: ["queries": [query.map(Double.init)], "depth": depth]).write(to: json)
        try NPYArray.encode(float32: query, shape: [1, dim]).write(to: npy)
        func script(_ body: URL, type: String) throws -> URL {
            // The answer comes in the same codec as the question.
            let accept = type == "application/json" ? "" : "\nwrk.headers[\"Accept\"] = \"\(type)\""
            let url = body.appendingPathExtension("lua")
            try """
                wrk.method = "POST"
                local f = io.open("\(body.path)", "rb")
                wrk.body = f:read("*a")
                f:close()
                wrk.headers["Content-Type"] = "\(type)"\(accept)
                """.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        return (try script(json, type: "application/json"), try script(npy, type: "application/x-npy"))
    }

    /// Runs wrk against `url` and reads its summary.
    private static func load(wrk: String, url: String, script: URL?, connections: Int, duration: Int) throws -> Load {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t", "\(min(connections, 2))", "-c", "\(connections)", "-d", "\(duration)s", "--latency", "--timeout", "10s"]
            + (script.map { ["-s", $0.path] } ?? []) + [url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        func field(_ pattern: String) -> String? {
            guard let range = text.range(of: pattern, options: .regularExpression) else { return nil }
            return text[range].split(separator: " ", omittingEmptySubsequences: true).last.map(String.init)
        }
        guard let rate = field(#"Requests/sec:\s+[0-9.]+"#).flatMap(Double.init) else { throw BenchFailure("wrk printed no rate: \(text)") }
        return Load(requestsPerSecond: rate, p50: field(#"50%\s+[0-9.]+[a-z]+"#) ?? "-", p99: field(#"99%\s+[0-9.]+[a-z]+"#) ?? "-",
                    failures: field(#"Non-2xx or 3xx responses:\s+[0-9]+"#).flatMap(Int.init) ?? 0)
    }

    static func which(_ tool: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

}

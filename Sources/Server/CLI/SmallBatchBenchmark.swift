import Core
import Foundation

/// `engram bench --small`: descent steps of a few queries (D = 784; mrdam K = 1000, drdam sincos
/// Y = 4096) against the numpy descent of `bench/numpy_descent.py` measured in the same run, with the
/// bandwidth each step implies (the two products read Ξ or Ω once each: 2·4·K·D bytes a step).
struct SmallBatchBenchmark {
    /// Timed runs per figure; the fastest counts.
    let repeats: Int
    /// The numpy script; not run when it is missing.
    let numpyScript: URL

    static let batches = [1, 2, 4, 8, 16, 32, 64]
    static let dim = 784, depth = 10

    /// One line of the table.
    struct Row {
        var kind: String
        var size: Int
        var batch: Int
        /// Engram's time per descent step.
        var seconds: Double
        /// numpy's time per step, with BLAS's default threads and with one.
        var numpy: Double?
        var numpyOneThread: Double?
    }

    func run() throws -> String {
        let numpy = Self.numpyTimes(script: numpyScript, oneThread: false)
        let numpyOne = Self.numpyTimes(script: numpyScript, oneThread: true)
        var rows: [Row] = []
        let exact = try ExactMemory(memories: Benchmark.data(rows: 1000, cols: Self.dim, stream: 1), beta: 0.05)
        let features = try RandomFeatures(kind: .sincos, dim: Self.dim, count: 4096, beta: 0.05, seed: 7)
        var distributed = try DistributedMemory(features: features)
        try distributed.add(Benchmark.data(rows: 1000, cols: Self.dim, stream: 1))
        for b in Self.batches {
            rows.append(Row(kind: "mrdam", size: 1000, batch: b, seconds: try perStep(exact, batch: b),
                            numpy: numpy?[["mrdam", "\(b)"]], numpyOneThread: numpyOne?[["mrdam", "\(b)"]]))
            rows.append(Row(kind: "drdam", size: 4096, batch: b, seconds: try perStep(distributed, batch: b),
                            numpy: numpy?[["drdam", "\(b)"]], numpyOneThread: numpyOne?[["drdam", "\(b)"]]))
        }
        return table(rows, numpyFound: numpy != nil)
    }

    private func table(_ rows: [Row], numpyFound: Bool) -> String {
        var lines = [
            "small batches: D = \(Self.dim), \(Self.depth) steps, best of \(repeats); BLAS threads \(BLAS.threads), transcendentals \(VectorMath.vectorBits)-bit; "
                + "batches of at most \(RowProducts.smallBatchLimit) use the small-batch loops (one thread), larger ones GEMM",
            "kind   K/Y    batch  ms/step  GB/s   numpy ms/step  ×numpy  numpy 1-thread  ×numpy",
        ]
        if !numpyFound { lines.append("(numpy not measured: \(numpyScript.path) did not run; install python3 and numpy)") }
        for r in rows {
            let gigabytes = 8 * Double(r.size * Self.dim) / r.seconds / 1e9
            func vs(_ other: Double?) -> [String] {
                guard let other else { return [pad("-", 14), pad("-", 6)] }
                return [pad(String(format: "%.4f", other * 1e3), 14), pad(String(format: "%.2f", other / r.seconds), 6)]
            }
            lines.append(([pad(r.kind, 6), pad("\(r.size)", 6), pad("\(r.batch)", 6), pad(String(format: "%.4f", r.seconds * 1e3), 8),
                           pad(String(format: "%.1f", gigabytes), 6)] + vs(r.numpy) + vs(r.numpyOneThread)).joined(separator: " "))
        }
        lines.append("×numpy = numpy's time / Engram's (above 1: Engram is faster)")
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0) }

    /// The fastest time per step over `repeats` descents of `depth` steps.
    private func perStep<Model: EnergyModel>(_ model: Model, batch: Int) throws -> Double {
        let queries = Benchmark.data(rows: batch, cols: Self.dim, stream: 2)
        let parameters = DescentParameters(alpha: 0.01, depth: Self.depth)
        _ = try Descent.run(model, queries: queries, parameters: parameters)
        var fastest = Double.infinity
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            _ = try Descent.run(model, queries: queries, parameters: parameters)
            let elapsed = ContinuousClock.now - start
            fastest = min(fastest, Double(elapsed.components.attoseconds) * 1e-18 + Double(elapsed.components.seconds))
        }
        return fastest / Double(Self.depth)
    }

    /// numpy's seconds per step by [kind, batch], or nil when the script cannot run.
    static func numpyTimes(script: URL, oneThread: Bool) -> [[String]: Double]? {
        guard FileManager.default.fileExists(atPath: script.path) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, batches.map(String.init).joined(separator: ",")]
        if oneThread {
            var environment = ProcessInfo.processInfo.environment
            environment["OPENBLAS_NUM_THREADS"] = "1"
            environment["OMP_NUM_THREADS"] = "1"
            process.environment = environment
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Report: Decodable {
            struct Result: Decodable { var kind: String; var batch: Int; var seconds_per_step: Double }
            var results: [Result]
        }
        guard process.terminationStatus == 0, let report = try? JSONDecoder().decode(Report.self, from: data) else { return nil }
        return Dictionary(uniqueKeysWithValues: report.results.map { ([$0.kind, "\($0.batch)"], $0.seconds_per_step) })
    }
}

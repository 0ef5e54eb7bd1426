import Core
import Foundation

/// `engram bench --small`: descent steps of a few queries (D = 784; mrdam K = 1000, drdam sincos
/// Y = 4096), on one thread and on every core, against the numpy descent of `bench/numpy_descent.py`
/// measured in the same run with one BLAS thread and with BLAS's default, and the bandwidth each step
/// implies (the two products read Ξ or Ω once each: 2·4·K·D bytes a step); then `ProductCrossover`, the
/// small-batch loops against GEMM per batch size.
package struct SmallBatchBenchmark {
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
        /// Engram's time per descent step, on one thread and on every core.
        var seconds: Double
        var secondsAllCores: Double
        /// numpy's time per step, with BLAS's default threads and with one.
        var numpy: Double?
        var numpyOneThread: Double?
    }

    package init(repeats: Int, numpyScript: URL) {
        self.repeats = repeats
        self.numpyScript = numpyScript
    }

    package func run() throws -> String {
        let numpy = Self.numpyTimes(script: numpyScript, oneThread: false)
        let numpyOne = Self.numpyTimes(script: numpyScript, oneThread: true)
        var rows: [Row] = []
        let exact = try ExactMemory(memories: Benchmark.data(rows: 1000, cols: Self.dim, stream: 1), beta: 0.05)
        let features = try RandomFeatures(kind: .sincos, dim: Self.dim, count: 4096, beta: 0.05, seed: 7)
        var distributed = try DistributedMemory(features: features)
        try distributed.add(Benchmark.data(rows: 1000, cols: Self.dim, stream: 1))
        for b in Self.batches {
            rows.append(Row(kind: "mrdam", size: 1000, batch: b, seconds: try perStep(exact, batch: b, threads: 1),
                            secondsAllCores: try perStep(exact, batch: b, threads: cores),
                            numpy: numpy?[["mrdam", "\(b)"]], numpyOneThread: numpyOne?[["mrdam", "\(b)"]]))
            rows.append(Row(kind: "drdam", size: 4096, batch: b, seconds: try perStep(distributed, batch: b, threads: 1),
                            secondsAllCores: try perStep(distributed, batch: b, threads: cores),
                            numpy: numpy?[["drdam", "\(b)"]], numpyOneThread: numpyOne?[["drdam", "\(b)"]]))
        }
        return table(rows, numpyFound: numpy != nil) + "\n\n" + ProductCrossover(repeats: repeats).run()
    }

    private func table(_ rows: [Row], numpyFound: Bool) -> String {
        var lines = [
            "small batches: D = \(Self.dim), \(Self.depth) steps, best of \(repeats); transcendentals \(VectorMath.vectorBits)-bit; "
                + "batches of at most \(RowProducts.smallBatchLimit) use the small-batch loops, larger ones GEMM",
            "ms per step on 1 thread against numpy with OPENBLAS_NUM_THREADS=1, and on \(cores) threads against numpy as BLAS starts; ×numpy = numpy's time / Engram's",
            "kind   K/Y    batch  1 thread  numpy    ×numpy  \("\(cores) threads".padded(9)) numpy    ×numpy  GB/s",
        ]
        if !numpyFound { lines.append("(numpy not measured: \(numpyScript.path) did not run; install python3 and numpy)") }
        for r in rows {
            // The two products read Ξ or Ω once each: 2·4·K·D bytes a step.
            let gigabytes = 8 * Double(r.size * Self.dim) / r.secondsAllCores / 1e9
            func ms(_ seconds: Double?) -> String { seconds.map { String(format: "%.4f", $0 * 1e3) } ?? "-" }
            func ratio(_ numpy: Double?, _ ours: Double) -> String { numpy.map { String(format: "%.2f", $0 / ours) } ?? "-" }
            lines.append([r.kind.padded(6), "\(r.size)".padded(6), "\(r.batch)".padded(6),
                          ms(r.seconds).padded(9), ms(r.numpyOneThread).padded(8), ratio(r.numpyOneThread, r.seconds).padded(7),
                          ms(r.secondsAllCores).padded(9), ms(r.numpy).padded(8), ratio(r.numpy, r.secondsAllCores).padded(7),
                          String(format: "%.1f", gigabytes)].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    private var cores: Int { ProcessInfo.processInfo.activeProcessorCount }


    /// The fastest time per step over `repeats` descents of `depth` steps.
    private func perStep<Model: EnergyModel>(_ model: Model, batch: Int, threads: Int) throws -> Double {
        let previous = BLAS.threads
        BLAS.threads = threads
        defer { BLAS.threads = previous }
        let queries = Benchmark.data(rows: batch, cols: Self.dim, stream: 2)
        let parameters = DescentParameters(alpha: 0.01, depth: Self.depth)
        _ = try Descent.run(model, queries: queries, parameters: parameters, threads: threads)
        return try Stopwatch.fastest(repeats) { _ = try Descent.run(model, queries: queries, parameters: parameters, threads: threads) }
            / Double(Self.depth)
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

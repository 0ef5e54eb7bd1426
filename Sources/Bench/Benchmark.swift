import Core
import Foundation

/// The measurements behind `engram bench`: one large sgemm for the roof, then batched descent on the
/// four fixed configurations of the issue (D = 784, B = 64).
package struct Benchmark {
    /// Descent steps per timed run.
    let depth: Int
    /// Timed runs per measurement; the fastest counts.
    let repeats: Int

    package init(depth: Int, repeats: Int) {
        self.depth = depth
        self.repeats = repeats
    }

    /// One configuration's figures, as `engram bench --json` prints them.
    struct Result: Codable {
        var kind: String
        var kernel: String?
        var dim: Int
        var memories: Int?
        var features: Int?
        var batch: Int
        var depth: Int
        var query_steps_per_s: Double
        var gflops: Double
        var roof_fraction: Double
    }

    /// The whole report.
    package struct Report: Codable {
        var sgemm_gflops: Double
        var blas_threads: Int
        var vector_bits: Int
        var results: [Result]

        /// A plain-text table of the report.
        package var table: String {
            var lines = [
                "sgemm roof: \(format(sgemm_gflops)) GFLOP/s (2048³, \(blas_threads) BLAS threads; transcendentals \(vector_bits)-bit)",
                "kind    kernel  dim   K/Y     batch  depth  query-steps/s   GFLOP/s  roof",
            ]
            for r in results {
                let size = r.memories ?? r.features ?? 0
                lines.append(
                    [r.kind.padded(7), (r.kernel ?? "-").padded(7), "\(r.dim)".padded(5), "\(size)".padded(7), "\(r.batch)".padded(6), "\(r.depth)".padded(6),
                     format(r.query_steps_per_s).padded(15), format(r.gflops).padded(8), format(r.roof_fraction, digits: 2)].joined(separator: " "))
            }
            return lines.joined(separator: "\n")
        }

        private func format(_ x: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
    }

    package func run() throws -> Report {
        let roof = sgemmRoof(size: 2048)
        let dim = 784, batch = 64
        var results: [Result] = []
        for k in [1000, 10000] {
            let model = try ExactMemory(memories: Self.data(rows: k, cols: dim, stream: 1), beta: 0.05)
            let seconds = try timeDescent(model, batch: batch)
            results.append(result(kind: "mrdam", kernel: nil, dim: dim, memories: k, features: nil, batch: batch, seconds: seconds, roof: roof, size: k))
        }
        for y in [4096, 16384] {
            let features = try RandomFeatures(kind: .sincos, dim: dim, count: y, beta: 0.05, seed: 7)
            var model = try DistributedMemory(features: features)
            try model.add(Self.data(rows: 1000, cols: dim, stream: 1))
            let seconds = try timeDescent(model, batch: batch)
            results.append(result(kind: "drdam", kernel: "sincos", dim: dim, memories: nil, features: y, batch: batch, seconds: seconds, roof: roof, size: y))
        }
        return Report(sgemm_gflops: roof, blas_threads: BLAS.threads, vector_bits: VectorMath.vectorBits, results: results)
    }

    private func result(kind: String, kernel: String?, dim: Int, memories: Int?, features: Int?, batch: Int, seconds: Double, roof: Double, size: Int) -> Result {
        let flop = 4 * Double(batch) * Double(size) * Double(dim) * Double(depth)
        let gflops = flop / seconds / 1e9
        return Result(kind: kind, kernel: kernel, dim: dim, memories: memories, features: features, batch: batch, depth: depth,
                      query_steps_per_s: Double(batch * depth) / seconds, gflops: gflops, roof_fraction: gflops / roof)
    }

    /// The best time of `repeats` descents of `depth` steps for a batch of queries (after a warm-up).
    private func timeDescent<Model: EnergyModel>(_ model: Model, batch: Int) throws -> Double {
        let queries = Self.data(rows: batch, cols: model.dim, stream: 2)
        let parameters = DescentParameters(alpha: 0.01, depth: depth)
        _ = try Descent.run(model, queries: queries, parameters: parameters)
        return try Stopwatch.fastest(repeats) { _ = try Descent.run(model, queries: queries, parameters: parameters) }
    }

    /// GFLOP/s of the fastest of `repeats` sgemms [n, n] × [n, n] (2n³ FLOP each), after a warm-up.
    private func sgemmRoof(size n: Int) -> Double {
        let a = Self.data(rows: n, cols: n, stream: 3)
        var c = Matrix(rows: n, cols: n)
        let multiply = { BLAS.multiply(a, a, into: &c) }
        multiply()
        let seconds = Stopwatch.fastest(repeats, multiply)
        return 2 * pow(Double(n), 3) / seconds / 1e9
    }


    /// A [rows, cols] matrix of uniforms in [0, 1) from Philox stream `stream` (reproducible inputs).
    static func data(rows: Int, cols: Int, stream: UInt32) -> Matrix {
        let generator = Philox(seed: 2024)
        var values = [Float](repeating: 0, count: rows * cols)
        for i in stride(from: 0, to: values.count, by: 4) {
            // Counter i/4 split into its low and high 32-bit words.
            let block = UInt64(i / 4)
            let u = generator.uniforms((UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32), stream, 0))
            for lane in 0..<min(4, values.count - i) { values[i + lane] = Float(u[lane]) }
        }
        return Matrix(rows: rows, cols: cols, values: values)
    }
}

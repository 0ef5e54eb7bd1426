import Core
import Foundation

/// Part of `engram bench --small`: the two products of one descent step (S = X Aᵀ and G = P A, D = 784)
/// by the small-batch loops and by GEMM on one thread, per batch size, for a few row counts; the
/// crossover is the smallest batch from which GEMM is the faster at every larger batch measured,
/// where `RowProducts.smallBatchLimit` belongs.
struct ProductCrossover {
    /// Timed runs per figure; the fastest counts.
    let repeats: Int

    static let batches = [1, 2, 4, 8, 12, 16, 20, 24, 32, 40, 48, 56, 64]
    static let rowCounts = [1_000, 10_000]
    static let dim = 784

    func run() -> String {
        var lines = ["products of one step (S = X Aᵀ, G = P A), D = \(Self.dim), 1 thread, best of \(repeats): ms by the small-batch loops and by GEMM; ×GEMM = GEMM's time / the loops'"]
        lines.append("rows    " + Self.batches.map { "B=\($0)".padded(7) }.joined(separator: " ") + " crossover")
        let previous = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = previous }
        for n in Self.rowCounts {
            let a = Benchmark.data(rows: n, cols: Self.dim, stream: 1)
            var ratios: [Double] = []
            for b in Self.batches {
                let loops = seconds(a, batch: b, path: .smallBatch), gemm = seconds(a, batch: b, path: .gemm)
                ratios.append(gemm / loops)
            }
            let crossover = ratios.indices.first { i in ratios[i...].allSatisfy { $0 < 1 } }.map { "B=\(Self.batches[$0])" } ?? "> \(Self.batches.last!)"
            lines.append("\(n)".padded(7) + " " + ratios.map { String(format: "%.2f", $0).padded(7) }.joined(separator: " ") + " " + crossover)
        }
        return lines.joined(separator: "\n")
    }

    /// The fastest time of both products for `batch` queries over A [n, D] by `path`.
    private func seconds(_ a: Matrix, batch b: Int, path: RowProducts.Path) -> Double {
        let n = a.rows, d = Self.dim
        let x = Benchmark.data(rows: b, cols: d, stream: 2), p = Benchmark.data(rows: b, cols: n, stream: 3)
        var s = [Float](repeating: 0, count: b * n), g = [Float](repeating: 0, count: b * d)
        return a.values.withUnsafeBufferPointer { a in
            x.values.withUnsafeBufferPointer { x in
                p.values.withUnsafeBufferPointer { p in
                    s.withUnsafeMutableBufferPointer { s in
                        g.withUnsafeMutableBufferPointer { g in
                            func both() {
                                RowProducts.scores(x.baseAddress!, queries: b, rows: a.baseAddress!, count: n, dim: d, into: s.baseAddress!, lds: n, path: path)
                                RowProducts.combine(p.baseAddress!, queries: b, ldp: n, rows: a.baseAddress!, count: n, dim: d, into: g.baseAddress!, path: path)
                            }
                            both()
                            return Stopwatch.fastest(repeats, both)
                        }
                    }
                }
            }
        }
    }
}

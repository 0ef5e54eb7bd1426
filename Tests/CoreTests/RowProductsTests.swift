import Testing
import TestSupport
@testable import Core

/// The small-batch products against sums computed here in Double, and their batch invariance: a query's
/// scores and combination are the same bits alone as in any batch, at any position.
@Suite struct RowProductsTests {
    /// Shapes with ragged edges: row counts that are not multiples of the register blocks, dimensions
    /// that are not multiples of the vector width.
    static let shapes: [(rows: Int, dim: Int)] = [(1, 1), (7, 13), (37, 100), (129, 784)]

    /// The small-batch loops of every width this CPU runs, and GEMM.
    static let paths: [(RowProducts.Path, VectorWidth)] = [512, 256, 32].compactMap { VectorWidth(bits: $0) }.map { (.smallBatch, $0) }
        + [(.gemm, .inUse)]

    @Test(arguments: shapes, paths)
    func scoresAndCombinationMatchDoubleSums(shape: (rows: Int, dim: Int), path: (path: RowProducts.Path, width: VectorWidth)) {
        let (n, d) = shape, b = 6
        let a = randomMatrix(rows: n, cols: d, seed: 1), x = randomMatrix(rows: b, cols: d, seed: 2), p = randomMatrix(rows: b, cols: n, seed: 3)
        var s = [Float](repeating: .nan, count: b * n), g = [Float](repeating: .nan, count: b * d)
        a.values.withUnsafeBufferPointer { a in
            x.values.withUnsafeBufferPointer { x in
                s.withUnsafeMutableBufferPointer { s in
                    RowProducts.scores(x.baseAddress!, queries: b, rows: a.baseAddress!, count: n, dim: d, alpha: 0.5, into: s.baseAddress!, lds: n, path: path.path, width: path.width)
                }
            }
            p.values.withUnsafeBufferPointer { p in
                g.withUnsafeMutableBufferPointer { g in
                    RowProducts.combine(p.baseAddress!, queries: b, ldp: n, rows: a.baseAddress!, count: n, dim: d, into: g.baseAddress!, path: path.path, width: path.width)
                }
            }
        }
        for q in 0..<b {
            for r in 0..<n {
                let exact = 0.5 * (0..<d).reduce(0.0) { $0 + Double(x[q, $1]) * Double(a[r, $1]) }
                let scale = 0.5 * (0..<d).reduce(0.0) { $0 + abs(Double(x[q, $1]) * Double(a[r, $1])) }
                #expect(approximatelyEqual(Double(s[q * n + r]), exact, absolute: 1e-6 * Double(d) * scale + 1e-30), "S[\(q), \(r)]")
            }
            for j in 0..<d {
                let exact = (0..<n).reduce(0.0) { $0 + Double(p[q, $1]) * Double(a[$1, j]) }
                let scale = (0..<n).reduce(0.0) { $0 + abs(Double(p[q, $1]) * Double(a[$1, j])) }
                #expect(approximatelyEqual(Double(g[q * d + j]), exact, absolute: 1e-6 * Double(n) * scale + 1e-30), "G[\(q), \(j)]")
            }
        }
    }

    @Test(arguments: [512, 256, 32].compactMap { VectorWidth(bits: $0) })
    func aQueryGetsTheSameBitsAloneAndInAnyBatch(width: VectorWidth) {
        let n = 203, d = 131, b = RowProducts.smallBatchLimit
        let a = randomMatrix(rows: n, cols: d, seed: 4), x = randomMatrix(rows: b, cols: d, seed: 5), p = randomMatrix(rows: b, cols: n, seed: 6)
        func products(from first: Int, count: Int) -> (s: [Float], g: [Float]) {
            var s = [Float](repeating: 0, count: count * n), g = [Float](repeating: 0, count: count * d)
            a.values.withUnsafeBufferPointer { a in
                x.values.withUnsafeBufferPointer { x in
                    p.values.withUnsafeBufferPointer { p in
                        RowProducts.scores(x.baseAddress! + first * d, queries: count, rows: a.baseAddress!, count: n, dim: d, into: &s, lds: n, width: width)
                        RowProducts.combine(p.baseAddress! + first * n, queries: count, ldp: n, rows: a.baseAddress!, count: n, dim: d, into: &g, width: width)
                    }
                }
            }
            return (s, g)
        }
        let whole = products(from: 0, count: b)
        for (first, count) in [(0, 1), (5, 1), (b - 1, 1), (2, 3), (3, 5), (8, 8)] {
            let part = products(from: first, count: count)
            #expect(part.s.bitPatterns == Array(whole.s[(first * n)..<((first + count) * n)]).bitPatterns, "scores of queries \(first)..<\(first + count)")
            #expect(part.g.bitPatterns == Array(whole.g[(first * d)..<((first + count) * d)]).bitPatterns, "combination of queries \(first)..<\(first + count)")
        }
    }
}

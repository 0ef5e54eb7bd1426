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

    /// A and X beyond every tile of the loops: 300 rows (dot tiles of 8, combine tiles of 256 rows)
    /// and 300 columns (combine tiles of 16 vectors: 19 at 512 bits), the limit's queries.
    static let n = 300, d = 300, b = RowProducts.smallBatchLimit
    static let a = randomMatrix(rows: n, cols: d, seed: 4), x = randomMatrix(rows: b, cols: d, seed: 5), p = randomMatrix(rows: b, cols: n, seed: 6)

    /// S and G of the queries first..<first+count, by the small-batch loops of `width` on `threads` threads.
    static func products(from first: Int, count: Int, width: VectorWidth, threads: Int = 1) -> (s: [Float], g: [Float]) {
        var s = [Float](repeating: .nan, count: count * n), g = [Float](repeating: .nan, count: count * d)
        a.values.withUnsafeBufferPointer { a in
            x.values.withUnsafeBufferPointer { x in
                p.values.withUnsafeBufferPointer { p in
                    RowProducts.scores(x.baseAddress! + first * d, queries: count, rows: a.baseAddress!, count: n, dim: d, into: &s, lds: n,
                                       path: .smallBatch, width: width, threads: threads)
                    RowProducts.combine(p.baseAddress! + first * n, queries: count, ldp: n, rows: a.baseAddress!, count: n, dim: d, into: &g,
                                        path: .smallBatch, width: width, threads: threads)
                }
            }
        }
        return (s, g)
    }

    /// Every batch size up to the limit, at the start, middle and end of the whole batch.
    @Test(arguments: [512, 256, 32].compactMap { VectorWidth(bits: $0) })
    func aQueryGetsTheSameBitsAloneAndInAnyBatch(width: VectorWidth) {
        let n = Self.n, d = Self.d, b = Self.b
        let whole = Self.products(from: 0, count: b, width: width)
        for count in 1...b {
            for first in Set([0, (b - count) / 2, b - count]) {
                let part = Self.products(from: first, count: count, width: width)
                #expect(part.s.bitPatterns == Array(whole.s[(first * n)..<((first + count) * n)]).bitPatterns, "scores of queries \(first)..<\(first + count)")
                #expect(part.g.bitPatterns == Array(whole.g[(first * d)..<((first + count) * d)]).bitPatterns, "combination of queries \(first)..<\(first + count)")
            }
        }
    }

    /// Split over 2, 3 or 7 threads (rows of A for S, columns for G), the products are those of one thread.
    @Test(arguments: [512, 256, 32].compactMap { VectorWidth(bits: $0) })
    func anyThreadSplitGivesTheSameBits(width: VectorWidth) {
        for count in [1, 4, 5, 16, Self.b] {
            let one = Self.products(from: 0, count: count, width: width)
            for threads in [2, 3, 7] {
                let split = Self.products(from: 0, count: count, width: width, threads: threads)
                #expect(split.s.bitPatterns == one.s.bitPatterns, "scores of \(count) queries on \(threads) threads")
                #expect(split.g.bitPatterns == one.g.bitPatterns, "combination of \(count) queries on \(threads) threads")
            }
        }
    }
}

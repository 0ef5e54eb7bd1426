import CVectorMath
import Dispatch

/// The two products of a descent step over a row matrix A [n, d] (Ξ for MrDAM, Ω for DrDAM) for a
/// batch X [b, d]: the scores S = α X Aᵀ [b, n] and the combination G = P A [b, d] of a weight matrix
/// P [b, n].
///
/// A batch of at most `smallBatchLimit` queries uses CVectorMath's small-batch loops: they read A once
/// per 16 queries without BLAS's packing (which costs as much as the product itself at b = 1), and
/// each output is computed by the same operations whatever the batch around it, so a query's descent
/// is bit for bit the same alone or batched with others of that size. Larger batches use GEMM.
///
/// On `threads` > 1 the small-batch loops split A, not the queries, so that A is read once in all:
/// the scores by rows of A (each thread computes whole outputs S[·, r]) and the combination by
/// columns (each thread sums all n rows for its columns in the same order), so every output is
/// computed by the same operations as on one thread, bit for bit.
package enum RowProducts {
    /// The most queries the small-batch loops take, and so the largest batch whose queries get the bits
    /// they get alone. `engram bench --small` prints where GEMM starts to win on one thread (D = 784,
    /// docs/benchmarks.md): past B = 64 at K = 1 000 (Ξ in L3), from about B = 16–24 at K = 10 000
    /// (Ξ streamed from memory, GEMM up to 1.5× faster at B = 32); 32 sits between the two.
    package static let smallBatchLimit = 32

    /// The size of A, in bytes, past which a descent on several threads splits A (`threads` here)
    /// rather than its queries (`Descent.run`): beyond the last-level cache (32 MiB on the EPYC this
    /// is measured on), every thread reading all of A would multiply the memory traffic that binds.
    package static let splitRowsBeyondBytes = 32 << 20

    /// Which loops compute a product.
    package enum Path: Sendable {
        /// The small-batch loops up to `smallBatchLimit` queries, GEMM beyond.
        case automatic
        /// Always the small-batch loops.
        case smallBatch
        /// Always GEMM.
        case gemm

        func usesSmallBatch(queries b: Int) -> Bool {
            switch self {
            case .automatic: b <= RowProducts.smallBatchLimit
            case .smallBatch: true
            case .gemm: false
            }
        }
    }

    /// S [b, n] (row stride `lds`) = α X Aᵀ for X [b, d] and A [n, d]; `width`: the small-batch loops to run,
    /// on `threads` threads (each a share of A's rows).
    package static func scores(
        _ x: UnsafePointer<Float>, queries b: Int, rows a: UnsafePointer<Float>, count n: Int, dim d: Int, alpha: Float = 1,
        into s: UnsafeMutablePointer<Float>, lds: Int, path: Path = .automatic, width: VectorWidth = .inUse, threads: Int = 1
    ) {
        guard b > 0, n > 0 else { return }
        if path.usesSmallBatch(queries: b) {
            inParts(of: n, threads: threads) { rows in
                engram_batch_dot(Int32(width.bits), a + rows.lowerBound * d, rows.count, x, b, d, alpha, s + rows.lowerBound, lds)
            }
        } else {
            BLAS.gemm(transB: true, m: b, n: n, k: d, alpha: alpha, a: x, lda: d, b: a, ldb: d, beta: 0, c: s, ldc: lds)
        }
    }

    /// G [b, d] = P A for P [b, n] (row stride `ldp`) and A [n, d]; `width`: the small-batch loops to run,
    /// on `threads` threads (each a share of the columns).
    package static func combine(
        _ p: UnsafePointer<Float>, queries b: Int, ldp: Int, rows a: UnsafePointer<Float>, count n: Int, dim d: Int,
        into g: UnsafeMutablePointer<Float>, path: Path = .automatic, width: VectorWidth = .inUse, threads: Int = 1
    ) {
        guard b > 0 else { return }
        if path.usesSmallBatch(queries: b) {
            inParts(of: d, threads: threads) { columns in
                engram_batch_combine(Int32(width.bits), p, ldp, b, a, n, d, columns.lowerBound, columns.upperBound, g)
            }
        } else {
            BLAS.gemm(m: b, n: d, k: n, alpha: 1, a: p, lda: ldp, b: a, ldb: d, beta: 0, c: g, ldc: d)
        }
    }

    /// Runs `body` on up to `threads` contiguous parts of 0..<count side by side, the parts cut at
    /// multiples of 16 (a whole vector at every width, and two dot tiles of rows).
    private static func inParts(of count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let granules = (count + 15) / 16, parts = Swift.max(1, Swift.min(threads, granules))
        guard parts > 1 else { return body(0..<count) }
        // The parts write disjoint outputs, and concurrentPerform returns once every part has.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body(Swift.min(count, part * granules / parts * 16)..<Swift.min(count, (part + 1) * granules / parts * 16))
        }
    }
}

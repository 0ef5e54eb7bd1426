import CVectorMath

/// The two products of a descent step over a row matrix A [n, d] (Ξ for MrDAM, Ω for DrDAM) for a
/// batch X [b, d]: the scores S = α X Aᵀ [b, n] and the combination G = P A [b, d] of a weight matrix
/// P [b, n].
///
/// A batch of at most `smallBatchLimit` queries uses CVectorMath's small-batch loops: they read A once
/// per four queries without BLAS's packing (which costs as much as the product itself at b = 1), and
/// each output is computed by the same operations whatever the batch around it, so a query's descent
/// is bit for bit the same alone or batched with others of that size. Larger batches use GEMM.
package enum RowProducts {
    /// The most queries the small-batch loops take; beyond it GEMM is faster (`engram bench --small`).
    package static let smallBatchLimit = 16

    /// Which loops compute a product.
    enum Path: Sendable {
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

    /// S [b, n] (row stride `lds`) = α X Aᵀ for X [b, d] and A [n, d]; `width`: the small-batch loops to run.
    static func scores(
        _ x: UnsafePointer<Float>, queries b: Int, rows a: UnsafePointer<Float>, count n: Int, dim d: Int, alpha: Float = 1,
        into s: UnsafeMutablePointer<Float>, lds: Int, path: Path = .automatic, width: VectorWidth = .inUse
    ) {
        guard b > 0, n > 0 else { return }
        if path.usesSmallBatch(queries: b) {
            engram_batch_dot(Int32(width.bits), a, n, x, b, d, alpha, s, lds)
        } else {
            BLAS.gemm(transB: true, m: b, n: n, k: d, alpha: alpha, a: x, lda: d, b: a, ldb: d, beta: 0, c: s, ldc: lds)
        }
    }

    /// G [b, d] = P A for P [b, n] (row stride `ldp`) and A [n, d]; `width`: the small-batch loops to run.
    static func combine(
        _ p: UnsafePointer<Float>, queries b: Int, ldp: Int, rows a: UnsafePointer<Float>, count n: Int, dim d: Int,
        into g: UnsafeMutablePointer<Float>, path: Path = .automatic, width: VectorWidth = .inUse
    ) {
        guard b > 0 else { return }
        if path.usesSmallBatch(queries: b) {
            engram_batch_combine(Int32(width.bits), p, ldp, b, a, n, d, 0, d, g)
        } else {
            BLAS.gemm(m: b, n: d, k: n, alpha: 1, a: p, lda: ldp, b: a, ldb: d, beta: 0, c: g, ldc: d)
        }
    }
}

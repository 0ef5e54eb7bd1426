/// Ω [Y, D] held in memory (row-major): the products are `RowProducts`' (small-batch loops or GEMM).
package struct DenseProjection: FeatureProjection {
    /// Ω [Y, D], row-major.
    package let omega: [Float]
    package let dim: Int
    package let count: Int

    /// The projection over Ω = `omega` [count, dim].
    init(omega: [Float], dim: Int, count: Int) {
        precondition(omega.count == dim * count, "Ω has \(omega.count) entries, not \(count) × \(dim)")
        self.omega = omega
        self.dim = dim
        self.count = count
    }

    package var storedFloats: Int { omega.count }
    package var scratchCount: Int { 0 }

    package func project(_ x: UnsafePointer<Float>, rows: Int, alpha: Float, into h: UnsafeMutablePointer<Float>, ldh: Int,
                         scratch: UnsafeMutablePointer<Float>, threads: Int) {
        omega.withUnsafeBufferPointer { w in
            RowProducts.scores(x, queries: rows, rows: w.baseAddress!, count: count, dim: dim, alpha: alpha, into: h, lds: ldh, threads: threads)
        }
    }

    package func backProject(_ p: UnsafePointer<Float>, rows: Int, ldp: Int, into g: UnsafeMutablePointer<Float>,
                             scratch: UnsafeMutablePointer<Float>, threads: Int) {
        omega.withUnsafeBufferPointer { w in
            RowProducts.combine(p, queries: rows, ldp: ldp, rows: w.baseAddress!, count: count, dim: dim, into: g, threads: threads)
        }
    }
}

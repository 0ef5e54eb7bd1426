extension RandomFeatures {
    /// Block-orthogonal random features (Yu et al., "Orthogonal Random Features", 2016): rows
    /// [kD, (k+1)D) are the orthonormal basis that Gram–Schmidt builds from the Gaussian rows of
    /// stream 2 (row i from counters (·, i, 2, 0), as `gaussianRowsDouble`), each scaled by the norm of
    /// an independent Gaussian row of stream 3, so the row norms follow the chi distribution with D
    /// degrees of freedom as Gaussian rows do. Returns Ω rows `rows` [rows.count, D].
    ///
    /// Computed in Double by LAPACK's Householder QR (`dgeqrf`, `dorgqr`: OpenBLAS on Linux, Accelerate
    /// on Apple platforms) of the block's transpose G_kᵀ = QR, the Gaussian rows as columns. Column i of
    /// Q spans with the columns before it the same space as rows kD…kD+i of G_k, so it is Gram–Schmidt's
    /// row i up to sign; each column is multiplied by sign(R_ii), which makes diag(R) positive, the
    /// factorisation unique and the result Gram–Schmidt's to rounding. Earlier versions ran modified
    /// Gram–Schmidt twice in plain Swift (O(D³) scalar work per block); the two agree to ≈1e-14 in
    /// Double at D = 1531 (well within 1e-12), before the rounding to Float, which leaves all but a few
    /// entries of Ω bit for bit as they were. The same inputs give the same Ω bit for bit on one machine
    /// (checked with 1 and 2 BLAS threads), but LAPACK's blocked kernels may round the last bit
    /// differently on another CPU (OpenBLAS picks its kernels at run time), so Ω rebuilt from its seed
    /// elsewhere may differ in the last bit of a few entries.
    ///
    /// Row i depends only on the rows before it in its block, so a block is factored from its first row
    /// up to the last row wanted (for Ω, up to row Y − 1 in the last block when Y is not a multiple of D).
    /// Any block of rows can be generated on its own: it equals those rows of Ω bit for bit when it ends
    /// on a multiple of D or where Ω ends, and to rounding otherwise (LAPACK blocks its work by the
    /// number of columns factored, so the Double results differ in the last bits; after the rounding to
    /// Float they almost always agree).
    static func orthogonalRows(_ generator: Philox, rows: Range<Int>, dim: Int) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(rows.count * dim)
        guard !rows.isEmpty else { return out }
        for blockStart in stride(from: rows.lowerBound / dim * dim, to: rows.upperBound, by: dim) {
            let blockRows = blockStart..<Swift.min(blockStart + dim, rows.upperBound)
            let basis = orthonormalColumns(gaussianRowsDouble(generator, rows: blockRows, dim: dim, stream: 2), count: blockRows.count, dim: dim)
            let wanted = Swift.max(blockStart, rows.lowerBound)..<blockRows.upperBound
            let norms = gaussianRowsDouble(generator, rows: wanted, dim: dim, stream: 3)
            for (r, row) in wanted.enumerated() {
                var square = 0.0
                for j in 0..<dim { square += norms[r * dim + j] * norms[r * dim + j] }
                let length = square.squareRoot(), q = (row - blockStart) * dim
                for j in 0..<dim { out.append(Float(basis[q + j] * length)) }
            }
        }
        return out
    }

    /// The Gram–Schmidt orthonormalisation of the `count` vectors of length `dim` (count ≤ dim) stored
    /// one after another in `vectors` (the rows of a row-major [count, dim] matrix, the columns of a
    /// column-major dim×count one), by QR with diag(R) made positive; returned in the same layout.
    static func orthonormalColumns(_ vectors: [Double], count: Int, dim: Int) -> [Double] {
        precondition(count <= dim && vectors.count == count * dim, "orthonormalColumns: \(count) vectors of length \(dim)")
        var a = vectors, tau = [Double](repeating: 0, count: count)
        a.withUnsafeMutableBufferPointer { a in
            tau.withUnsafeMutableBufferPointer { tau in
                let a = a.baseAddress!, tau = tau.baseAddress!
                LAPACK.geqrf(m: dim, n: count, a: a, lda: dim, tau: tau)
                // R_ii is on the diagonal; Q's column i is negated where R_ii < 0.
                let negate = (0..<count).map { a[$0 * dim + $0] < 0 }
                LAPACK.orgqr(m: dim, n: count, k: count, a: a, lda: dim, tau: tau)
                for i in 0..<count where negate[i] {
                    for j in 0..<dim { a[i * dim + j] = -a[i * dim + j] }
                }
            }
        }
        return a
    }
}

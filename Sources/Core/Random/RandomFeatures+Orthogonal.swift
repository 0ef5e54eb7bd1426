import Foundation

extension RandomFeatures {
    /// Block-orthogonal random features (Yu et al., "Orthogonal Random Features", 2016): rows
    /// [kD, (k+1)D) are the Gram–Schmidt orthonormalisation of the Gaussian rows of stream 2, each
    /// scaled by the norm of an independent Gaussian row of stream 3, so the row norms follow the
    /// chi distribution with D degrees of freedom as Gaussian rows do. Computed in Double in plain
    /// Swift (no BLAS), so that it is the same on every machine. Returns Ω rows `rows` [rows.count, D].
    static func orthogonalRows(_ generator: Philox, rows: Range<Int>, dim: Int) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(rows.count * dim)
        guard !rows.isEmpty else { return out }
        // Gram–Schmidt makes row i depend on the rows before it in its block, so each block is computed
        // from its first row up to the last row wanted.
        for blockStart in stride(from: rows.lowerBound / dim * dim, to: rows.upperBound, by: dim) {
            let blockRows = blockStart..<Swift.min(blockStart + dim, rows.upperBound)
            var block = gaussianRowsDouble(generator, rows: blockRows, dim: dim, stream: 2)
            orthonormalise(&block, rows: blockRows.count, dim: dim)
            let norms = gaussianRowsDouble(generator, rows: blockRows, dim: dim, stream: 3)
            for (r, row) in blockRows.enumerated() where rows.contains(row) {
                let length = dot(norms, r * dim, norms, r * dim, dim).squareRoot()
                for j in 0..<dim { out.append(Float(block[r * dim + j] * length)) }
            }
        }
        return out
    }

    /// Modified Gram–Schmidt, applied twice for orthogonality to rounding ("twice is enough"), on the
    /// rows of m [rows, dim] (rows ≤ dim), in place.
    private static func orthonormalise(_ m: inout [Double], rows: Int, dim: Int) {
        for r in 0..<rows {
            for _ in 0..<2 {
                for p in 0..<r {
                    let projection = dot(m, r * dim, m, p * dim, dim)
                    for j in 0..<dim { m[r * dim + j] -= projection * m[p * dim + j] }
                }
            }
            let norm = dot(m, r * dim, m, r * dim, dim).squareRoot()
            for j in 0..<dim { m[r * dim + j] /= norm }
        }
    }

    /// Σ a[i + j]·b[k + j] for j < n, summed in a fixed order (four lanes, then the lanes in turn).
    private static func dot(_ a: [Double], _ i: Int, _ b: [Double], _ k: Int, _ n: Int) -> Double {
        a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in
                var lanes = SIMD4<Double>(repeating: 0)
                var j = 0
                while j + 4 <= n {
                    let x = pa.loadUnaligned(fromByteOffset: (i + j) * 8, as: SIMD4<Double>.self)
                    let y = pb.loadUnaligned(fromByteOffset: (k + j) * 8, as: SIMD4<Double>.self)
                    lanes += x * y
                    j += 4
                }
                var total = lanes.sum()
                while j < n {
                    total += a[i + j] * b[k + j]
                    j += 1
                }
                return total
            }
        }
    }
}

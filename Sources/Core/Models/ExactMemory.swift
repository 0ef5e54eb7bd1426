import Foundation

/// MrDAM: the slot memory. Every memory ξ_μ is a row of Ξ [K, D]; the energy is computed exactly
/// from all rows (DESIGN.md, "Exact energies"). With d_μ = ‖x − ξ_μ‖² and a_μ = −β d_μ / 2:
/// - `lse`: E(x) = −(1/β) logsumexp(a), ∇E = x − Σ_μ p_μ ξ_μ with p = softmax(a);
/// - `sum`: E(x) = −(1/β) Σ_μ exp(a_μ), ∇E = Σ_μ exp(a_μ)(x − ξ_μ).
/// A batch costs two GEMMs: X Ξᵀ [B, K] for the distances and P Ξ [B, D] for the gradient.
public struct ExactMemory: EnergyModel {
    /// The memories Ξ [K, D].
    public let memories: Matrix
    /// Inverse temperature β > 0.
    public let beta: Float
    /// How the similarities combine.
    public let energy: EnergyFunction
    /// ‖ξ_μ‖² for each memory [K].
    let squaredNorms: [Float]

    /// A memory over Ξ [K, D] (K may be 0). Throws for a non-positive or non-finite β or
    /// non-finite memories.
    public init(memories: Matrix, beta: Float, energy: EnergyFunction = .lse) throws {
        guard beta.isFinite, beta > 0 else { throw CoreError.parameter("beta must be a positive finite number, got \(beta)") }
        guard memories.cols > 0 else { throw CoreError.shape("memories must have dimension at least 1") }
        guard memories.isFinite else { throw CoreError.nonFinite("memories contain NaN or infinity") }
        self.memories = memories
        self.beta = beta
        self.energy = energy
        self.squaredNorms = Self.squaredNorms(memories)
    }

    /// The dimension D.
    public var dim: Int { memories.cols }
    /// The number of memories K.
    public var count: Int { memories.rows }

    /// ‖row‖² for each row of `m` [rows].
    static func squaredNorms(_ m: Matrix) -> [Float] {
        m.values.withUnsafeBufferPointer { v in
            (0..<m.rows).map { r in BLAS.dot(m.cols, v.baseAddress! + r * m.cols, v.baseAddress! + r * m.cols) }
        }
    }

    /// Buffers for one batch: the scores/weights [batch, K].
    public final class Workspace {
        let weights: ScratchBuffer
        init(batch: Int, count: Int) { weights = ScratchBuffer(count: batch * count) }
    }

    public func makeWorkspace(batch: Int) -> Workspace { Workspace(batch: batch, count: count) }

    public func evaluate(
        _ x: UnsafePointer<Float>, rows: Int,
        energies: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>?,
        workspace: Workspace
    ) {
        let k = count, d = dim
        guard k > 0 else {
            // No memories: s(x) = 0, so E = +∞ (lse) or 0 (sum), and nothing pulls the state.
            energies.update(repeating: energy == .lse ? .infinity : 0, count: rows)
            gradients?.update(repeating: 0, count: rows * d)
            return
        }
        let w = workspace.weights.pointer
        memories.values.withUnsafeBufferPointer { xi in
            squaredNorms.withUnsafeBufferPointer { norms in
                // W = X Ξᵀ [rows, K]
                BLAS.gemm(transB: true, m: rows, n: k, k: d, alpha: 1, a: x, lda: d, b: xi.baseAddress!, ldb: d, beta: 0, c: w, ldc: k)
                for r in 0..<rows {
                    let row = w + r * k
                    let xNorm = BLAS.dot(d, x + r * d, x + r * d)
                    let total = weighRow(row, xNorm: xNorm, norms: norms.baseAddress!)
                    energies[r] = total.energy
                    if let g = gradients {
                        // lse: ∇E = x − P Ξ (P rows sum to 1); sum: ∇E = (Σ w) x − W Ξ.
                        let factor = energy == .lse ? 1 : total.weightSum
                        for j in 0..<d { g[r * d + j] = factor * x[r * d + j] }
                    }
                }
                if let g = gradients {
                    BLAS.gemm(m: rows, n: d, k: k, alpha: -1, a: w, lda: k, b: xi.baseAddress!, ldb: d, beta: 1, c: g, ldc: d)
                }
            }
        }
    }

    /// Turns one row of dot products x·ξ_μ [K] into weights in place (softmax for lse, exp(a) for sum)
    /// and returns the energy and the sum of the weights.
    private func weighRow(_ row: UnsafeMutablePointer<Float>, xNorm: Float, norms: UnsafePointer<Float>) -> (energy: Float, weightSum: Float) {
        let k = count
        let halfBeta = -0.5 * beta
        for m in 0..<k {
            // a = −β d / 2, with d = ‖x‖² + ‖ξ‖² − 2 x·ξ clipped at 0 against rounding.
            row[m] = halfBeta * Swift.max(xNorm + norms[m] - 2 * row[m], 0)
        }
        switch energy {
        case .lse:
            let top = VectorMath.max(row, count: k)
            for m in 0..<k { row[m] -= top }
            VectorMath.exp(row, into: row, count: k)
            let z = BLAS.asum(k, row)
            BLAS.scale(k, 1 / z, row)
            return (-(top + logf(z)) / beta, 1)
        case .sum:
            VectorMath.exp(row, into: row, count: k)
            let z = BLAS.asum(k, row)
            return (-z / beta, z)
        }
    }
}

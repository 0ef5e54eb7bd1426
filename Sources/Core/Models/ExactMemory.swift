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

    /// Buffers for one batch: the scores/weights [batch, K] and the gradient's row coefficients.
    public final class Workspace {
        let weights: ScratchBuffer
        let combination: GradientCombination
        init(batch: Int, count: Int) {
            weights = ScratchBuffer(count: batch * count)
            combination = GradientCombination(batch: batch)
        }
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
                    let xNorm = BLAS.dot(d, x + r * d, x + r * d)
                    let (z, top) = VectorMath.gaussianWeights(w + r * k, norms: norms.baseAddress!, xNorm: xNorm, beta: beta, shift: energy == .lse, count: k)
                    switch energy {
                    case .lse:
                        // E = −(m + log z)/β; ∇E = x − (W Ξ)/z.
                        energies[r] = -(top + logf(z)) / beta
                        workspace.combination.set(row: r, projection: -1 / z, state: 1)
                    case .sum:
                        // E = −z/β; ∇E = z x − W Ξ.
                        energies[r] = -z / beta
                        workspace.combination.set(row: r, projection: -1, state: z)
                    }
                }
                guard let g = gradients else { return }
                BLAS.gemm(m: rows, n: d, k: k, alpha: 1, a: w, lda: k, b: xi.baseAddress!, ldb: d, beta: 0, c: g, ldc: d)
                workspace.combination.apply(to: g, states: x, rows: rows, dim: d)
            }
        }
    }
}

import Foundation

/// DrDAM: the distributed memory of Hoover et al. (NeurIPS 2024). Memories are summed into
/// T = Σ_μ φ(ξ_μ) [F] (accumulated in Double; forgetting subtracts), so the model's size is its features
/// (Ω [Y, D], b [Y]) plus T, whatever the number of memories. With s(x) = ⟨φ(x), T⟩:
/// - `lse`: Ẽ(x) = −(1/β) log max(s, ε), ∇Ẽ = −J_φᵀ T / (β s) where s > ε and 0 where the clip is active;
/// - `sum`: Ẽ(x) = −(1/β) s, ∇Ẽ = −J_φᵀ T / β.
/// A batch costs two products (`FeatureProjection`: H = √β X Ωᵀ and the back-projection G Ω) plus one feature pass.
package struct DistributedMemory: EnergyModel {
    /// The random features.
    package let features: RandomFeatures
    /// How the similarities combine.
    package let energy: EnergyFunction
    /// The clip ε ≥ 0 of the lse energy.
    package let eps: Float
    /// T = Σ_μ φ(ξ_μ) [F], in Double.
    package private(set) var accumulator: [Double]
    /// Memories added minus memories forgotten.
    package private(set) var count: Int
    /// T rounded to Float [F], what the energy uses.
    private var t: [Float]

    /// An empty memory (T = 0) over `features`. `eps` defaults to the kernel's (`KernelKind.defaultEps`).
    package init(features: RandomFeatures, energy: EnergyFunction = .lse, eps: Float? = nil) throws {
        let eps = eps ?? features.kind.defaultEps
        guard eps.isFinite, eps >= 0 else { throw CoreError.parameter("eps must be a finite number ≥ 0, got \(eps)") }
        self.features = features
        self.energy = energy
        self.eps = eps
        accumulator = [Double](repeating: 0, count: features.featureCount)
        t = [Float](repeating: 0, count: features.featureCount)
        count = 0
    }

    /// A memory over `features` whose accumulator is `accumulator` [F] (e.g. from a snapshot) after `count` memories.
    package init(features: RandomFeatures, energy: EnergyFunction = .lse, eps: Float? = nil, accumulator: [Double], count: Int) throws {
        try self.init(features: features, energy: energy, eps: eps)
        guard accumulator.count == features.featureCount else {
            throw CoreError.shape("T has \(accumulator.count) entries, the features need \(features.featureCount)")
        }
        guard accumulator.allSatisfy(\.isFinite) else { throw CoreError.nonFinite("T contains NaN or infinity") }
        self.accumulator = accumulator
        self.count = count
        t = accumulator.map { Float($0) }
    }

    /// The dimension D.
    package var dim: Int { features.dim }

    /// Adds Σ_μ φ(ξ_μ) of the memories Ξ [K, D] to T.
    package mutating func add(_ memories: Matrix) throws { try accumulate(memories, sign: 1) }

    /// Subtracts Σ_μ φ(ξ_μ) of the memories Ξ [K, D] from T: forgetting exactly what was added
    /// restores T (to Double rounding).
    package mutating func forget(_ memories: Matrix) throws { try accumulate(memories, sign: -1) }

    private mutating func accumulate(_ memories: Matrix, sign: Double) throws {
        guard memories.cols == dim else { throw CoreError.shape("memories have dimension \(memories.cols), the store has dimension \(dim)") }
        guard memories.isFinite else { throw CoreError.nonFinite("memories contain NaN or infinity") }
        let f = features.featureCount
        var sum = accumulator
        memories.values.withUnsafeBufferPointer { x in
            sum.withUnsafeMutableBufferPointer { total in
                features.forEachFeatureRow(x.baseAddress!, rows: memories.rows) { _, phi in
                    for i in 0..<f { total[i] += sign * Double(phi[i]) }
                }
            }
        }
        accumulator = sum
        count += sign > 0 ? memories.rows : -memories.rows
        t = accumulator.map { Float($0) }
    }

    /// Buffers for one batch: the pre-activations [batch, Y], one row of scratch [2Y], the projection's
    /// own scratch, the gradient's row coefficients and each row's s(x) [batch] at the last evaluation.
    package final class Workspace {
        let h: ScratchBuffer
        let scratch: ScratchBuffer
        let projection: ScratchBuffer
        let combination: GradientCombination
        let similarities: ScratchBuffer
        /// The threads the products run on.
        let threads: Int
        init(batch: Int, y: Int, projection: Int, threads: Int) {
            h = ScratchBuffer(count: batch * y)
            scratch = ScratchBuffer(count: 2 * y)
            self.projection = ScratchBuffer(count: projection)
            combination = GradientCombination(batch: batch)
            similarities = ScratchBuffer(count: batch)
            self.threads = threads
        }
    }

    /// The bytes the products read each step: Ω's 4·Y·D (dense), the structured blocks' 16·P·⌈Y/P⌉.
    package var productBytes: Int { 4 * features.projection.storedFloats }

    package func makeWorkspace(batch: Int, productThreads: Int) -> Workspace {
        Workspace(batch: batch, y: features.count, projection: features.projection.scratchCount, threads: productThreads)
    }

    /// Whether the last evaluation of row `row` on `workspace` was at the lse clip: s(x) ≤ ε, a flat
    /// energy and a zero gradient. Never for the `sum` energy.
    package func clipped(row: Int, in workspace: Workspace) -> Bool {
        energy == .lse && workspace.similarities.pointer[row] <= eps
    }

    package func evaluate(
        _ x: UnsafePointer<Float>, rows: Int,
        energies: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>?,
        workspace: Workspace
    ) {
        let y = features.count, d = dim, beta = features.beta, kernel = features.kernel
        let h = workspace.h.pointer
        let rootBeta = beta.squareRoot()
        // Per row: ∇Ẽ = k · J_φᵀ T = k√β · (Ωᵀ g) + k c · x, with k the energy's factor.
        features.preactivations(x, rows: rows, into: h, scratch: workspace.projection.pointer, threads: workspace.threads)
        t.withUnsafeBufferPointer { t in
            features.bias.withUnsafeBufferPointer { bias in
                for r in 0..<rows {
                    let xr = x + r * d
                    let q = beta * BLAS.dot(d, xr, xr)
                    let (s, c) = kernel.contract(
                        h: h + r * y, bias: bias.baseAddress!, y: y, betaSquaredNorm: q, beta: beta, t: t.baseAddress!,
                        scratch: workspace.scratch.pointer)
                    workspace.similarities.pointer[r] = s
                    let k: Float
                    switch energy {
                    case .lse:
                        let clipped = s <= eps
                        energies[r] = -logf(clipped ? eps : s) / beta
                        k = clipped ? 0 : -1 / (beta * s)
                    case .sum:
                        energies[r] = -s / beta
                        k = -1 / beta
                    }
                    workspace.combination.set(row: r, projection: k * rootBeta, state: k * c)
                }
            }
        }
        guard let g = gradients else { return }
        features.projection.backProject(h, rows: rows, ldp: y, into: g, scratch: workspace.projection.pointer, threads: workspace.threads)
        workspace.combination.apply(to: g, states: x, rows: rows, dim: d)
    }
}

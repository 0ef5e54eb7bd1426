import Foundation

/// MrDAM: the slot memory. Every memory ξ_μ is a row of Ξ [K, D]; the energy is computed exactly
/// from all rows (docs/mathematics.md, "Exact energies"). With d_μ = ‖x − ξ_μ‖² and a_μ = −β d_μ / 2:
/// - `lse`: E(x) = −(1/β) logsumexp(a), ∇E = x − Σ_μ p_μ ξ_μ with p = softmax(a);
/// - `sum`: E(x) = −(1/β) Σ_μ exp(a_μ), ∇E = Σ_μ exp(a_μ)(x − ξ_μ).
/// A batch costs two products (`RowProducts`): X Ξᵀ [B, K] for the distances and P Ξ [B, D] for the gradient.
package struct ExactMemory: EnergyModel {
    /// Ξ's rows and norms; this version owns the first `count` rows (see `RowStorage`).
    let storage: RowStorage
    /// The number of memories K.
    package let count: Int
    /// Inverse temperature β > 0.
    package let beta: Float
    /// How the similarities combine.
    package let energy: EnergyFunction

    /// A memory over Ξ [K, D] (K may be 0). Throws for a non-positive or non-finite β or
    /// non-finite memories.
    package init(memories: Matrix, beta: Float, energy: EnergyFunction = .lse) throws {
        guard beta.isFinite, beta > 0 else { throw CoreError.parameter("beta must be a positive finite number, got \(beta)") }
        guard memories.cols > 0 else { throw CoreError.shape("memories must have dimension at least 1") }
        guard memories.isFinite else { throw CoreError.nonFinite("memories contain NaN or infinity") }
        let storage = memories.values.withUnsafeBufferPointer { RowStorage.holding($0, cols: memories.cols, capacity: memories.rows) }
        self.init(storage: storage, count: memories.rows, beta: beta, energy: energy)
    }

    /// A memory over Ξ [rows, cols] given as raw little-endian `Float` bytes (e.g. a snapshot's
    /// tensor), copied once into the memory's storage. Throws for a size that does not match, a bad
    /// β or non-finite values.
    package init(rowMajor raw: UnsafeRawBufferPointer, rows: Int, cols: Int, beta: Float, energy: EnergyFunction = .lse) throws {
        guard beta.isFinite, beta > 0 else { throw CoreError.parameter("beta must be a positive finite number, got \(beta)") }
        guard cols > 0 else { throw CoreError.shape("memories must have dimension at least 1") }
        guard rows >= 0, raw.count == 4 * rows * cols else { throw CoreError.shape("\(raw.count) bytes do not hold [\(rows), \(cols)] floats") }
        let storage = RowStorage.holding(raw, cols: cols, capacity: rows)
        guard UnsafeBufferPointer(start: storage.values, count: rows * cols).allSatisfy(\.isFinite) else {
            throw CoreError.nonFinite("memories contain NaN or infinity")
        }
        self.init(storage: storage, count: rows, beta: beta, energy: energy)
    }

    private init(storage: RowStorage, count: Int, beta: Float, energy: EnergyFunction) {
        self.storage = storage
        self.count = count
        self.beta = beta
        self.energy = energy
    }

    /// The dimension D.
    package var dim: Int { storage.cols }

    /// Ξ [K, D], copied.
    package var memories: Matrix {
        Matrix(rows: count, cols: dim, values: withUnsafeMemories { Array($0) })
    }

    /// Row `row` of Ξ [D], copied.
    package func memory(at row: Int) -> [Float] {
        precondition(row >= 0 && row < count, "ExactMemory: row \(row) of \(count)")
        return Array(UnsafeBufferPointer(start: storage.values + row * dim, count: dim))
    }

    /// Calls `body` with Ξ's K·D values in row-major order, without copying them.
    package func withUnsafeMemories<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.values, count: count * dim))
    }

    /// This memory with the rows of `memories` [n, D] appended. Costs O(n·D) amortised: the newest
    /// version appends into the storage it shares with the older ones (which never read past their
    /// own rows), growing it geometrically; any other version copies. Throws for a wrong dimension or
    /// non-finite values, changing nothing.
    package func appending(_ memories: Matrix) throws -> ExactMemory {
        guard memories.cols == dim else { throw CoreError.shape("memories have dimension \(memories.cols), the store has dimension \(dim)") }
        guard memories.isFinite else { throw CoreError.nonFinite("memories contain NaN or infinity") }
        let n = memories.rows
        var target = storage
        if !storage.claim(after: count, count: n) {
            target = withUnsafeMemories { RowStorage.holding($0, cols: dim, capacity: Swift.max(2 * (count + n), 16)) }
            _ = target.claim(after: count, count: n)
        }
        memories.values.withUnsafeBufferPointer { if n > 0 { target.write($0.baseAddress!, rows: n, at: count) } }
        return ExactMemory(storage: target, count: count + n, beta: beta, energy: energy)
    }

    /// This memory keeping only the rows `rows` (ascending indices), in new storage.
    package func keeping(rows: [Int]) -> ExactMemory {
        var kept = [Float]()
        kept.reserveCapacity(rows.count * dim)
        for r in rows { kept.append(contentsOf: UnsafeBufferPointer(start: storage.values + r * dim, count: dim)) }
        let storage = kept.withUnsafeBufferPointer { RowStorage.holding($0, cols: dim, capacity: rows.count) }
        return ExactMemory(storage: storage, count: rows.count, beta: beta, energy: energy)
    }

    /// ‖row‖² for each row of `m` [rows].
    static func squaredNorms(_ m: Matrix) -> [Float] {
        m.values.withUnsafeBufferPointer { v in
            (0..<m.rows).map { r in BLAS.dot(m.cols, v.baseAddress! + r * m.cols, v.baseAddress! + r * m.cols) }
        }
    }

    /// Buffers for one batch: the scores/weights [batch, K] and the gradient's row coefficients.
    package final class Workspace {
        let weights: ScratchBuffer
        let combination: GradientCombination
        /// The threads the products run on.
        let threads: Int
        init(batch: Int, count: Int, threads: Int) {
            weights = ScratchBuffer(count: batch * count)
            combination = GradientCombination(batch: batch)
            self.threads = threads
        }
    }

    /// Ξ's bytes, 4·K·D.
    package var productBytes: Int { 4 * count * dim }

    package func makeWorkspace(batch: Int, productThreads: Int) -> Workspace { Workspace(batch: batch, count: count, threads: productThreads) }

    package func evaluate(
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
        let xi = UnsafePointer(storage.values), norms = UnsafePointer(storage.norms)
        // W = X Ξᵀ [rows, K]
        RowProducts.scores(x, queries: rows, rows: xi, count: k, dim: d, into: w, lds: k, threads: workspace.threads)
        for r in 0..<rows {
            let xNorm = BLAS.dot(d, x + r * d, x + r * d)
            let (z, top) = VectorMath.gaussianWeights(w + r * k, norms: norms, xNorm: xNorm, beta: beta, shift: energy == .lse, count: k)
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
        RowProducts.combine(w, queries: rows, ldp: k, rows: xi, count: k, dim: d, into: g, threads: workspace.threads)
        workspace.combination.apply(to: g, states: x, rows: rows, dim: d)
    }
}

import Foundation

/// The smallest β at which every memory is a fixed point of the exact energy, found as the paper's code
/// finds it (`condition_beta_on_memories` and `is_well_conditioned` in `kernel_sims.py` of
/// bhoov/distributed_DAM): bisection of [1e-4, 600], at most 40 steps, stopping once a β that works is
/// within 1e-3 of the largest β known not to; β works when `jnp.allclose(∇E(ξ_j), 0, atol=1e-7,
/// rtol=1e-5)` holds at every memory ξ_j, that is |∂E/∂x_d| ≤ 1e-7 for every entry (rtol multiplies
/// the zero it compares with, so it adds nothing). docs/mathematics.md gives the search in full.
///
/// Differences from the paper's code, both at the edges: β = 600 is checked first (the paper never
/// tries it, and would return a β that fails when none below it works: here that is an error), and a
/// search that uses all 40 steps returns the smallest β that worked (the paper returns the last one
/// tried, which then failed). The gradients are computed in Double (the paper's JAX computes them in
/// Float32), from squared distances computed once.
package struct BetaCalibration: Sendable, Equatable {
    /// The bracket, step budget, precision and gradient tolerance of the paper's search.
    package static let lower = 1e-4
    package static let upper = 600.0
    package static let maxSteps = 40
    package static let precision = 1e-3
    package static let tolerance = 1e-7

    /// The β found: every memory is a fixed point there.
    package let beta: Double
    /// Bisection steps taken (1 … 40; the check at the upper bound is not counted).
    package let steps: Int

    /// Searches β for memories Ξ [K, D] (K ≥ 1, finite) under `energy`. Work: K²·D once for the
    /// distances, then at most K²·D per step; memory 8·K² + 8·K·D bytes. `interrupt` is called before
    /// each evaluation and may throw to stop the search. Throws `CoreError.parameter` when even β = 600
    /// leaves a memory off its fixed point (memories too close together for any β of the bracket).
    package static func search(memories: Matrix, energy: EnergyFunction, interrupt: () throws -> Void = {}) throws -> BetaCalibration {
        guard memories.rows > 0 else { throw CoreError.shape("calibrating β needs at least one memory") }
        guard memories.isFinite else { throw CoreError.nonFinite("memories contain NaN or infinity") }
        let check = Check(memories: memories, energy: energy)
        try interrupt()
        guard check.holds(beta: upper) else {
            throw CoreError.parameter("no β up to \(Int(upper)) makes every memory a fixed point of the exact energy: some memories are too close together (remove near-duplicates, or scale the memories apart)")
        }
        // The paper's loop, with `low` and `high` its `beta.min` and `beta.max`.
        var low = lower, high = upper, steps = 0
        while steps < maxSteps {
            try interrupt()
            let now = (low + high) / 2
            steps += 1
            if check.holds(beta: now) {
                high = now
                if high - low < precision { break }
            } else {
                low = now
            }
        }
        return BetaCalibration(beta: high, steps: steps)
    }

    /// The memories in Double and their squared distances, which do not depend on β.
    private struct Check {
        let rows: Int
        let cols: Int
        /// Ξ [K, D] in Double.
        let memories: [Double]
        /// ‖ξ_j − ξ_i‖² [K, K].
        let distances: [Double]
        let energy: EnergyFunction

        init(memories m: Matrix, energy: EnergyFunction) {
            let rows = m.rows, cols = m.cols
            let values = m.values.map(Double.init)
            var distances = [Double](repeating: 0, count: rows * rows)
            for j in 0..<rows {
                for i in 0..<j {
                    var sum = 0.0
                    for d in 0..<cols {
                        let diff = values[j * cols + d] - values[i * cols + d]
                        sum += diff * diff
                    }
                    distances[j * rows + i] = sum
                    distances[i * rows + j] = sum
                }
            }
            self.rows = rows
            self.cols = cols
            self.energy = energy
            self.memories = values
            self.distances = distances
        }

        /// Whether ∇E(ξ_j) = Σ_i w_ji (ξ_j − ξ_i) is within the tolerance, entry by entry, at every memory;
        /// w_ji = softmax_i(−β d_ji / 2) for lse (the largest exponent, the memory's own 0, is the shift),
        /// exp(−β d_ji / 2) for sum. Stops at the first memory that fails.
        func holds(beta: Double) -> Bool {
            var weights = [Double](repeating: 0, count: rows)
            var gradient = [Double](repeating: 0, count: cols)
            for j in 0..<rows {
                var total = 0.0
                for i in 0..<rows {
                    weights[i] = Foundation.exp(-beta / 2 * distances[j * rows + i])
                    total += weights[i]
                }
                let scale = energy == .lse ? 1 / total : 1
                for d in 0..<cols { gradient[d] = 0 }
                for i in 0..<rows where i != j && weights[i] != 0 {
                    let w = weights[i] * scale
                    for d in 0..<cols { gradient[d] += w * (memories[j * cols + d] - memories[i * cols + d]) }
                }
                guard gradient.allSatisfy({ abs($0) <= BetaCalibration.tolerance }) else { return false }
            }
            return true
        }
    }
}

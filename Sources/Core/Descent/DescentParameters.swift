/// How a recall descends the energy: x⁽ᵗ⁺¹⁾ = x⁽ᵗ⁾ − α ∇E(x⁽ᵗ⁾) ⊙ (1 − c) for t < depth.
package struct DescentParameters: Sendable, Equatable {
    /// The step size α ≥ 0 (default 0.1).
    package var alpha: Float
    /// The number of steps, ≥ 1 (default 1000).
    package var depth: Int
    /// Early stop: a query stops once max|Δx| < tolerance. 0 (default) never stops early.
    package var tolerance: Float

    package init(alpha: Float = 0.1, depth: Int = 1000, tolerance: Float = 0) {
        self.alpha = alpha
        self.depth = depth
        self.tolerance = tolerance
    }

    /// Throws for a negative or non-finite α or tolerance, or a depth below 1.
    package func validate() throws {
        guard alpha.isFinite, alpha >= 0 else { throw CoreError.parameter("alpha must be a finite number ≥ 0, got \(alpha)") }
        guard depth >= 1 else { throw CoreError.parameter("depth must be at least 1, got \(depth)") }
        guard tolerance.isFinite, tolerance >= 0 else { throw CoreError.parameter("tolerance must be a finite number ≥ 0, got \(tolerance)") }
    }
}

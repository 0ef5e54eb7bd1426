/// DrDAM's similarity s(x) = ⟨φ(x), T⟩ at one state, with an estimate of its random-feature noise
/// (docs/mathematics.md, "Signal and noise").
package struct SignalEstimate: Sendable, Equatable {
    /// s(x), the estimate of Σ_μ exp(−β ‖x − ξ_μ‖² / 2).
    package let s: Float
    /// The estimated standard deviation of s(x) over draws of the random features, ≥ 0.
    package let noise: Float

    package init(s: Float, noise: Float) {
        self.s = s
        self.noise = noise
    }

    /// s / noise: below 1 the features cannot tell this state's kernel sum from their own error
    /// (±infinity or NaN when the noise is 0).
    package var ratio: Float { s / noise }
}

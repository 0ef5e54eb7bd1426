/// How a DrDAM store's random projection Ω x is computed (docs/mathematics.md, "Random features").
package enum FeatureTransform: String, Sendable, CaseIterable, Codable {
    /// Ω [Y, D] of Gaussian (or block-orthogonal) rows, held in memory: Y·D floats.
    case dense
    /// Structured orthogonal random features (SORF, Yu et al. 2016): each block of rows is
    /// (1/σ)·S·H·D₁·H·D₂·H·D₃ over the state zero-padded to a power of two; Ω is never stored.
    case structured
}

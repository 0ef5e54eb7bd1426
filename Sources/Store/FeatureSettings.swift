import Core

/// A drdam store's random features, resolved: every field set. (A later field, such as a transform
/// of the states, is one more stored property here, one more key in `StoreConfiguration`'s coding
/// and the snapshot metadata.)
package struct FeatureSettings: Sendable, Equatable {
    /// The feature map.
    package var kernel: KernelKind
    /// The number Y of random features.
    package var features: Int
    /// The seed of the features.
    package var seed: UInt64
    /// The lse clip ε ≥ 0.
    package var eps: Float
    /// Block-orthogonal features.
    package var orthogonal: Bool
    /// How dense Ω's entries are computed: version 1 for stores made before version 2 existed (and when
    /// not given: a configuration without the field), version 2 for new stores.
    package var generator: FeatureGenerator

    package init(kernel: KernelKind, features: Int, seed: UInt64, eps: Float, orthogonal: Bool, generator: FeatureGenerator = .version1) {
        self.kernel = kernel
        self.features = features
        self.seed = seed
        self.eps = eps
        self.orthogonal = orthogonal
        self.generator = generator
    }

    /// The features for states of dimension `dim` and inverse temperature `beta` (generates Ω).
    package func randomFeatures(dim: Int, beta: Float) throws -> RandomFeatures {
        try RandomFeatures(kind: kernel, dim: dim, count: features, beta: beta, seed: seed, orthogonal: orthogonal, generator: generator)
    }
}

import Core

/// A drdam store's random features, resolved: every field set. (A later field is one more stored
/// property here, one more key in `StoreConfiguration`'s coding and the snapshot metadata.)
package struct FeatureSettings: Sendable, Equatable {
    /// The feature map.
    package var kernel: KernelKind
    /// The number Y of random features.
    package var features: Int
    /// The seed of the features.
    package var seed: UInt64
    /// The lse clip ε ≥ 0.
    package var eps: Float
    /// Block-orthogonal features (dense only).
    package var orthogonal: Bool
    /// How Ω x is computed: a stored dense Ω, or structured (SORF) blocks that store O(Y) numbers.
    package var transform: FeatureTransform
    /// How dense Ω's entries are computed: version 1 for stores made before version 2 existed (and when
    /// not given: a configuration without the field), version 2 for new stores.
    package var generator: FeatureGenerator

    package init(kernel: KernelKind, features: Int, seed: UInt64, eps: Float, orthogonal: Bool, transform: FeatureTransform = .dense,
                 generator: FeatureGenerator = .version1) {
        self.kernel = kernel
        self.features = features
        self.seed = seed
        self.eps = eps
        self.orthogonal = orthogonal
        self.transform = transform
        self.generator = generator
    }

    /// The features for states of dimension `dim` and inverse temperature `beta` (generates dense Ω, or
    /// the structured blocks' row norms and signs).
    package func randomFeatures(dim: Int, beta: Float) throws -> RandomFeatures {
        try RandomFeatures(kind: kernel, dim: dim, count: features, beta: beta, seed: seed, orthogonal: orthogonal, transform: transform,
                           generator: generator)
    }

    /// The numbers of the feature transform a store keeps for states of dimension `dim`, what
    /// `--max-feature-entries` counts: Y·D for dense Ω [Y, D]; 4·P·⌈Y/P⌉ for structured features, P the
    /// smallest power of two ≥ D (each block of P rows keeps its row norms S and three sign vectors,
    /// [P] each). nil when `dim` or Y is not positive or the count overflows Int.
    package func transformEntries(dim: Int) -> Int? {
        guard dim > 0, features > 0 else { return nil }
        switch transform {
        case .dense:
            let (entries, overflow) = features.multipliedReportingOverflow(by: dim)
            return overflow ? nil : entries
        case .structured:
            return StructuredProjection.storedFloats(dim: dim, count: features)
        }
    }
}

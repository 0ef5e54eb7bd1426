import Core

/// A store's configuration as a creation request (or snapshot metadata) gives it: the drdam fields
/// may be left out, and `resolved()` fills in their defaults, once, at the edge.
package struct RequestedConfiguration: Sendable, Equatable {
    /// mrdam or drdam.
    package var kind: StoreKind
    /// The dimension D of memories and queries.
    package var dim: Int
    /// Inverse temperature β > 0.
    package var beta: Float
    /// lse or sum.
    package var energy: EnergyFunction
    /// drdam: the feature map (default sincos).
    package var kernel: KernelKind?
    /// drdam: the number Y of random features (default 4096).
    package var features: Int?
    /// drdam: the seed of the features (default a random one).
    package var seed: UInt64?
    /// drdam: the lse clip ε ≥ 0 (default the kernel's).
    package var eps: Float?
    /// drdam: block-orthogonal features (default false; dense only).
    package var orthogonal: Bool?
    /// drdam: dense or structured features (default dense).
    package var transform: FeatureTransform?
    /// drdam: dense Ω's generator version (default the current one). Set only from snapshot metadata
    /// (a restored store keeps its version), never by a creation request.
    package var generator: FeatureGenerator?

    /// The drdam default number of features.
    package static let defaultFeatures = 4096

    package init(kind: StoreKind, dim: Int, beta: Float, energy: EnergyFunction = .lse, kernel: KernelKind? = nil,
                 features: Int? = nil, seed: UInt64? = nil, eps: Float? = nil, orthogonal: Bool? = nil,
                 transform: FeatureTransform? = nil, generator: FeatureGenerator? = nil) {
        self.kind = kind
        self.dim = dim
        self.beta = beta
        self.energy = energy
        self.kernel = kernel
        self.features = features
        self.seed = seed
        self.eps = eps
        self.orthogonal = orthogonal
        self.transform = transform
        self.generator = generator
    }

    /// The configuration checked and completed: drdam defaults filled in (kernel sincos, 4096 features,
    /// the kernel's ε, not orthogonal, dense, a random seed when none is given, the current generator
    /// version). Throws `StoreError.invalid` for values out of range, feature fields on an mrdam store,
    /// or orthogonal structured features. The sizes' upper bounds are the server's `Limits`, checked by
    /// the registry.
    package func resolved() throws -> StoreConfiguration {
        guard dim >= 1 else { throw StoreError.invalid("dim must be at least 1, got \(dim)") }
        guard beta.isFinite, beta > 0 else { throw StoreError.invalid("beta must be a positive finite number, got \(beta)") }
        switch kind {
        case .mrdam:
            let given = [("kernel", kernel != nil), ("features", features != nil), ("seed", seed != nil), ("eps", eps != nil), ("orthogonal", orthogonal != nil),
                         ("transform", transform != nil), ("generator", generator != nil)]
            if let field = given.first(where: \.1)?.0 { throw StoreError.invalid("'\(field)' applies to drdam stores only") }
            return StoreConfiguration(dim: dim, beta: beta, energy: energy, kind: .mrdam)
        case .drdam:
            let kernel = kernel ?? .sincos
            let settings = FeatureSettings(
                kernel: kernel, features: features ?? Self.defaultFeatures, seed: seed ?? UInt64.random(in: 0...UInt64.max),
                eps: eps ?? kernel.defaultEps, orthogonal: orthogonal ?? false, transform: transform ?? .dense,
                generator: generator ?? .current)
            guard !(settings.orthogonal && settings.transform == .structured) else {
                throw StoreError.invalid("orthogonal applies to dense features; structured features are orthogonal within each block by construction")
            }
            do {
                try RandomFeatures.validate(dim: dim, count: settings.features, beta: beta)
            } catch let error as CoreError {
                throw StoreError.invalid(error.description)
            }
            guard settings.eps.isFinite, settings.eps >= 0 else { throw StoreError.invalid("eps must be a finite number ≥ 0, got \(settings.eps)") }
            return StoreConfiguration(dim: dim, beta: beta, energy: energy, kind: .drdam(settings))
        }
    }
}

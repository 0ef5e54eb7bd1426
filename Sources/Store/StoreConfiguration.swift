import Core

/// A store's configuration: fixed at creation. For `drdam` stores every feature field is set (defaults
/// filled in by `resolved`); for `mrdam` stores they are all nil.
package struct StoreConfiguration: Sendable, Equatable, Codable {
    /// mrdam or drdam.
    package var kind: StoreKind
    /// The dimension D of memories and queries.
    package var dim: Int
    /// Inverse temperature β > 0.
    package var beta: Float
    /// lse or sum.
    package var energy: EnergyFunction
    /// drdam: the feature map.
    package var kernel: KernelKind?
    /// drdam: the number Y of random features.
    package var features: Int?
    /// drdam: the seed of the features.
    package var seed: UInt64?
    /// drdam: the lse clip ε ≥ 0.
    package var eps: Float?
    /// drdam: block-orthogonal features.
    package var orthogonal: Bool?

    /// The largest dimension accepted.
    package static let maxDim = 1 << 16
    /// The drdam default number of features.
    package static let defaultFeatures = 4096

    package init(kind: StoreKind, dim: Int, beta: Float, energy: EnergyFunction = .lse, kernel: KernelKind? = nil,
                features: Int? = nil, seed: UInt64? = nil, eps: Float? = nil, orthogonal: Bool? = nil) {
        self.kind = kind
        self.dim = dim
        self.beta = beta
        self.energy = energy
        self.kernel = kernel
        self.features = features
        self.seed = seed
        self.eps = eps
        self.orthogonal = orthogonal
    }

    /// The configuration checked and completed: drdam defaults filled in (kernel sincos, 4096 features,
    /// the kernel's ε, not orthogonal, a random seed when none is given). Throws `StoreError.invalid`
    /// for values out of range or feature fields on an mrdam store.
    package func resolved() throws -> StoreConfiguration {
        guard dim >= 1, dim <= Self.maxDim else { throw StoreError.invalid("dim must be between 1 and \(Self.maxDim), got \(dim)") }
        guard beta.isFinite, beta > 0 else { throw StoreError.invalid("beta must be a positive finite number, got \(beta)") }
        var out = self
        switch kind {
        case .mrdam:
            let given = [("kernel", kernel != nil), ("features", features != nil), ("seed", seed != nil), ("eps", eps != nil), ("orthogonal", orthogonal != nil)]
            if let field = given.first(where: \.1)?.0 { throw StoreError.invalid("'\(field)' applies to drdam stores only") }
        case .drdam:
            let kernel = kernel ?? .sincos
            out.kernel = kernel
            out.features = features ?? Self.defaultFeatures
            out.eps = eps ?? kernel.defaultEps
            out.orthogonal = orthogonal ?? false
            out.seed = seed ?? UInt64.random(in: 0...UInt64.max)
            do {
                try RandomFeatures.validate(dim: dim, count: out.features!, beta: beta)
            } catch let error as CoreError {
                throw StoreError.invalid(error.description)
            }
            guard out.eps!.isFinite, out.eps! >= 0 else { throw StoreError.invalid("eps must be a finite number ≥ 0, got \(out.eps!)") }
        }
        return out
    }

    /// Whether a creation request `other` (not yet resolved) asks for this (resolved) configuration:
    /// fields `other` leaves out match whatever default this store got, including its random seed.
    package func isSatisfied(by other: StoreConfiguration) -> Bool {
        guard var request = try? other.resolved() else { return false }
        if other.seed == nil { request.seed = seed }
        return request == self
    }
}

import Core

/// A store's resolved configuration: fixed at creation, every default filled in (a creation request,
/// `RequestedConfiguration`, is resolved into one once, at the edge). Its JSON (the API's store
/// description, the log's create record) is one flat object: `kind`, `dim`, `beta`, `energy`, then
/// for drdam stores `kernel`, `features`, `seed`, `eps`, `orthogonal`, `transform` for structured
/// features only (absent means dense) and `generator` when it is not 1 (absent means version 1): so a
/// dense store's JSON, and records written before these existed, keep their bytes.
package struct StoreConfiguration: Sendable, Equatable {
    /// mrdam, or drdam with its feature settings.
    package enum Kind: Sendable, Equatable {
        case mrdam
        case drdam(FeatureSettings)
    }

    /// The dimension D of memories and queries.
    package var dim: Int
    /// Inverse temperature β > 0.
    package var beta: Float
    /// lse or sum.
    package var energy: EnergyFunction
    /// mrdam, or drdam with its features.
    package var kind: Kind

    package init(dim: Int, beta: Float, energy: EnergyFunction = .lse, kind: Kind) {
        self.dim = dim
        self.beta = beta
        self.energy = energy
        self.kind = kind
    }

    /// mrdam or drdam, without the settings.
    package var storeKind: StoreKind {
        switch kind {
        case .mrdam: .mrdam
        case .drdam: .drdam
        }
    }

    /// The drdam settings; nil for an mrdam store.
    package var drdam: FeatureSettings? {
        guard case .drdam(let settings) = kind else { return nil }
        return settings
    }

    /// Whether a creation request asks for this configuration: fields it leaves out match whatever
    /// default this store got, including its random seed and its generator version.
    package func isSatisfied(by request: RequestedConfiguration) -> Bool {
        var request = request
        if let drdam {
            request.seed = request.seed ?? drdam.seed
            request.generator = request.generator ?? drdam.generator
        }
        return (try? request.resolved()) == self
    }
}

extension StoreConfiguration: Codable {
    private enum CodingKeys: String, CodingKey { case kind, dim, beta, energy, kernel, features, seed, eps, orthogonal, transform, generator }

    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dim = try container.decode(Int.self, forKey: .dim)
        beta = try container.decode(Float.self, forKey: .beta)
        energy = try container.decode(EnergyFunction.self, forKey: .energy)
        switch try container.decode(StoreKind.self, forKey: .kind) {
        case .mrdam: kind = .mrdam
        case .drdam:
            kind = .drdam(FeatureSettings(
                kernel: try container.decode(KernelKind.self, forKey: .kernel), features: try container.decode(Int.self, forKey: .features),
                seed: try container.decode(UInt64.self, forKey: .seed), eps: try container.decode(Float.self, forKey: .eps),
                orthogonal: try container.decode(Bool.self, forKey: .orthogonal),
                transform: try container.decodeIfPresent(FeatureTransform.self, forKey: .transform) ?? .dense,
                generator: try container.decodeIfPresent(FeatureGenerator.self, forKey: .generator) ?? .version1))
        }
    }

    /// The keys in this order, drdam ones only for drdam stores: the bytes the API and the log have
    /// always had, then `transform` unless dense and `generator` unless version 1.
    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(storeKind, forKey: .kind)
        try container.encode(dim, forKey: .dim)
        try container.encode(beta, forKey: .beta)
        try container.encode(energy, forKey: .energy)
        guard let drdam else { return }
        try container.encode(drdam.kernel, forKey: .kernel)
        try container.encode(drdam.features, forKey: .features)
        try container.encode(drdam.seed, forKey: .seed)
        try container.encode(drdam.eps, forKey: .eps)
        try container.encode(drdam.orthogonal, forKey: .orthogonal)
        if drdam.transform != .dense { try container.encode(drdam.transform, forKey: .transform) }
        if drdam.generator != .version1 { try container.encode(drdam.generator, forKey: .generator) }
    }
}

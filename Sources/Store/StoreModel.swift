import Core

/// The mathematics behind a store's state: the exact memory of an mrdam store or the distributed memory
/// of a drdam store.
package enum StoreModel: Sendable {
    case exact(ExactMemory)
    case distributed(DistributedMemory)

    /// An empty model for a resolved configuration (generates a drdam store's features).
    init(configuration c: StoreConfiguration) throws {
        switch c.kind {
        case .mrdam:
            self = .exact(try ExactMemory(memories: Matrix(rows: 0, cols: c.dim), beta: c.beta, energy: c.energy))
        case .drdam(let settings):
            self = .distributed(try DistributedMemory(features: try settings.randomFeatures(dim: c.dim, beta: c.beta), energy: c.energy, eps: settings.eps))
        }
    }

    /// A drdam model with `settings` whose T is `accumulator` [F] after `count` memories (from a snapshot).
    init(dim: Int, beta: Float, energy: EnergyFunction, settings: FeatureSettings, accumulator: [Double], count: Int) throws {
        let features = try settings.randomFeatures(dim: dim, beta: beta)
        self = .distributed(try DistributedMemory(features: features, energy: energy, eps: settings.eps, accumulator: accumulator, count: count))
    }

    /// Memories held: rows (mrdam), or memories added minus forgotten (drdam).
    package var count: Int {
        switch self {
        case .exact(let m): m.count
        case .distributed(let m): m.count
        }
    }

    /// Bytes of numbers held: Ξ and its norms (mrdam); the features' own numbers (dense Ω or the
    /// structured blocks' norms and signs, and b), T in Double and in Float (drdam).
    package var bytes: Int {
        switch self {
        case .exact(let m): 4 * m.count * m.dim + 4 * m.count
        case .distributed(let m):
            4 * m.features.storedFloats + 12 * m.features.featureCount
        }
    }
}

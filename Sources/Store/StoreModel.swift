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
        case .drdam:
            let features = try RandomFeatures(kind: c.kernel!, dim: c.dim, count: c.features!, beta: c.beta, seed: c.seed!, orthogonal: c.orthogonal!)
            self = .distributed(try DistributedMemory(features: features, energy: c.energy, eps: c.eps!))
        }
    }

    /// A drdam model whose T is `accumulator` [F] after `count` memories (from a snapshot).
    init(configuration c: StoreConfiguration, accumulator: [Double], count: Int) throws {
        let features = try RandomFeatures(kind: c.kernel!, dim: c.dim, count: c.features!, beta: c.beta, seed: c.seed!, orthogonal: c.orthogonal!)
        self = .distributed(try DistributedMemory(features: features, energy: c.energy, eps: c.eps!, accumulator: accumulator, count: count))
    }

    /// Memories held: rows (mrdam), or memories added minus forgotten (drdam).
    package var count: Int {
        switch self {
        case .exact(let m): m.count
        case .distributed(let m): m.count
        }
    }

    /// Bytes of numbers held: Ξ and its norms (mrdam); Ω, b, T in Double and in Float (drdam).
    package var bytes: Int {
        switch self {
        case .exact(let m): 4 * m.count * m.dim + 4 * m.count
        case .distributed(let m):
            4 * m.features.omega.count + 4 * m.features.bias.count + 12 * m.features.featureCount
        }
    }
}

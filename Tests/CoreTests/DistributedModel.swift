@testable import Core

/// A DrDAM model over `memories` with the given map and energy.
func distributedModel(_ kind: KernelKind, energy: EnergyFunction, memories: Matrix, features: Int, beta: Float,
                      seed: UInt64 = 11, orthogonal: Bool = false) throws -> DistributedMemory {
    let map = try RandomFeatures(kind: kind, dim: memories.cols, count: features, beta: beta, seed: seed, orthogonal: orthogonal)
    var model = try DistributedMemory(features: map, energy: energy)
    try model.add(memories)
    return model
}


@testable import Core

/// A DrDAM model over `memories` with the given map, energy and transform.
func distributedModel(_ kind: KernelKind, energy: EnergyFunction, memories: Matrix, features: Int, beta: Float,
                      seed: UInt64 = 11, orthogonal: Bool = false, transform: FeatureTransform = .dense) throws -> DistributedMemory {
    let map = try RandomFeatures(kind: kind, dim: memories.cols, count: features, beta: beta, seed: seed, orthogonal: orthogonal,
                                 transform: transform)
    var model = try DistributedMemory(features: map, energy: energy)
    try model.add(memories)
    return model
}


/// Every energy with every transform: the second argument of tests that also take every map (Swift
/// Testing takes at most two argument collections).
let energiesAndTransforms = EnergyFunction.allCases.flatMap { energy in FeatureTransform.allCases.map { (energy, $0) } }

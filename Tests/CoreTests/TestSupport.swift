@testable import Core

/// Reproducible test inputs: a [rows, cols] matrix of normals × `scale` (+ `shift`) from Philox.
func randomMatrix(rows: Int, cols: Int, seed: UInt64, scale: Float = 1, shift: Float = 0) -> Matrix {
    let values = RandomFeatures.gaussianRows(Philox(seed: seed), rows: 0..<rows, dim: cols, stream: 9)
    return Matrix(rows: rows, cols: cols, values: values.map { $0 * scale + shift })
}

/// A DrDAM model over `memories` with the given map and energy.
func distributedModel(_ kind: KernelKind, energy: EnergyFunction, memories: Matrix, features: Int, beta: Float,
                      seed: UInt64 = 11, orthogonal: Bool = false) throws -> DistributedMemory {
    let map = try RandomFeatures(kind: kind, dim: memories.cols, count: features, beta: beta, seed: seed, orthogonal: orthogonal)
    var model = try DistributedMemory(features: map, energy: energy)
    try model.add(memories)
    return model
}

/// The largest |a[i] − b[i]|.
func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
